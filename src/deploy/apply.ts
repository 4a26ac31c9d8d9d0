import {type BundleFile, tarball} from '../ssh/bundle.js'
import {shellQuote as q} from '../util/shell.js'
import type {HostPlan} from './plan.js'
import {AUDIT_FILE, PENDING_FILE, STATE_DIR} from './probe.js'

export type ApplyResult =
  | {status: 'applied'; restarted: string[]}
  | {status: 'conflict'; path: string}
  | {status: 'failed-validate'; path: string; output: string}
  | {status: 'failed-restart'; service: string; output: string}

/**
 * The script a host runs to apply its plan. It runs detached (setsid), so a dropped SSH
 * connection cannot stop it half-way:
 * 1. compare-and-swap: every file must still have the hash seen by the probe;
 * 2. record the restarts it will owe before touching anything (a crash leaves them pending);
 * 3. per file: back up, write to a temporary name, set owner and mode, fsync, rename over;
 * 4. validate; on failure put every file back and owe nothing new;
 * 5. reload or restart what is pending; on failure put the files back and reload again;
 * 6. append to the host's audit log, then report.
 */
export function applyScript(plan: HostPlan, services: Record<string, {reload: 'reload' | 'restart'}>, auditPrefix: string): string {
  const changed = plan.files.map((f, i) => ({...f, i})).filter((f) => f.action !== 'unchanged')
  const notified = [...new Set(changed.flatMap((f) => f.notify))]
  const out: string[] = [
    'set -u',
    'run=$(cd "$(dirname "$0")" && pwd)',
    `state=${q(STATE_DIR)}`,
    `pending=${q(PENDING_FILE)}`,
    'installed=""',
    'report() { printf "%s\\n" "$1" > "$run/result.tmp"; mv "$run/result.tmp" "$run/result"; exit 0; }',
    'hash() { if [ -e "$1" ]; then sha256sum "$1" | cut -d" " -f1; else echo absent; fi; }',
    'restore() {',
    '  for i in $installed; do',
    '    target=$(sed -n "$((i + 1))p" "$run/paths")',
    '    if [ -e "$run/backup/$i" ]; then mv -f "$run/backup/$i" "$target"; else rm -f "$target"; fi',
    '  done',
    '}',
    'unowe() { for s in $(cat "$run/owed" 2>/dev/null); do sed -i "/^$s\\$/d" "$pending"; done; }',
    'mkdir -p "$state" "$run/backup"',
    'touch "$pending"',
  ]
  for (const f of changed) {
    out.push(`[ "$(hash ${q(f.path)})" = ${q(f.expected ?? 'absent')} ] || report ${q(JSON.stringify({status: 'conflict', path: f.path}))}`)
  }
  for (const s of notified) out.push(`grep -qx ${q(s)} "$pending" || { echo ${q(s)} >> "$pending"; echo ${q(s)} >> "$run/owed"; }`)
  out.push('sync "$pending"')
  for (const f of changed) {
    const tmp = `${f.path}.mailops-new`
    out.push(
      `if [ -e ${q(f.path)} ]; then cp -p ${q(f.path)} "$run/backup/${f.i}"; fi`,
      `installed="$installed ${f.i}"`,
      `mkdir -p "$(dirname ${q(f.path)})"`,
      `cp "$run/stage/${f.i}" ${q(tmp)} && chown ${q(`${f.owner}:${f.group}`)} ${q(tmp)} && chmod ${f.mode} ${q(tmp)} && sync ${q(tmp)} && mv -f ${q(tmp)} ${q(f.path)} || { rm -f ${q(tmp)}; restore; unowe; report ${q(JSON.stringify({status: 'failed-validate', path: f.path, output: 'could not write the file'}))}; }`,
    )
  }
  for (const f of changed.filter((x) => x.validate)) {
    out.push(
      `if ! sh -c ${q(f.validate!)} > "$run/validate.out" 2>&1; then restore; unowe; printf '{"status":"failed-validate","path":%s,"output":"%s"}' ${q(JSON.stringify(f.path))} "$(tr -d '\\000-\\037"\\\\' < "$run/validate.out" | head -c 2000)" > "$run/result.tmp"; mv "$run/result.tmp" "$run/result"; exit 0; fi`,
    )
  }
  out.push(
    'restarted=""',
    'for s in $(cat "$pending"); do',
    ...Object.entries(services).map(
      ([name, spec]) => `  if [ "$s" = ${q(name)} ]; then action=${spec.reload}; fi`,
    ),
    // A service that is not running yet (first deploy) is started instead.
    '  if { if service "$s" status >/dev/null 2>&1; then service "$s" "${action:-restart}"; else service "$s" start; fi; } > "$run/restart.out" 2>&1; then',
    '    sed -i "/^$s\\$/d" "$pending"; restarted="$restarted \\"$s\\""',
    '  else',
    '    restore; service "$s" "${action:-restart}" >/dev/null 2>&1; unowe',
    `    printf '{"status":"failed-restart","service":"%s","output":"%s"}' "$s" "$(tr -d '\\000-\\037"\\\\' < "$run/restart.out" | head -c 2000)" > "$run/result.tmp"; mv "$run/result.tmp" "$run/result"; exit 0`,
    '  fi',
    '  action=""',
    'done',
    `mkdir -p "$(dirname ${q(AUDIT_FILE)})"`,
    `printf '%s,"status":"applied","restarted":[%s]}\\n' ${q(auditPrefix)} "$(echo $restarted | tr ' ' ',')" >> ${q(AUDIT_FILE)}`,
    // Staged copies are not needed any more; keep the last 10 runs' backups and logs.
    'rm -rf "$run/stage"',
    'ls -1dt "$state"/runs/* | tail -n +11 | xargs -r rm -rf',
    `printf '{"status":"applied","restarted":[%s]}' "$(echo $restarted | tr ' ' ',')" > "$run/result.tmp"; mv "$run/result.tmp" "$run/result"`,
  )
  return out.join('\n') + '\n'
}

/** The bundle for one host: staged files, their paths, and the script. */
export function applyBundle(plan: HostPlan, script: string): Buffer {
  const files: BundleFile[] = plan.files.map((f, i) => ({path: `stage/${i}`, content: f.content, mode: 0o600}))
  files.push({path: 'paths', content: plan.files.map((f) => f.path).join('\n') + '\n', mode: 0o600})
  files.push({path: 'apply.sh', content: script, mode: 0o700})
  return tarball(files)
}

/** Unpacks the bundle, starts the script detached from this session, and waits for its result. */
export function launchCommand(runId: string): string {
  const run = `${STATE_DIR}/runs/${runId}`
  return [
    `run=${q(run)}`,
    'mkdir -p "$run" && tar -x -C "$run" -f - || exit 97',
    'setsid sh "$run/apply.sh" > "$run/log" 2>&1 < /dev/null &',
    'while [ ! -f "$run/result" ]; do sleep 0.05; done',
    'cat "$run/result"',
  ].join('\n')
}
