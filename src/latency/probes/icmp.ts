import ping from 'ping'

export interface SampleOptions {
  /** Samples to send, warm-up included. */
  count: number
  intervalMs: number
  timeoutMs: number
}

/** iputils ping's timing options: -i between samples, -W per reply, -w for the whole run. */
export function pingTiming(options: SampleOptions): string[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const deadline = Math.ceil(((options.count - 1) * options.intervalMs + options.timeoutMs) / 1000) + 1
  return ['-i', seconds(options.intervalMs), '-W', seconds(options.timeoutMs), '-w', String(deadline)]
}

/**
 * RTT per sequence number from iputils ping's output; a sequence with no reply (or a reply
 * later than the timeout) is null.
 */
export function parsePingOutput(output: string, options: SampleOptions): Array<number | null> {
  const samples: Array<number | null> = Array.from({length: options.count}, () => null)
  for (const match of output.matchAll(/icmp_seq=(\d+)\b.*?\btime=([\d.]+) ms/g)) {
    const seq = Number(match[1])
    const rtt = Number(match[2])
    if (seq >= 1 && seq <= options.count && rtt <= options.timeoutMs) samples[seq - 1] = rtt
  }
  return samples
}

/** ICMP echo samples through the `ping` package (system iputils ping underneath). */
export async function icmpSamples(host: string, options: SampleOptions): Promise<{samples: Array<number | null>; error?: string}> {
  // `ping` formats its own -W as whole seconds: switch it off and pass ours (sub-second).
  const result = await ping.promise.probe(host, {numeric: true, timeout: false, min_reply: options.count, extra: pingTiming(options)} as never)
  const samples = parsePingOutput(result.output, options)
  const error = samples.every((s) => s === null) ? (/(ping: .*)/.exec(result.output)?.[1] ?? 'no reply') : undefined
  return error ? {samples, error} : {samples}
}
