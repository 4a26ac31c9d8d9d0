import type {TargetResult} from '../config/schemas/latency.js'
import {HostError} from '../ssh/errors.js'
import type {LoadedInventory} from '../fleet/inventory.js'
import {FleetSession, type SessionOptions} from '../fleet/session.js'
import {shellQuote} from '../util/shell.js'
import {parsePingOutput, pingTiming} from './probes/icmp.js'
import {describeTarget, type RunOptions} from './runner.js'
import {summarise} from './stats.js'
import type {Target} from './targets.js'

const MARK = '=== mailops-latency'

/**
 * One exec per node: every ping runs at once on the node (the same schedule as a local run),
 * outputs collected in a temporary folder and printed between markers.
 */
export function remotePingScript(targets: readonly Target[], options: RunOptions): string {
  const count = options.warmup + options.samples
  const args = ['-n', '-c', String(count), ...pingTiming({count, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs})].join(' ')
  const lines = ['d=$(mktemp -d)']
  for (const [i, t] of targets.entries()) lines.push(`ping ${args} ${shellQuote(t.host)} >"$d/${i}" 2>&1 &`)
  lines.push('wait')
  for (const i of targets.keys()) lines.push(`echo '${MARK} ${i}'; cat "$d/${i}"`)
  lines.push('rm -rf "$d"')
  return lines.join('\n')
}

/** ICMP from every inventory node (over SSH) to every target: one matrix row per node. */
export async function probeFromNodes(inventory: LoadedInventory, targets: readonly Target[], options: RunOptions, ssh: SessionOptions): Promise<TargetResult[]> {
  const nodes = inventory.hosts
  const session = new FleetSession(inventory, ssh)
  const count = options.warmup + options.samples
  const timeoutMs = ((count - 1) * options.intervalMs + options.timeoutMs) * 2 + 10_000
  try {
    const results = await session.each(nodes, async (connection) => {
      const out = await connection.exec(remotePingScript(targets, options), {timeoutMs})
      if (out.code !== 0) throw new HostError(connection.target.name, 'PROBE_FAILED', out.stderr.trim())
      return out.stdout.split(`${MARK} `).slice(1)
    })
    return results.flatMap((r, n) =>
      targets.map((target, i): TargetResult => {
        const base = describeTarget(target, nodes[n].name)
        if (!r.ok) return {...base, error: r.error.message, stats: summarise(Array.from({length: options.samples}, () => null))}
        const output = r.value[i] ?? ''
        const samples = parsePingOutput(output, {count, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs}).slice(options.warmup)
        const stats = summarise(samples)
        return stats.n === 0 ? {...base, error: /(ping: .*)/.exec(output)?.[1] ?? 'no reply', stats} : {...base, stats}
      }),
    )
  } finally {
    await session.close()
  }
}
