import type {TargetResult} from '../config/schemas/latency.js'
import {mapLimit} from '../util/concurrency.js'
import {icmpSamples, type SampleOptions} from './probes/icmp.js'
import {SMTP_PHASES, type SmtpSample, smtpSamples} from './probes/smtp.js'
import {tcpSamples} from './probes/tcp.js'
import {summarise} from './stats.js'
import type {Target} from './targets.js'

export interface RunOptions {
  samples: number
  /** Samples sent first and discarded (ARP, DNS caches, TCP slow paths). */
  warmup: number
  intervalMs: number
  timeoutMs: number
  /** Targets probed at once; enough of them keeps a run at samples × interval. */
  concurrency: number
}

/** Told how many of the targets have been probed so far. */
export type ProbeProgress = (done: number, total: number) => void

/** Probes every target from this machine, all on one schedule, and summarises each. */
export async function probeTargets(targets: readonly Target[], options: RunOptions, progress: ProbeProgress = () => {}): Promise<TargetResult[]> {
  const sampling: SampleOptions = {count: options.warmup + options.samples, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs}
  const kept = <T>(all: T[]) => all.slice(options.warmup)
  let done = 0
  return mapLimit(targets, options.concurrency, async (target): Promise<TargetResult> => {
    const base = describeTarget(target, 'local')
    let result: TargetResult
    if (target.probe === 'icmp') {
      const {samples, error} = await icmpSamples(target.host, sampling)
      result = {...base, stats: summarise(kept(samples)), ...(error ? {error} : {})}
    } else if (target.probe === 'tcp') {
      const {samples, dnsMs, error} = await tcpSamples(target.host, target.port!, sampling)
      result = {...base, dnsMs, stats: summarise(kept(samples)), ...(error ? {error} : {})}
    } else {
      const {samples, dnsMs, error} = await smtpSamples(target.host, target.port!, sampling)
      result = {...base, dnsMs, ...smtpStats(kept(samples)), ...(error ? {error} : {})}
    }
    progress(++done, targets.length)
    return result
  })
}

/** A session's total and each phase's statistics, a phase over the sessions that reached it. */
export function smtpStats(sessions: readonly SmtpSample[]): Pick<TargetResult, 'stats' | 'phases'> {
  const phases = Object.fromEntries(
    SMTP_PHASES.filter((phase) => sessions.some((s) => s[phase] !== undefined)).map((phase) => [phase, summarise(sessions.map((s) => s[phase] ?? null))]),
  )
  return {stats: summarise(sessions.map((s) => s.total)), phases}
}

export function describeTarget(target: Target, from: string): Omit<TargetResult, 'stats'> {
  const {id, host, port, probe, cloud, region, zone} = target
  return {
    id,
    host,
    probe,
    from,
    ...(port === undefined ? {} : {port}),
    ...(cloud === undefined ? {} : {cloud}),
    ...(region === undefined ? {} : {region}),
    ...(zone === undefined ? {} : {zone}),
  }
}
