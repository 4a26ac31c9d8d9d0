import type {SampleOptions} from './icmp.js'

/**
 * Takes `count` samples, sample k due at start + k·interval (a slow sample delays only the
 * next one, never the whole schedule), one at a time per target.
 */
export async function schedule<T>(options: SampleOptions, sample: () => Promise<T>): Promise<T[]> {
  const start = performance.now()
  const results: T[] = []
  for (let k = 0; k < options.count; k++) {
    const wait = start + k * options.intervalMs - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    results.push(await sample())
  }
  return results
}
