import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ErrorReport} from '../../src/config/schemas/error.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {ROUTE_MATRIX} from '../helpers/route-matrix.js'
import {expectValid} from '../helpers/schema.js'

const HOSTS = ['hosts:', '  - {name: core1, address: 198.18.0.11, role: core}', '  - {name: edge-eu, address: 198.18.0.12, role: edge}', '  - {name: edge-af, address: 198.18.0.13, role: edge}']

/** An inventory (naming routes.json beside it, or no plan), and the plan `route plan -o` writes there. */
function fleet(options: {named?: boolean} = {}): {inventory: string; plan: string} {
  const inventory = tempFile('inventory.yaml', ['defaults: {key: id_test}', 'vars:', '  domain: example.net', ...(options.named === false ? [] : ['  route_plan: routes.json']), ...HOSTS, ''].join('\n'))
  writeFileSync(join(dirname(inventory), 'id_test'), 'only has to exist')
  const matrix = join(dirname(inventory), 'matrix.json')
  writeFileSync(matrix, JSON.stringify({measuredAt: new Date().toISOString(), targets: ROUTE_MATRIX}))
  const plan = join(dirname(inventory), 'routes.json')
  // route plan reads the inventory too: plan first with an inventory that names no plan yet.
  const bare = tempFile('inventory.yaml', ['defaults: {key: id_test}', ...HOSTS, ''].join('\n'))
  writeFileSync(join(dirname(bare), 'id_test'), 'only has to exist')
  const planned = mailops(['route', 'plan', '-i', bare, '--matrix', matrix, '-o', plan])
  expect(planned.code, planned.stderr).toBe(0)
  return {inventory, plan}
}

describe('mailops route apply', () => {
  it('shows its examples in --help', () => {
    const help = mailops(['route', 'apply', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('route apply -i inventory.yaml --dry-run')
    expect(help.stdout).toContain('vars.route_plan')
  })

  it('refuses an inventory that names no plan, and a --plan that is not the one it names: exit 2, with what to do', () => {
    const none = fleet({named: false})
    const bare = mailops(['route', 'apply', '-i', none.inventory])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('the inventory names no route plan (vars.route_plan)')
    expect(bare.stderr).toContain('route_plan: routes.json')
    const json = mailops(['route', 'apply', '-i', none.inventory, '--json'])
    expect(json.code).toBe(2)
    expectValid(ErrorReport, json.json())
    const named = fleet()
    const other = join(dirname(named.plan), 'other.json')
    writeFileSync(other, readFileSync(named.plan))
    const elsewhere = mailops(['route', 'apply', '-i', named.inventory, '--plan', other])
    expect(elsewhere.code).toBe(2)
    expect(elsewhere.stderr).toContain(`is not the plan the inventory names (${named.plan}): a later deploy would put that one back`)
  })

  it("refuses a plan whose nodes are not the inventory's at its line, before any connection (and so do deploy and verify)", () => {
    const {inventory, plan} = fleet()
    writeFileSync(plan, readFileSync(plan, 'utf8').replaceAll('198.18.0.13', '203.0.113.13'))
    for (const args of [['route', 'apply', '-i', inventory, '--dry-run'], ['deploy', '-i', inventory, '--dry-run'], ['verify', '-i', inventory]]) {
      const run = mailops(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toMatch(new RegExp(`${plan.replaceAll('.', '\\.')}:\\d+:\\d+: .*nexthop \\[203\\.0\\.113\\.13\\]:25 of core1 is not the address of an edge of the inventory`))
      // Refused while reading the input: no host was even tried.
      expect(run.stderr).not.toMatch(/connect|ssh/i)
    }
  })
})
