import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {TcoReport} from '../../src/config/schemas/tco.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

const byId = (report: {providers: Array<{id: string}>}, id: string) => report.providers.find((p) => p.id === id) as any

describe('one currency for every amount', () => {
  it('converts staff, VM and storage defaults as well as licences: JPY is USD × the rate, line by line', () => {
    const usd = mailops(['tco', '--json']).json()
    const result = mailops(['tco', '--currency', 'JPY', '--fx-rate', '150', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const jpy = result.json()
    expectValid(TcoReport, jpy)
    for (const id of ['m365', 'self-hosted']) {
      for (const [y, year] of byId(jpy, id).years.entries()) {
        for (const item of ['licence', 'storage', 'infrastructure', 'operations', 'onboarding', 'total']) {
          expect(year[item], `${id} year ${y} ${item}`).toBeCloseTo(byId(usd, id).years[y][item] * 150, 4)
        }
      }
    }
    // The ranking by cost does not depend on the currency.
    expect(jpy.cheapestPerSeat).toBe(usd.cheapestPerSeat)
    expect(jpy.revenue).toBe(50_000_000 * 150)
    expect(jpy.assumptions).toMatchObject({fxRates: {USD: 150}, fteAnnualCost: 13_500_000, nodeMonthly: 9000, storagePerGbMonth: 15})
    expect(jpy.assumptions.converted).toEqual(['revenue', 'fteAnnualCost', 'nodeMonthly', 'storagePerGbMonth'])
    // The rate is on the page, beside the figures.
    expect(mailops(['tco', '--currency', 'JPY', '--fx-rate', '150']).stdout).toContain('Assumptions: 1 USD = 150 JPY; staff ¥13,500,000 per engineer-year')
  })

  it("keeps the scenario's own amounts as given (they are in its currency)", () => {
    const scenario = tempFile('scenario.yaml', 'currency: EUR\nfxRates: {USD: 0.9}\nstaff: {fteAnnualCost: 70000}\n')
    const report = mailops(['tco', '--scenario', scenario, '--json']).json()
    expect(report.assumptions.fteAnnualCost).toBe(70_000)
    expect(report.assumptions.nodeMonthly).toBeCloseTo(54, 9)
    expect(report.assumptions.converted).toEqual(['revenue', 'nodeMonthly', 'storagePerGbMonth'])
  })

  it('names the missing rate and both ways to give it', () => {
    const result = mailops(['tco', '--currency', 'JPY'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('no exchange rate to JPY is given')
    expect(result.stderr).toContain('--fx-rate')
    expect(mailops(['tco', '--currency', 'JPY', '--fx-rate', 'lots']).stderr).toContain("--fx-rate: 'lots' is not a number")
  })

  it('assess: the rate is in the report and the JSON; 120M and 5% are read as a person means them', () => {
    const out = join(dirname(tempFile('x', '')), 'report')
    const result = mailops([
      'assess', '--company', 'ACME Werke', '--industry', 'manufacturing', '--currency', 'EUR', '--fx-rate', '0.92', '--revenue', '120M',
      '--seats', '1500', '--seat-growth', '5%', '--zone', 'apac,europe', '--no-probe', '--out-dir', out, '--json',
    ])
    expect(result.code, result.stderr).toBe(0)
    const assessment = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'))
    expect(assessment.answers).toMatchObject({revenue: 120_000_000, seatGrowth: 0.05, currency: 'EUR', fxRates: {USD: 0.92}})
    expect(assessment.tco.assumptions.fxRates).toEqual({USD: 0.92})
    // Microsoft 365: 1500 seats × 4 USD × 12 × 0.92 in year 1; staff at 90,000 USD × 0.92.
    expect(byId(assessment.tco, 'm365').years[1].licence).toBeCloseTo(1500 * 4 * 12 * 0.92, 6)
    expect(assessment.tco.assumptions.fteAnnualCost).toBeCloseTo(82_800, 6)
    const md = readFileSync(join(out, 'report.md'), 'utf8')
    expect(md).toContain('EUR (1 USD = 0.92 EUR)')
  })

  it('refuses a seat growth of 5 (5 % or 500 %?) and says how to write either', () => {
    const result = mailops(['assess', '--company', 'A', '--industry', 'fmcg', '--revenue', '1M', '--seats', '10', '--zone', 'apac', '--seat-growth', '5', '--no-probe'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--seat-growth: '5' could mean 5 % or 500 %; write 5% or 0.05")
    const bad = mailops(['assess', '--seat-growth', 'ten', '--no-probe'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--seat-growth: 'ten' is not a share; write 10% or 0.1")
  })
})
