import type {LatencyReport, TargetResult} from '../config/schemas/latency.js'
import type {RunOptions} from './runner.js'
import type {ProbeKind} from './targets.js'

/** Best target (lowest median) per vantage point, probe kind and zone. */
export function zoneSummary(results: readonly TargetResult[]): NonNullable<LatencyReport['zones']> {
  const best = new Map<string, {from: string; probe: ProbeKind; zone: NonNullable<TargetResult['zone']>; best: string; p50: number}>()
  for (const r of results) {
    if (!r.zone || r.stats.p50 === null) continue
    const key = `${r.from}|${r.probe}|${r.zone}`
    const current = best.get(key)
    if (!current || r.stats.p50 < current.p50) best.set(key, {from: r.from ?? 'local', probe: r.probe, zone: r.zone, best: r.id, p50: r.stats.p50})
  }
  return [...best.values()]
}

export function latencyReport(results: TargetResult[], options: RunOptions, probes: ProbeKind[], measuredAt: Date): LatencyReport {
  return {
    measuredAt: measuredAt.toISOString(),
    settings: {samples: options.samples, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, warmup: options.warmup, probes},
    targets: results,
    zones: zoneSummary(results),
  }
}
