import type {LatencyReport} from '../config/schemas/latency.js'
import {durationMs} from '../config/values.js'
import {ExitCode, type ExitCodeValue} from '../errors.js'
import {t} from '../i18n/index.js'
import {latencyReport} from './report.js'
import {probeTargets, type RunOptions} from './runner.js'
import {selectTargets, type Target, type TargetSelection} from './targets.js'

/** What `mailops latency` is given: which targets, how to sample them (interval and timeout as typed), and from where. */
export interface LatencyRequest extends TargetSelection {
  samples: number
  warmup: number
  interval: string
  timeout: string
  concurrency: number
  /** probe from every node of this inventory over SSH */
  inventory?: string
  acceptNew: boolean
  /** only list the targets */
  list: boolean
}

/**
 * The targets listed, or measured: from this machine, or from each inventory node over SSH.
 * Loss is a measurement; only a run where nothing at all answered exits as unreachable.
 */
export async function measureLatency(request: LatencyRequest, progress: (message: string) => void): Promise<{targets: Target[]} | {report: LatencyReport; exit: ExitCodeValue}> {
  const options: RunOptions = {samples: request.samples, warmup: request.warmup, intervalMs: durationMs('--interval', request.interval, 60), timeoutMs: durationMs('--timeout', request.timeout, 60), concurrency: request.concurrency}
  const targets = selectTargets(request)
  // The SSH engine loads only for --inventory: a local run starts faster without it.
  const remote = request.inventory ? await import('./remote.js') : undefined
  const inventory = request.inventory ? (await import('../fleet/inventory.js')).loadInventory(request.inventory) : undefined
  if (request.list) return {targets}
  const seconds = (((options.samples + options.warmup - 1) * options.intervalMs + options.timeoutMs) / 1000).toFixed(1)
  progress(t('latency.starting', {count: targets.length, samples: options.samples, interval: options.intervalMs, seconds}))
  const measuredAt = new Date()
  const results = inventory && remote
    ? await remote.probeFromNodes(inventory, targets, options, {acceptNew: request.acceptNew})
    : await probeTargets(targets, options, (done, total) => {
        if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) progress(t('latency.progress', {done, total}))
      })
  // The kinds probed, not the flag's: a targets file's `probe:` wins over --probe.
  const report = latencyReport(results, options, [...new Set(targets.map((t) => t.probe))], measuredAt)
  return {report, exit: results.length > 0 && results.every((r) => r.stats.n === 0) ? ExitCode.unreachable : ExitCode.ok}
}
