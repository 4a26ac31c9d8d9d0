import type {TargetResult} from '../config/schemas/latency.js'
import {HostError} from '../ssh/errors.js'
import type {LoadedInventory} from '../fleet/inventory.js'
import {FleetSession, type SessionOptions} from '../fleet/session.js'
import {shellQuote} from '../util/shell.js'
import {parsePingOutput, pingTiming} from './probes/icmp.js'
import type {SmtpSample} from './probes/smtp.js'
import {describeTarget, type RunOptions, smtpStats} from './runner.js'
import {summarise} from './stats.js'
import type {Target} from './targets.js'

const MARK = '=== mailops-latency'

/**
 * One TCP or SMTP sample on a node in bash alone (nodes have no mailops; bash ≥ 5 has
 * $EPOCHREALTIME, so no clock process runs inside a timed phase). It stamps the connect, the 220
 * banner, the EHLO reply and then STARTTLS's 220 (no handshake: bash cannot speak TLS) or, when
 * STARTTLS is not offered, QUIT's reply. Arguments: address, port, tcp|smtp, read timeout (s).
 */
export const NODE_SAMPLE_SH = [
  'a=$1 p=$2 kind=$3 w=$4',
  't0=$EPOCHREALTIME',
  'exec 3<>"/dev/tcp/$a/$p" || exit 1',
  't1=$EPOCHREALTIME',
  '[ "$kind" = tcp ] && { echo "ok $t0 $t1"; exit 0; }',
  'IFS= read -r -t "$w" l <&3 || exit 1',
  'while [[ $l == 220-* ]]; do IFS= read -r -t "$w" l <&3 || exit 1; done',
  '[[ $l == 220* ]] || exit 1',
  't2=$EPOCHREALTIME',
  "printf 'EHLO latency.mailops.invalid\\r\\n' >&3",
  'tls=0 l=',
  'while IFS= read -r -t "$w" l <&3; do',
  "  l=${l%$'\\r'}",
  "  case ${l^^} in 250-STARTTLS*|'250 STARTTLS'*) tls=1 ;; esac",
  "  [[ $l == '250 '* ]] && break",
  '  [[ $l == 250-* ]] || exit 1',
  'done',
  "[[ $l == '250 '* ]] || exit 1",
  't3=$EPOCHREALTIME',
  'if [ $tls = 1 ]; then',
  "  printf 'STARTTLS\\r\\n' >&3; IFS= read -r -t \"$w\" l <&3 && [[ $l == 220* ]] || exit 1",
  '  echo "ok $t0 $t1 $t2 $t3 starttls $EPOCHREALTIME"',
  'else',
  "  printf 'QUIT\\r\\n' >&3; IFS= read -r -t \"$w\" l <&3 || exit 1",
  '  echo "ok $t0 $t1 $t2 $t3 quit $EPOCHREALTIME"',
  'fi',
].join('\n')

/**
 * One exec per node: every target sampled at once on the node, on the same schedule as a local
 * run (sample k due at start + k·interval), outputs collected in a temporary folder and printed
 * between markers. ICMP through the node's ping; TCP and SMTP through NODE_SAMPLE_SH, the name
 * resolved once by the node's resolver before any sample (DNS is never part of a connect).
 */
export function remoteProbeScript(targets: readonly Target[], options: RunOptions): string {
  const count = options.warmup + options.samples
  const pingArgs = ['-n', '-c', String(count), ...pingTiming({count, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs})].join(' ')
  const timeoutS = (options.timeoutMs / 1000).toFixed(3)
  const lines = [
    // $EPOCHREALTIME's decimal point is the locale's.
    'export LC_ALL=C',
    'd=$(mktemp -d)',
    `sample=${shellQuote(NODE_SAMPLE_SH)}`,
    // Due times in µs; a sample that runs late delays only the next one, never the schedule.
    'sampled() {',
    '  a=$(getent ahosts "$1" | awk \'NR==1{print $1}\'); [ -n "$a" ] || { echo "unresolved"; return; }',
    '  start=${EPOCHREALTIME/./}',
    `  for ((k=0; k<${count}; k++)); do`,
    `    now=\${EPOCHREALTIME/./}; due=$((start + k*${Math.round(options.intervalMs * 1000)}))`,
    '    (( due > now )) && sleep "$(( (due-now)/1000000 )).$(printf %06d $(( (due-now)%1000000 )))"',
    `    echo "$k $(timeout -k 1 ${timeoutS} bash -c "$sample" _ "$a" "$2" "$3" ${timeoutS} 2>/dev/null || echo lost)"`,
    '  done',
    '}',
  ]
  for (const [i, t] of targets.entries()) {
    lines.push(t.probe === 'icmp' ? `ping ${pingArgs} ${shellQuote(t.host)} >"$d/${i}" 2>&1 &` : `sampled ${shellQuote(t.host)} ${t.port} ${t.probe} >"$d/${i}" 2>&1 &`)
  }
  lines.push('wait')
  for (const i of targets.keys()) lines.push(`echo '${MARK} ${i}'; cat "$d/${i}"`)
  lines.push('rm -rf "$d"')
  // bash, whatever the login shell: the sampler needs its /dev/tcp, arithmetic loops and $EPOCHREALTIME.
  return `bash -c ${shellQuote(lines.join('\n'))}`
}

/** ms between two $EPOCHREALTIME stamps, exact to the µs (no float rounding of the seconds). */
const between = (from: string, to: string) => (Number(to.replace('.', '')) - Number(from.replace('.', ''))) / 1000

/** NODE_SAMPLE_SH's lines, one per sample in order: a session per sample, lost where it failed. */
export function parseNodeSamples(output: string, count: number): SmtpSample[] {
  const samples: SmtpSample[] = Array.from({length: count}, () => ({total: null}))
  for (const line of output.split('\n')) {
    const [k, status, t0, t1, t2, t3, last, t4] = line.trim().split(' ')
    const index = Number(k)
    if (status !== 'ok' || !Number.isInteger(index) || index < 0 || index >= count) continue
    if (t2 === undefined) {
      samples[index] = {connect: between(t0, t1), total: between(t0, t1)}
      continue
    }
    const phases = {connect: between(t0, t1), banner: between(t1, t2), ehlo: between(t2, t3), [last === 'starttls' ? 'starttls' : 'quit']: between(t3, t4)}
    samples[index] = {...phases, total: between(t0, t4)}
  }
  return samples
}

/** Every target probed from every inventory node (over SSH): one matrix row per node. */
export async function probeFromNodes(inventory: LoadedInventory, targets: readonly Target[], options: RunOptions, ssh: SessionOptions): Promise<TargetResult[]> {
  const nodes = inventory.hosts
  const session = new FleetSession(inventory, ssh)
  const count = options.warmup + options.samples
  const timeoutMs = ((count - 1) * options.intervalMs + options.timeoutMs) * 2 + 10_000
  try {
    const results = await session.each(nodes, async (connection) => {
      const out = await connection.exec(remoteProbeScript(targets, options), {timeoutMs})
      if (out.code !== 0) throw new HostError(connection.target.name, 'PROBE_FAILED', out.stderr.trim())
      return out.stdout.split(`${MARK} `).slice(1)
    })
    return results.flatMap((r, n) =>
      targets.map((target, i): TargetResult => {
        const base = describeTarget(target, nodes[n].name)
        if (!r.ok) return {...base, error: r.error.message, stats: summarise(Array.from({length: options.samples}, () => null))}
        const output = (r.value[i] ?? '').replace(/^\d+\n/, '')
        if (target.probe === 'icmp') {
          const stats = summarise(parsePingOutput(output, {count, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs}).slice(options.warmup))
          return stats.n === 0 ? {...base, error: /(ping: .*)/.exec(output)?.[1] ?? 'no reply', stats} : {...base, stats}
        }
        const sessions = parseNodeSamples(output, count).slice(options.warmup)
        const measured = target.probe === 'tcp' ? {stats: summarise(sessions.map((s) => s.total))} : smtpStats(sessions)
        const error = output.startsWith('unresolved') ? `cannot resolve ${target.host} on ${nodes[n].name}` : measured.stats.n === 0 ? `no ${target.probe === 'tcp' ? 'TCP handshake' : 'SMTP session'} with ${target.host}:${target.port}` : undefined
        return {...base, ...measured, ...(error ? {error} : {})}
      }),
    )
  } finally {
    await session.close()
  }
}
