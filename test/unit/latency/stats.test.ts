import {describe, expect, it} from 'vitest'

import {percentile, summarise} from '../../../src/latency/stats.js'

describe('percentile (type 7, linear between closest ranks)', () => {
  it('matches numpy.percentile on a worked example', () => {
    const sorted = [15, 20, 35, 40, 50]
    // numpy.percentile([15, 20, 35, 40, 50], [0, 40, 50, 95, 100]) → 15, 29, 35, 48, 50
    expect(percentile(sorted, 0)).toBe(15)
    expect(percentile(sorted, 0.4)).toBeCloseTo(29, 12)
    expect(percentile(sorted, 0.5)).toBe(35)
    expect(percentile(sorted, 0.95)).toBeCloseTo(48, 12)
    expect(percentile(sorted, 1)).toBe(50)
  })

  it('is the middle value or the mean of the two middle values for p50', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(percentile([7], 0.95)).toBe(7)
  })
})

describe('summarise', () => {
  it('computes every statistic of a hand-checked series', () => {
    const s = summarise([10, 12, null, 11, 15])
    expect(s).toMatchObject({sent: 5, n: 4, min: 10, max: 15, loss: 20})
    expect(s.mean).toBe(12)
    expect(s.p50).toBe(11.5)
    // sample variance: (4 + 0 + 1 + 9) / 3
    expect(s.stddev).toBeCloseTo(Math.sqrt(14 / 3), 12)
    // successive differences over received samples: 2, 1, 4 → MASD 7/3
    expect(s.masd).toBeCloseTo(7 / 3, 12)
    // RFC 3550: J = 0 + (2 − 0)/16 = 0.125; + (1 − 0.125)/16 = 0.1796875; + (4 − 0.1796875)/16
    expect(s.jitter).toBeCloseTo(0.1796875 + (4 - 0.1796875) / 16, 12)
  })

  it('counts lost samples as loss, never as zero', () => {
    const s = summarise([null, null, null])
    expect(s).toMatchObject({sent: 3, n: 0, min: null, p50: null, mean: null, loss: 100})
    expect(summarise([5, null]).min).toBe(5)
  })
})
