/** Summary statistics of one target's samples, in ms; null where no sample arrived. */
export interface LatencyStats {
  sent: number
  n: number
  min: number | null
  p50: number | null
  mean: number | null
  p95: number | null
  max: number | null
  stddev: number | null
  /** RFC 3550 §6.4.1 interarrival jitter: J += (|D| − J) / 16 over successive RTTs. */
  jitter: number | null
  /** Mean absolute difference of successive RTTs. */
  masd: number | null
  loss: number
}

/**
 * Percentile by linear interpolation between closest ranks (Hyndman & Fan type 7, as numpy's
 * default and spreadsheets' PERCENTILE.INC): rank h = (n − 1)·p, between sorted[⌊h⌋] and
 * sorted[⌈h⌉].
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values')
  const h = (sorted.length - 1) * p
  const lower = Math.floor(h)
  const upper = Math.ceil(h)
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower])
}

/**
 * Summarises samples in the order they were sent; null marks a lost or timed-out sample,
 * which counts as loss and never as a time.
 */
export function summarise(samples: ReadonlyArray<number | null>): LatencyStats {
  const received = samples.filter((s): s is number => s !== null)
  const sent = samples.length
  const loss = sent === 0 ? 0 : ((sent - received.length) / sent) * 100
  if (received.length === 0) {
    return {sent, n: 0, min: null, p50: null, mean: null, p95: null, max: null, stddev: null, jitter: null, masd: null, loss}
  }
  const sorted = [...received].sort((a, b) => a - b)
  const mean = received.reduce((a, b) => a + b, 0) / received.length
  // Sample standard deviation (n − 1); 0 for a single sample.
  const variance = received.length > 1 ? received.reduce((s, x) => s + (x - mean) ** 2, 0) / (received.length - 1) : 0
  let jitter = 0
  let absDiffs = 0
  for (let i = 1; i < received.length; i++) {
    const d = Math.abs(received[i] - received[i - 1])
    jitter += (d - jitter) / 16
    absDiffs += d
  }
  return {
    sent,
    n: received.length,
    min: sorted[0],
    p50: percentile(sorted, 0.5),
    mean,
    p95: percentile(sorted, 0.95),
    max: sorted.at(-1)!,
    stddev: Math.sqrt(variance),
    jitter: received.length > 1 ? jitter : null,
    masd: received.length > 1 ? absDiffs / (received.length - 1) : null,
    loss,
  }
}
