import {describe, expect, it} from 'vitest'

import {parseImpairment, perDirectionLoss} from '../../../src/lab/link.js'

describe('link impairment', () => {
  it('reads HOST=MS[,LOSS%]', () => {
    expect(parseImpairment('node2=80,1%')).toEqual({host: 'node2', impairment: {delayMs: 80, lossPercent: 1}})
    expect(parseImpairment('node3=12.5ms')).toEqual({host: 'node3', impairment: {delayMs: 12.5, lossPercent: 0}})
    for (const bad of ['node2', 'node2=-1', 'node2=80,100%', 'node2=fast', '=80']) expect(() => parseImpairment(bad)).toThrow(/HOST=MS/)
  })

  it('splits round-trip loss so that both directions together lose the asked share', () => {
    const p = perDirectionLoss(19)
    expect(1 - (1 - p) ** 2).toBeCloseTo(0.19, 12)
    expect(perDirectionLoss(0)).toBe(0)
  })
})
