import {describe, expect, it} from 'vitest'

import {INDICATORS} from '../../../src/catalog/matrix.js'
import {DIMENSIONS, INDICATOR_IDS} from '../../../src/config/constants.js'
import {BUNDLED_PROVIDERS} from '../../../src/catalog/providers.js'
import {loadInput} from '../../../src/config/load.js'
import {Provider} from '../../../src/config/schemas/providers.js'
import {schemaErrors} from '../../../src/config/validate.js'
import {tcoReport} from '../../../src/tco/report.js'

describe('bundled catalog', () => {
  it('has 5 dimensions × 4 indicators whose default weights sum to 1', () => {
    expect(INDICATORS).toHaveLength(20)
    for (const dimension of DIMENSIONS) expect(INDICATORS.filter((i) => i.dimension === dimension)).toHaveLength(4)
    expect(INDICATORS.reduce((s, i) => s + i.weight, 0)).toBeCloseTo(1, 12)
  })

  it('describes exactly the indicator ids the schemas accept, in their order, each under its own dimension', () => {
    expect(INDICATORS.map((i) => i.id)).toEqual([...INDICATOR_IDS])
    for (const indicator of INDICATORS) expect(indicator.id.split('.')[0]).toBe(indicator.dimension)
  })

  it('lists the six providers of the issue, each complete and dated', () => {
    expect(BUNDLED_PROVIDERS.map((p) => p.id)).toEqual(['m365', 'google-workspace', 'zoho-mail', 'tencent-exmail', 'alibaba-mail', 'self-hosted'])
    for (const provider of BUNDLED_PROVIDERS) expect(schemaErrors(Provider, provider)).toEqual([])
  })

  it("keeps each provider's cost.tco equal to what `mailops tco` computes for the default scenario", () => {
    const report = tcoReport(loadInput('tco-scenario').data, BUNDLED_PROVIDERS)
    for (const provider of BUNDLED_PROVIDERS) {
      const computed = report.providers.find((p) => p.id === provider.id)!.perSeatYear
      expect(provider.values['cost.tco'], provider.id).toBe(Math.round(computed))
    }
  })
})
