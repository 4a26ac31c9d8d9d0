import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {RoutePlan} from '../../src/config/schemas/route.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {matrixRow, ROUTE_MATRIX} from '../helpers/route-matrix.js'
import {expectValid} from '../helpers/schema.js'

const inventory = () => {
  const path = tempFile('inventory.yaml', ['defaults: {key: id_test}', 'hosts:', '  - {name: core1, address: 198.18.0.11, role: core}', '  - {name: edge-eu, address: 198.18.0.12, role: edge}', '  - {name: edge-af, address: 198.18.0.13, role: edge}', ''].join('\n'))
  writeFileSync(join(dirname(path), 'id_test'), 'only has to exist')
  return path
}
const measured = (measuredAt: string, rows: object[]) => JSON.stringify({measuredAt, targets: rows}, null, 2)
// The core's transport lines are for the two destinations near an edge (example.com stays direct).
const rows = ROUTE_MATRIX.filter((r) => r.id !== 'example.com')
const row = matrixRow

describe('mailops route plan', () => {
  it('plans from a matrix measured on the nodes: the same plan twice, transport entries as a diff, a JSON plan that --current keeps', () => {
    const inv = inventory()
    const matrix = tempFile('matrix.json', measured(new Date().toISOString(), rows))
    const out = join(dirname(matrix), 'routes.json')
    const first = mailops(['route', 'plan', '-i', inv, '--matrix', matrix, '-o', out])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('+example.co.za smtp:[198.18.0.13]:25, [198.18.0.12]:25')
    expect(first.stdout).toContain('2 routes from 1 core, 2 changes')
    const saved = JSON.parse(readFileSync(out, 'utf8'))
    expectValid(RoutePlan, saved)
    const json = mailops(['route', 'plan', '-i', inv, '--matrix', matrix, '--json'])
    expect(json.json()).toEqual(saved)
    const again = mailops(['route', 'plan', '-i', inv, '--matrix', matrix, '--current', out, '--json']).json()
    expect(again.changes).toEqual([])
    expect(again.diff).toBe('')
    expect(mailops(['route', 'plan', '-i', inv, '--matrix', matrix, '--current', out]).stdout).toContain('The transport entries do not change.')
  })

  it('warns about a stale matrix, and refuses one measured from no node of the inventory, or a destination that is not a domain, at its line', () => {
    const inv = inventory()
    const stale = mailops(['route', 'plan', '-i', inv, '--matrix', tempFile('m.json', measured('2026-01-01T00:00:00Z', rows))])
    expect(stale.code).toBe(0)
    expect(stale.stderr).toMatch(/the matrix was measured \d+ hours ago \(2026-01-01T00:00:00Z\)/)
    const local = mailops(['route', 'plan', '-i', inv, '--matrix', tempFile('m.json', measured('2026-12-01T00:00:00Z', [{...row('core1', 'example.de', 9), from: 'local'}]))])
    expect(local.code).toBe(2)
    expect(local.stderr).toContain("no row was measured from a node of the inventory (its 'from' names none of core1, edge-eu, edge-af)")
    expect(local.stderr).toContain('mailops latency -i INVENTORY')
    const bad = tempFile('m.json', measured('2026-12-01T00:00:00Z', [...rows, row('edge-eu', 'example.de smtp:[203.0.113.9]', 1)]))
    const injected = mailops(['route', 'plan', '-i', inv, '--matrix', bad])
    expect(injected.code).toBe(2)
    expect(injected.stderr).toMatch(new RegExp(`${bad}:\\d+:\\d+: target id 'example.de smtp:\\[203.0.113.9\\]' is not a mail domain`))
    const out = join(dirname(bad), 'routes.json')
    expect(mailops(['route', 'plan', '-i', inv, '--matrix', bad, '-o', out]).code).toBe(2)
    expect(existsSync(out)).toBe(false)
  })
})
