import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailops, tempFile} from '../helpers/cli.js'

const base = ['--company', 'ACME', '--industry', 'manufacturing', '--revenue', '120M', '--seats', '1500', '--seat-growth', '0', '--start', '2027-01-01', '--no-probe']

/** Runs assess and returns its assessment.json. */
function assess(...flags: string[]) {
  const out = join(dirname(tempFile('x', '')), 'report')
  const result = mailops(['assess', ...base, ...flags, '--out-dir', out])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'))
}

const provider = (a: any, id: string) => a.tco.providers.find((p: {id: string}) => p.id === id)
const tasks = (a: any) => a.plan.phases.flatMap((p: {tasks: unknown[]}) => p.tasks)

describe('every answer of the assessment counts', () => {
  it('zones set the self-hosted topology: an edge and a core per chosen zone', () => {
    const one = assess('--zone', 'apac')
    const three = assess('--zone', 'apac,europe,americas')
    // 60 USD per VM-month, 2 VMs per zone.
    expect(provider(one, 'self-hosted').years[1].infrastructure).toBeCloseTo(1 * 2 * 60 * 12, 9)
    expect(provider(three, 'self-hosted').years[1].infrastructure).toBeCloseTo(3 * 2 * 60 * 12, 9)
  })

  it('zones choose which measured regions count for network quality', () => {
    const target = (cloud: string, zone: string, p50: number) => ({
      id: `${cloud}-${zone}`, host: '127.0.0.1', cloud, zone, probe: 'tcp',
      stats: {n: 5, min: p50, p50, mean: p50, p95: p50, max: p50, stddev: 0, jitter: 0, loss: 0},
    })
    const latency = tempFile('latency.json', JSON.stringify({measuredAt: '2026-11-22T10:00:00Z', targets: [target('azure', 'apac', 40), target('azure', 'americas', 300)]}))
    const a = assess('--zone', 'apac', '--latency', latency)
    expect(a.score.ranking.find((r: {id: string}) => r.id === 'm365').values['network.latency']).toBe(40)
  })

  it('the current system sets the migration: tasks in the plan and its cost in year 0', () => {
    const exchange = assess('--zone', 'apac', '--current-system', 'exchange-onprem')
    const fresh = assess('--zone', 'apac', '--current-system', 'none')
    const fromM365 = assess('--zone', 'apac', '--current-system', 'm365')
    const migration = tasks(exchange).find((t: {id: string}) => t.id === 'migration')
    expect(migration).toMatchObject({name: expect.stringContaining('Exchange on premises'), start: '2027-04-01', end: '2027-06-30'})
    expect(tasks(fresh).some((t: {id: string}) => t.id === 'migration')).toBe(false)
    // 1500 seats × 30 USD from Exchange; nothing for a greenfield start; staying on Microsoft 365 moves nothing.
    expect(provider(exchange, 'google-workspace').years[0].migration).toBeCloseTo(1500 * 30, 9)
    expect(provider(fresh, 'google-workspace').years[0].migration).toBe(0)
    expect(provider(fromM365, 'm365').years[0].migration).toBe(0)
    expect(provider(fromM365, 'google-workspace').years[0].migration).toBeCloseTo(1500 * 12, 9)
    expect(exchange.tco.assumptions).toMatchObject({migrateFrom: 'exchange-onprem', migrationPerSeat: 30})
  })
})
