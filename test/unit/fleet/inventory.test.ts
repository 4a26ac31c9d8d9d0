import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadInventory} from '../../../src/fleet/inventory.js'
import {tempFile} from '../../helpers/cli.js'

function inventory(text: string): string {
  const path = tempFile('inventory.yaml', text)
  writeFileSync(join(dirname(path), 'id_test'), 'not a real key, only has to exist')
  return path
}

describe('inventory', () => {
  it('fills defaults, resolves paths next to the file and links jump hosts', () => {
    const path = inventory(
      [
        'knownHosts: known_hosts',
        'defaults: {user: ops, key: id_test, jump: bastion}',
        'jumpHosts:',
        '  - {name: bastion, address: 198.18.0.2, user: root}',
        'hosts:',
        '  - {name: mx1, address: 198.18.0.11, role: edge, region: europe}',
        '  - {name: core1, address: 198.18.0.12, port: 2222, role: core, jump: mx1}',
      ].join('\n'),
    )
    const loaded = loadInventory(path)
    expect(loaded.knownHosts).toBe(join(dirname(path), 'known_hosts'))
    const [mx1, core1] = loaded.hosts
    expect(mx1).toMatchObject({name: 'mx1', user: 'ops', port: 22, keyPath: join(dirname(path), 'id_test'), region: 'europe'})
    expect(mx1.jump).toMatchObject({name: 'bastion', user: 'root'})
    expect(mx1.jump?.jump).toBeUndefined()
    expect(core1.port).toBe(2222)
    expect(core1.jump?.name).toBe('mx1')
    expect(core1.jump?.jump?.name).toBe('bastion')
  })

  it.each([
    ['a duplicate name', 'hosts:\n  - {name: a, address: x, role: edge}\n  - {name: a, address: y, role: core}\n', '3:12', /host name 'a' is used twice/],
    ['an unknown jump host', 'hosts:\n  - {name: a, address: x, role: edge, jump: b}\n', '2:45', /jumps through 'b', which is not in the inventory/],
    ['a jump loop', 'hosts:\n  - {name: a, address: x, role: edge, jump: b}\n  - {name: b, address: y, role: edge, jump: a}\n', '3:45', /jump hosts form a loop: a → b → a/],
    ['a missing key file', 'hosts:\n  - {name: a, address: x, role: edge, key: nope}\n', '2:44', /key file of host a does not exist: .*\/nope/],
    ['a wrong role', 'hosts:\n  - {name: a, address: x, role: relay}\n', '2:33', /role: is "relay"; valid values: "core", "edge"/],
    ['a CAA issuer that is not a domain name', 'vars:\n  caa_issuers: [letsencrypt.org, "ca example"]\nhosts:\n  - {name: a, address: x, role: edge}\n', '2:34', /caa_issuers.*ca example|ca example.*caa_issuers/],
  ])('rejects %s with its position', (_, text, at, message) => {
    const path = inventory(text)
    expect(() => loadInventory(path)).toThrow(message)
    expect(() => loadInventory(path)).toThrow(`${path}:${at}:`)
  })
})

describe('the fleet, worked out in one place', () => {
  const host = (name: string, role: 'core' | 'edge') => ({name, role})
  it('reads the domain and selector, and finds cores, edges and the first core in inventory order', async () => {
    const {caaIssuersOf, dkimSelectorOf, domainOf, firstCore, hostsOfRole} = await import('../../../src/fleet/inventory.js')
    expect(domainOf({vars: {domain: 'example.com'}})).toBe('example.com')
    expect(domainOf({vars: {domain: 42}})).toBeUndefined()
    expect(dkimSelectorOf({vars: {}})).toBe('mail')
    expect(dkimSelectorOf({vars: {dkim_selector: 's2026'}})).toBe('s2026')
    expect(caaIssuersOf({vars: {}})).toEqual([])
    expect(caaIssuersOf({vars: {caa_issuers: ['letsencrypt.org']}})).toEqual(['letsencrypt.org'])
    const hosts = [host('mx1', 'edge'), host('core2', 'core'), host('core1', 'core')]
    expect(firstCore(hosts)?.name).toBe('core2')
    expect(hostsOfRole(hosts, 'core').map((h) => h.name)).toEqual(['core2', 'core1'])
    expect(hostsOfRole(hosts, 'edge').map((h) => h.name)).toEqual(['mx1'])
  })
})
