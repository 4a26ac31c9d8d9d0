import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'

import type {ValidateFunction} from 'ajv/dist/2020.js'

import {describe, expect, it} from 'vitest'

import {createAjv} from '../../../src/config/ajv.js'
import {SCHEMA_REGISTRY, type SchemaName, schemaOf} from '../../../src/config/registry.js'
import {schemaErrors} from '../../../src/config/validate.js'

const require = createRequire(import.meta.url)

// The build compiles every schema ahead of time (`npm run schemas`); a run that compiles one at run
// time pays ≈100 ms per schema, which is what kept `assess --answers` above its 1.5 s goal.
describe('precompiled validators', () => {
  const names = Object.keys(SCHEMA_REGISTRY) as SchemaName[]

  it('exist for every registered schema', () => {
    const missing = names.filter((name) => !existsSync(new URL(`../../../src/config/validators/${name}.cjs`, import.meta.url)))
    expect(missing, 'run `npm run schemas`').toEqual([])
  })

  it('judge like a validator compiled at run time: the same errors, the same defaults filled in', () => {
    const runtime = createAjv()
    const samples: Array<[SchemaName, unknown]> = [
      ['answers', {company: 'ACME', industry: 'other', revenue: 'x', seats: -1, bogus: 1}],
      ['answers', {company: 'ACME', industry: 'other', revenue: 5e7, seats: 500}],
      ['weights', {dimensions: {coverage: 2}}],
      ['inventory', {domain: 'example.com', hosts: [{name: 'a'}]}],
      ['providers', {only: ['m365', 7]}],
    ]
    for (const [name, sample] of samples) {
      const built = require(`../../../src/config/validators/${name}.cjs`) as ValidateFunction
      const compiled = runtime.compile(schemaOf(name))
      const viaBuild = structuredClone(sample)
      const viaRuntime = structuredClone(sample)
      expect(built(viaBuild), name).toBe(compiled(viaRuntime))
      expect(built.errors, name).toEqual(compiled.errors)
      expect(viaBuild, `${name}: defaults`).toEqual(viaRuntime)
    }
    expect(schemaErrors(schemaOf('answers'), structuredClone(samples[0][1]))).toContain("(top level): unknown key 'bogus'; valid keys: company, industry, revenue, currency, fxRates, seats, seatGrowth, zones, compliance, currentSystem, candidates, billing, years, start, variant")
  })
})
