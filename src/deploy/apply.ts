import {type BundleFile, tarball} from '../ssh/bundle.js'
import {shellQuote as q} from '../util/shell.js'
import type {HostPlan} from './plan.js'
import {AUDIT_FILE, LOCK_FILE, MAIL_CRYPT_MAGIC, MAIL_STORE, MAIL_CRYPT_PRIVATE_KEY, MAIL_CRYPT_PUBLIC_KEY, maildirScan, PENDING_FILE, STATE_DIR} from '../fleet/facts.js'
import {GENESIS} from '../audit/chain.js'

/** What the host's apply reports; `hostAudit` is where its audit line went (see auditFunction). */
export type ApplyResult = ApplyStatus & {hostAudit?: {seq: number; sha256: string}}

/** What the migration of stored mail did (see migrateStep): files encrypted, plain files left. */
export interface Encrypted {
  encrypted: number
  remaining: number
}

type ApplyStatus =
  | ({status: 'applied'; restarted: string[]} & Partial<Encrypted>)
  | ({status: 'failed-migrate'; restarted: string[]; output: string} & Encrypted)
  | {status: 'conflict'; path: string}
  | {status: 'busy'; waitedS: number}
  | {status: 'failed-install'; output: string}
  | {status: 'failed-validate'; path: string; output: string}
  | {status: 'failed-restart'; service: string; output: string}
  | {status: 'rolled-back'; service: string; waitedS: number}

/** The bounds every step of an apply runs under, so that nothing on the host waits forever. */
export interface ApplyBounds {
  /** Seconds to wait for another run's host lock before giving up (busy). */
  lockWaitS: number
  /** Seconds one validator or one service reload/restart may take. */
  stepS: number
  /** Seconds a change to a service that carries our login (sshd) waits for a fresh login. */
  confirmS: number
  /** Seconds installing the plan's packages may take (apt's own lock waited for within it). */
  installS: number
}

export const DEFAULT_BOUNDS: ApplyBounds = {lockWaitS: 120, stepS: 90, confirmS: 30, installS: 900}

/** How many step bounds the migration of stored mail may take in one run before it stops at a file (the next run goes on). */
export const MIGRATE_STEPS = 10

/**
 * debconf answers for packages that would ask: Postfix writes no main.cf of its own (the
 * blueprint's is the one).
 */
export const PRESEED: Record<string, string> = {postfix: 'postfix postfix/main_mailer_type select No configuration'}

/** Where Debian's maintainer scripts ask whether they may start a service. */
const POLICY_RC = '/usr/sbin/policy-rc.d'

/**
 * Services whose change can cut mailops off: after their reload a fresh SSH login must work
 * (sshd itself, and the host firewall that could drop the SSH port).
 */
export const LOGIN_SERVICES = new Set(['ssh', 'nftables'])

/** A line written by the script when it waits for the controller to log in afresh. */
export const CONFIRM_MARK = 'awaiting-confirm'

/**
 * The shell function that appends one record to the host's audit log as the next link of its hash
 * chain (see src/audit/chain.ts): under the log's own lock (a refused run writes while another
 * holds the host lock), seq and prev taken from the line before, then `$seq` and `$head` (the
 * sha256 of the line written) left for the report. `fields` is the record's JSON without braces.
 */
export function auditFunction(fields: string, path = AUDIT_FILE): string[] {
  const file = q(path)
  return [
    'audit() {',
    `  mkdir -p "$(dirname ${file})"`,
    '  {',
    '    flock -w 60 8',
    `    last=$(tail -n 1 ${file})`,
    '    if [ -n "$last" ]; then',
    '      prev=$(printf "%s" "$last" | sha256sum | cut -d" " -f1)',
    `      seq=$(printf "%s" "$last" | sed -n 's/^{"seq":\\([0-9]\\{1,15\\}\\),.*/\\1/p')`,
    '      seq=$((${seq:-0} + 1))',
    `    else prev=${GENESIS}; seq=1; fi`,
    `    line=$(printf '{"seq":%s,"prev":"%s",%s,"result":%s}' "$seq" "$prev" ${q(fields)} "$1")`,
    '    printf "%s\\n" "$line" >&8',
    '    head=$(printf "%s" "$line" | sha256sum | cut -d" " -f1)',
    `  } 8>> ${file}`,
    '}',
  ]
}

/**
 * The script a host runs to apply its plan. It runs detached (setsid), so a dropped SSH
 * connection cannot stop it half-way:
 * 1. takes the host lock (flock), held until the end: one apply at a time per host;
 * 2. compare-and-swap: every file must still have the hash seen by the probe;
 * 2b. installs the plan's packages (apt non-interactive, debconf preseeded, apt's lock waited
 *    for, nothing started by a package on its defaults: policy-rc.d says no meanwhile); what the
 *    packages put at the blueprint's paths becomes the hash later checks expect;
 * 3. records the restarts it will owe before touching anything (a crash leaves them pending);
 * 4. stages every file next to its target (temporary name, owner, mode, fsync), then runs each
 *    validator on a shadow copy of the file's folder with the staged files in it — nothing is
 *    live before it passed;
 * 5. per file: backs up, re-checks the probed hash, renames the staged file over;
 * 6. reloads or restarts what is pending; on failure puts the files back and reloads every
 *    service already touched with the old files;
 * 7. a change to a login service (sshd) waits for the controller's fresh login; without one
 *    within the bound it restores the previous files itself (magic rollback);
 * 7b. when the plan encrypts stored mail, does so now (migrateStep): Dovecot runs with the key
 *    by then, and nothing is rolled back after this point (the key must stay once a file is encrypted);
 * 8. appends the outcome, whatever it is, to the host's audit log (a hash chain), then reports.
 * Staged copies (secrets among them) are removed on every way out.
 */
export function applyScript(plan: HostPlan, services: Record<string, {reload: 'reload' | 'restart'; ready?: string}>, auditFields: string, bounds: ApplyBounds = DEFAULT_BOUNDS): string {
  const changed = plan.files.map((f, i) => ({...f, i})).filter((f) => f.action !== 'unchanged')
  // What the changed files notify, and what the plan found not answering (or left pending by a crash).
  const notified = [...new Set([...changed.flatMap((f) => f.notify), ...plan.handlers])]
  const sensitive = changed.filter((f) => f.sensitive).map((f) => f.i)
  const confirming = plan.handlers.filter((s) => LOGIN_SERVICES.has(s))
  const confirm = confirming.length > 0
  const out: string[] = [
    'set -u',
    'run=$(cd "$(dirname "$0")" && pwd)',
    'echo $$ > "$run/pid"',
    `state=${q(STATE_DIR)}`,
    `pending=${q(PENDING_FILE)}`,
    'installed=""',
    'restarted=""',
    // Staged files and shadow copies hold the new contents (keys too): they never outlive the run,
    // and neither do the backups of files that hold a secret once the run succeeded.
    `cleanup() { rm -rf "$run/stage" "$run/shadow"; rm -f ${changed.map((f) => q(`${f.path}.mailops-new`)).join(' ')}; unpolicy; }`,
    'trap cleanup EXIT',
    // A policy-rc.d the host already had is put back as it was (installStep sets one meanwhile).
    `unpolicy() { if [ -e "$run/policy-rc.d" ]; then mv -f "$run/policy-rc.d" ${POLICY_RC}; elif [ -e "$run/policy-added" ]; then rm -f ${POLICY_RC} "$run/policy-added"; fi; }`,
    'trap "exit 1" HUP INT TERM',
    // Lines joined by a space (not run together), then anything JSON would need escaped dropped.
    'esc() { paste -sd " " | tr -d "\\000-\\037\\"\\\\\\\\" | head -c 2000; }',
    ...auditFunction(auditFields),
    // The result carries where the audit line went, so the controller's signed run vouches for it.
    'report() { audit "$1"; printf "%s\\n" "$1" | sed "s/}\\$/,\\"hostAudit\\":{\\"seq\\":${seq:-0},\\"sha256\\":\\"${head:-}\\"}}/" > "$run/result.tmp"; mv "$run/result.tmp" "$run/result"; exit 0; }',
    'hash() { if [ -e "$1" ]; then sha256sum "$1" | cut -d" " -f1; else echo absent; fi; }',
    'restore() {',
    '  for i in $installed; do',
    '    target=$(sed -n "$((i + 1))p" "$run/paths")',
    '    if [ -e "$run/backup/$i" ]; then mv -f "$run/backup/$i" "$target"; else rm -f "$target"; fi',
    '  done',
    '  installed=""',
    '}',
    // Loop variables of their own: these run inside the restart loop, whose $s names the failed service in its report.
    'unowe() { for o in $(cat "$run/owed" 2>/dev/null); do sed -i "/^$o\\$/d" "$pending"; done; }',
    // 9>&-: a daemon started here must not inherit the host lock (it would hold it for ever).
    plan.init === 'systemd'
      ? `act() { if systemctl is-active -q "$1" 9>&-; then timeout -k 5 ${bounds.stepS} systemctl "$2" "$1" 9>&-; else timeout -k 5 ${bounds.stepS} systemctl enable --now "$1" 9>&-; fi; }`
      : `act() { if service "$1" status >/dev/null 2>&1 9>&-; then timeout -k 5 ${bounds.stepS} service "$1" "$2" 9>&-; else timeout -k 5 ${bounds.stepS} service "$1" start 9>&-; fi; }`,
    // What a changed file triggers per service: its blueprint's reload or restart.
    `action_of() { case "$1" in ${Object.entries(services).map(([name, spec]) => `${q(name)}) echo ${spec.reload};;`).join(' ')} *) echo restart;; esac; }`,
    // Whether a service answers yet (its blueprint's ready command; none: as soon as it runs),
    // waited for within the step bound: "active" is not "listening" (rspamd loads for seconds).
    `ready_of() { case "$1" in ${Object.entries(services).flatMap(([name, spec]) => (spec.ready ? [`${q(name)}) sh -c ${q(spec.ready)} 9>&-;;`] : [])).join(' ')} *) true;; esac; }`,
    `await_ready() { w=0; until ready_of "$1" >/dev/null 2>&1 < /dev/null; do [ $w -ge ${bounds.stepS * 2} ] && { echo "$1 runs but did not answer within ${bounds.stepS} s (its ready check)"; return 1; }; sleep 0.5; w=$((w + 1)); done; }`,
    // Put back the files and bring every service already touched back onto them.
    'undo() { restore; for u in $restarted $1; do act "$u" "$(action_of "$u")" >/dev/null 2>&1 < /dev/null; done; unowe; }',
    'mkdir -p "$state" "$run/backup" "$run/shadow"',
    `exec 9>> ${q(LOCK_FILE)}`,
    `flock -w ${bounds.lockWaitS} 9 || report ${q(JSON.stringify({status: 'busy', waitedS: bounds.lockWaitS}))}`,
    // Staged copies of earlier runs that died without their cleanup (SIGKILL, power loss).
    'for d in "$state"/runs/*/; do [ "$d" = "$run/" ] && continue; p=$(cat "$d/pid" 2>/dev/null); if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then rm -rf "$d/stage" "$d/shadow"; fi; done',
    'touch "$pending"',
  ]
  for (const f of changed) {
    out.push(`[ "$(hash ${q(f.path)})" = ${q(f.expected ?? 'absent')} ] || report ${q(JSON.stringify({status: 'conflict', path: f.path}))}`)
    out.push(`expect_${f.i}=${q(f.expected ?? 'absent')}`)
  }
  if (plan.packages.length > 0) out.push(...installStep(plan, changed.map((f) => ({path: f.path, i: f.i})), bounds))
  for (const s of notified) out.push(`grep -qx ${q(s)} "$pending" || { echo ${q(s)} >> "$pending"; echo ${q(s)} >> "$run/owed"; }`)
  out.push('sync "$pending"')
  // Stage: every new file next to its target, complete and durable before anything is renamed.
  for (const f of changed) {
    const tmp = q(`${f.path}.mailops-new`)
    out.push(
      `mkdir -p "$(dirname ${q(f.path)})"`,
      `{ cp "$run/stage/${f.i}" ${tmp} && chown ${q(`${f.owner}:${f.group}`)} ${tmp} && chmod ${f.mode} ${tmp} && sync ${tmp}; } || { unowe; report ${q(JSON.stringify({status: 'failed-validate', path: f.path, output: 'could not write the staged file'}))}; }`,
    )
  }
  // Validate the staged files where they will live: a shadow copy of the folder with every staged
  // file of that folder in it, so that a validator reading the folder (postfix -c) sees the new set.
  for (const f of changed.filter((x) => x.validate)) {
    const dir = f.path.slice(0, f.path.lastIndexOf('/')) || '/'
    const base = f.path.slice(f.path.lastIndexOf('/') + 1)
    const siblings = changed.filter((x) => (x.path.slice(0, x.path.lastIndexOf('/')) || '/') === dir)
    out.push(
      `shadow="$run/shadow/${f.i}"`,
      // A validator that reads the whole folder (postfix -c "$STAGED_DIR") gets a copy of it.
      f.validate!.includes('STAGED_DIR') ? `mkdir -p "$shadow" && cp -a ${q(dir)}/. "$shadow"/` : 'mkdir -p "$shadow"',
      ...siblings.map((x) => `cp -p ${q(`${x.path}.mailops-new`)} "$shadow"/${q(x.path.slice(x.path.lastIndexOf('/') + 1))}`),
      `if ! STAGED="$shadow"/${q(base)} STAGED_DIR="$shadow" timeout -k 5 ${bounds.stepS} sh -c ${q(f.validate!)} > "$run/validate.out" 2>&1 < /dev/null 9>&-; then`,
      `  code=$?; reason=$(esc < "$run/validate.out"); [ -n "$reason" ] || reason="the validator exited $code without saying why"`,
      `  unowe; report "$(printf '{"status":"failed-validate","path":%s,"output":"%s"}' ${q(JSON.stringify(f.path))} "$reason")"`,
      'fi',
    )
  }
  for (const f of changed) {
    const tmp = q(`${f.path}.mailops-new`)
    out.push(
      `if [ -e ${q(f.path)} ]; then cp -p ${q(f.path)} "$run/backup/${f.i}"; fi`,
      // The lock keeps other mailops runs out; this catches a hand edit since the first check.
      `[ "$(hash ${q(f.path)})" = "$expect_${f.i}" ] || { restore; unowe; report ${q(JSON.stringify({status: 'conflict', path: f.path}))}; }`,
      `installed="$installed ${f.i}"`,
      `mv -f ${tmp} ${q(f.path)} || { restore; unowe; report ${q(JSON.stringify({status: 'failed-validate', path: f.path, output: 'could not rename the staged file into place'}))}; }`,
    )
  }
  // systemd reads a changed unit file (or drop-in) only when told: before any service is acted on, and again after an undo put the old ones back.
  const units = plan.init === 'systemd' && changed.some((f) => f.path.startsWith('/etc/systemd/'))
  if (units) out.push('systemctl daemon-reload 9>&-')
  out.push(
    'for s in $(cat "$pending"); do',
    '  if act "$s" "$(action_of "$s")" > "$run/restart.out" 2>&1 < /dev/null && await_ready "$s" >> "$run/restart.out"; then',
    '    sed -i "/^$s\\$/d" "$pending"; restarted="$restarted $s"',
    '  else',
    // systemctl only says that a unit failed; its own last lines say why (e.g. which server a oneshot could not reach).
    // (_SYSTEMD_UNIT: what the unit's processes wrote, not systemd's own lines about it.)
    ...(plan.init === 'systemd' ? ['    case "$s" in *.*) u=$s;; *) u=$s.service;; esac; journalctl _SYSTEMD_UNIT="$u" -n 3 -o cat --no-pager -q 2>/dev/null < /dev/null >> "$run/restart.out"'] : []),
    ...(units ? ['    restore; systemctl daemon-reload 9>&-'] : []),
    '    undo "$s"',
    `    report "$(printf '{"status":"failed-restart","service":"%s","output":"%s"}' "$s" "$(esc < "$run/restart.out")")"`,
    '  fi',
    'done',
  )
  if (confirm) {
    // deploy-rs's magic rollback: the controller logs in afresh and touches "confirmed"; a change
    // that locked it out is undone here, by the host itself, when the bound runs out.
    out.push(
      `echo ${CONFIRM_MARK} > "$run/confirm.tmp"; mv "$run/confirm.tmp" "$run/${CONFIRM_MARK}"`,
      `waited=0; while [ ! -f "$run/confirmed" ] && [ $waited -lt ${bounds.confirmS * 10} ]; do sleep 0.1; waited=$((waited + 1)); done`,
      `if [ ! -f "$run/confirmed" ]; then undo ""; report ${q(JSON.stringify({status: 'rolled-back', service: confirming.join(','), waitedS: bounds.confirmS}))}; fi`,
    )
  }
  out.push(
    ...sensitive.map((i) => `rm -f "$run/backup/${i}"`),
    // Keep the last 10 runs' backups and logs.
    'ls -1dt "$state"/runs/* | tail -n +11 | xargs -r rm -rf',
    `restarted_json() { for s in $restarted; do printf '"%s"\\n' "$s"; done | paste -sd, -; }`,
  )
  if (plan.encrypt > 0) {
    out.push(...migrateStep(bounds))
    out.push(`report "$(printf '{"status":"applied","restarted":[%s],"encrypted":%s,"remaining":%s}' "$(restarted_json)" "$encrypted" "$remaining")"`)
  } else {
    out.push(`report "$(printf '{"status":"applied","restarted":[%s]}' "$(restarted_json)")"`)
  }
  return out.join('\n') + '\n'
}

/**
 * Encrypts the Maildir message files still in plain text (written before encryption was on), in
 * place and without loss, the way Dovecot's own "compress Maildir in place" procedure changes
 * files: per file, under Dovecot's Maildir lock on its folder (dovecot-uidlist.lock, taken as
 * Dovecot's file-dotlock.c takes it: a link(2) of a "pid:host" file, which Dovecot waits for while
 * that process lives and takes over once it is gone. Not maildirlock: Debian 12's (2.3.19.1)
 * panics right after it locks, leaving the lock to go stale, about 3 s per file; 2.4 has none), the
 * encrypted copy written into the folder's tmp/ by Dovecot's own code (doveadm fs put through the
 * crypt fs with the global key pair: the format mail_crypt reads), read back through Dovecot and
 * compared with the plain file byte for byte, given the plain file's owner, mode and mtime (the
 * INTERNALDATE), made durable, then renamed over the plain file under its own name (UID, flags
 * and S= stay valid). Each file is one rename: a killed run leaves every message either plain or
 * encrypted, and the next run's probe counts the plain ones and goes on. A file that is already
 * encrypted (the magic) or gone (renamed by Dovecot meanwhile: a flag change) is left alone, and
 * so is one Dovecot renamed while it was being encrypted (the copy is taken back).
 * Every doveadm call is bounded by the step bound, each lock wait by the lock bound, and the
 * migration as a whole by MIGRATE_STEPS step bounds: then it stops at a file boundary and reports
 * what remains. A failure stops it with the files done so far encrypted (Dovecot reads both kinds).
 */
export function migrateStep(bounds: ApplyBounds): string[] {
  const spec = `public_key_path=${MAIL_CRYPT_PUBLIC_KEY}:private_key_path=${MAIL_CRYPT_PRIVATE_KEY}:posix:`
  // Dovecot 2.4 takes the fs stack from its configuration (doveadm fs OP FILTER-NAME ...): a file of
  // its own with the crypt fs over posix and the same key pair and cipher as the core's dovecot.conf.
  const conf = [
    'dovecot_config_version = 2.4.1',
    'dovecot_storage_version = 2.4.1',
    'crypt_write_algorithm = aes-256-gcm-sha256',
    `crypt_global_public_key_file = ${MAIL_CRYPT_PUBLIC_KEY}`,
    'crypt_global_private_key main {',
    `  crypt_private_key_file = ${MAIL_CRYPT_PRIVATE_KEY}`,
    '}',
    'fs crypt {',
    '}',
    'fs posix {',
    '}',
  ]
  const doveadm = `timeout -k 5 ${bounds.stepS} doveadm`
  return [
    'encrypted=0; remaining=0; mstart=$(date +%s)',
    // doveadm fs OP ARGS... through the crypt fs with the global key pair, in the syntax of the host's Dovecot.
    `case "$(dovecot --version 2>/dev/null)" in 2.3.*) fsv=2.3;; *) fsv=2.4; printf '%s\\n' ${conf.map(q).join(' ')} > "$run/crypt.conf";; esac`,
    `crypt_fs() { op=$1; shift; if [ $fsv = 2.3 ]; then ${doveadm} fs "$op" crypt ${q(spec)} "$@"; else ${doveadm} -c "$run/crypt.conf" fs "$op" "" "$@"; fi; }`,
    // Dovecot's Maildir lock on a folder, taken as Dovecot takes it (see above).
    'mlock() {',
    `  printf '%s:%s' $$ "$(hostname)" > "$1/.mailops-lock.$$" || return 1`,
    '  w=0',
    '  until ln "$1/.mailops-lock.$$" "$1/dovecot-uidlist.lock" 2>/dev/null; do',
    // Dovecot's own rule (file-dotlock.c): a lock whose process is gone is stale and may be taken over.
    '    p=$(cut -d: -f1 "$1/dovecot-uidlist.lock" 2>/dev/null)',
    '    if [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; then rm -f "$1/dovecot-uidlist.lock"; continue; fi',
    `    [ $w -ge ${bounds.lockWaitS * 10} ] && { rm -f "$1/.mailops-lock.$$"; echo "the Maildir lock of $1 was held for ${bounds.lockWaitS} s" >> "$run/migrate.err"; return 1; }`,
    '    sleep 0.1; w=$((w + 1))',
    '  done',
    '  rm -f "$1/.mailops-lock.$$"',
    '}',
    'munlock() { rm -f "$1/dovecot-uidlist.lock"; }',
    `magic() { [ "$(head -c ${MAIL_CRYPT_MAGIC.length} "$1" 2>/dev/null)" = ${MAIL_CRYPT_MAGIC} ]; }`,
    // One file: 0 encrypted (or nothing to do), 1 failed (why in migrate.err).
    'encrypt_one() {',
    '  f=$1; d=$(dirname "$(dirname "$f")"); t="$d/tmp/mailops-encrypt.$$.$(basename "$f")"',
    '  mlock "$d" || return 1',
    '  r=0',
    '  if [ -f "$f" ] && ! magic "$f"; then',
    '    rm -f "$t"',
    '    if ! crypt_fs put "$f" "$t" 2>> "$run/migrate.err"; then echo "doveadm fs put of $f failed" >> "$run/migrate.err"; r=1',
    '    elif ! magic "$t" || ! crypt_fs get "$t" 2>> "$run/migrate.err" | cmp -s - "$f"; then echo "the encrypted copy of $f does not read back as the same bytes" >> "$run/migrate.err"; r=1',
    '    elif ! { chown --reference="$f" "$t" && chmod --reference="$f" "$t" && touch -r "$f" "$t" && sync "$t" && mv -f "$t" "$f"; }; then echo "could not put the encrypted copy of $f in its place" >> "$run/migrate.err"; r=1',
    // Dovecot renames for a flag change or a move from new/ to cur/ without the uidlist lock: if it
    // renamed the plain file meanwhile, the rename above made a second copy, which is taken back (the
    // plain one stays, under its new name, for the next run).
    '    else',
    '      b=$(basename "$f"); b=${b%%:*}',
    '      if [ "$(find "$d/cur" "$d/new" -maxdepth 1 \\( -name "$b" -o -name "$b:*" \\) | wc -l)" -gt 1 ]; then rm -f "$f"; else encrypted=$((encrypted + 1)); fi',
    '    fi',
    '    rm -f "$t"',
    '  fi',
    '  munlock "$d"',
    '  return $r',
    '}',
    // Copies and lock links a killed run left in the folders (this run holds the host lock: no other
    // runs; a dovecot-uidlist.lock it left names a dead process, which Dovecot and mlock take over).
    `find ${q(MAIL_STORE)} -type f \\( -path '*/tmp/mailops-encrypt.*' -o -name '.mailops-lock.*' \\) -delete 2>/dev/null`,
    `${maildirScan} | sed -n 's/^p\\t//p' > "$run/plain"`,
    'mfailed=""',
    'while read -r f; do',
    `  [ $(( $(date +%s) - mstart )) -ge ${bounds.stepS * MIGRATE_STEPS} ] && break`,
    '  encrypt_one "$f" < /dev/null || { mfailed=1; break; }',
    'done < "$run/plain"',
    `remaining=$(${maildirScan} | grep -c '^p')`,
    'if [ -n "$mfailed" ]; then',
    `  report "$(printf '{"status":"failed-migrate","restarted":[%s],"encrypted":%s,"remaining":%s,"output":"%s"}' "$(restarted_json)" "$encrypted" "$remaining" "$(tail -n 3 "$run/migrate.err" | esc)")"`,
    'fi',
  ]
}

/**
 * The packages, installed under the host lock before any file is staged. A failure reports the
 * end of apt's output and changes nothing else: no file written, no service started.
 */
function installStep(plan: HostPlan, changed: Array<{path: string; i: number}>, bounds: ApplyBounds): string[] {
  const apt = `DEBIAN_FRONTEND=noninteractive timeout -k 5 ${bounds.installS} apt-get -q -o DPkg::Lock::Timeout=${bounds.lockWaitS} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold`
  const preseed = plan.packages.filter((p) => PRESEED[p]).map((p) => PRESEED[p])
  return [
    `if [ -e ${POLICY_RC} ]; then cp -p ${POLICY_RC} "$run/policy-rc.d"; else touch "$run/policy-added"; fi`,
    `printf '#!/bin/sh\\nexit 101\\n' > ${POLICY_RC} && chmod 755 ${POLICY_RC}`,
    ...(preseed.length > 0 ? [`printf '%s\n' ${preseed.map(q).join(' ')} | debconf-set-selections`] : []),
    // apt-get update exits 0 when an index failed to download (a mirror mid-sync, a busy proxy) and
    // install then finds no such package: any error fails the update, tried three times.
    `apt_update() { for n in 1 2 3; do ${apt} update --error-on=any && return 0; [ $n = 3 ] || sleep $((n * 2)); done; return 1; }`,
    `if ! { apt_update && ${apt} install -y --no-install-recommends ${plan.packages.map(q).join(' ')}; } > "$run/install.out" 2>&1 < /dev/null 9>&-; then`,
    '  unpolicy',
      `  report "$(printf '{"status":"failed-install","output":"%s"}' "$({ grep -E '^(E|Err):' "$run/install.out" || tail -n 3 "$run/install.out"; } | tail -n 4 | paste -sd ' ' | esc)")"`,
    'fi',
    'unpolicy',
    ...changed.map((f) => `expect_${f.i}=$(hash ${q(f.path)})`),
  ]
}

/** The bundle for one host: staged files, their paths, and the script. */
export function applyBundle(plan: HostPlan, script: string): Buffer {
  const files: BundleFile[] = plan.files.map((f, i) => ({path: `stage/${i}`, content: f.content, mode: 0o600}))
  files.push({path: 'paths', content: plan.files.map((f) => f.path).join('\n') + '\n', mode: 0o600})
  files.push({path: 'apply.sh', content: script, mode: 0o700})
  return tarball(files)
}

export const runDir = (runId: string) => `${STATE_DIR}/runs/${runId}`

/**
 * Unpacks the bundle, starts the script detached from this session, and waits for its result —
 * or for its request of a fresh login. The wait ends within a second of the script's death (it
 * then reports "died"), so nothing is left polling on the host.
 */
export function launchCommand(runId: string): string {
  return [
    `run=${q(runDir(runId))}`,
    'mkdir -p "$run" && tar -x -C "$run" -f - || exit 97',
    'setsid sh "$run/apply.sh" > "$run/log" 2>&1 < /dev/null &',
    'pid=$!',
    waitLoop(true),
  ].join('\n')
}

/**
 * Waits for a run already started: `confirm` is the fresh login an sshd change asked for (it
 * says so, then waits for the result); `result` waits for the result alone (after a lost
 * connection, or from the old connection while the host rolls a lock-out back).
 */
export function awaitCommand(runId: string, mode: 'confirm' | 'result'): string {
  return [
    `run=${q(runDir(runId))}`,
    '[ -d "$run" ] || { echo \'{"status":"unknown"}\'; exit 0; }',
    mode === 'confirm' ? 'touch "$run/confirmed"' : '',
    'pid=$(cat "$run/pid" 2>/dev/null || echo 0)',
    waitLoop(false),
  ]
    .filter(Boolean)
    .join('\n')
}

function waitLoop(stopAtConfirm: boolean): string {
  return [
    'while :; do',
    '  if [ -f "$run/result" ]; then cat "$run/result"; exit 0; fi',
    stopAtConfirm ? `  if [ -f "$run/${CONFIRM_MARK}" ]; then echo '{"status":"${CONFIRM_MARK}"}'; exit 0; fi` : '',
    '  if [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then',
    '    sleep 0.2; if [ -f "$run/result" ]; then cat "$run/result"; exit 0; fi',
    // The script was its own session (setsid): end whatever it left running there.
    '    pkill -KILL -s "$pid" 2>/dev/null',
    '    echo "{\\"status\\":\\"died\\",\\"log\\":\\"$(tail -c 1000 "$run/log" 2>/dev/null | tr -d "\\000-\\037\\"\\\\\\\\")\\"}"; exit 0',
    '  fi',
    '  sleep 0.05',
    'done',
  ]
    .filter(Boolean)
    .join('\n')
}
