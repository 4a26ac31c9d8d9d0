import {describe, expect, it} from 'vitest'

import {mailops, tempFile} from '../helpers/cli.js'

describe('mailops score --weights indicators:', () => {
  it('takes some indicators only; the others keep importance 1 within their dimension', () => {
    const weights = tempFile('weights.yaml', 'indicators:\n  network.latency: 2\n')
    const result = mailops(['score', '--weights', weights, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const indicators = result.json().weights.indicators
    expect(indicators['network.latency'] / indicators['network.loss']).toBeCloseTo(2, 9)
    expect(indicators['coverage.pops']).toBeCloseTo(indicators['coverage.zones'], 12)
  })
})
