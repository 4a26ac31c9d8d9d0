import {createHmac} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {type LoadedBlueprint, loadBlueprint} from '../../../src/blueprint/load.js'
import {desiredState} from '../../../src/deploy/deploy.js'
import type {InventoryHost, LoadedInventory} from '../../../src/fleet/inventory.js'
import {ROOT} from '../../helpers/cli.js'
import {keyAndCert} from '../../helpers/pem.js'

const host: InventoryHost = {name: 'core1', address: '198.18.0.11', port: 22, user: 'root', role: 'core', vars: {}} as InventoryHost
const inventory = (vars: Record<string, unknown>): LoadedInventory => ({file: 'inventory.yaml', knownHosts: 'known_hosts', vars, secrets: {}, hosts: [host]})
const blueprint = (encryptsStoreWith?: string): LoadedBlueprint => ({
  name: 'store',
  summary: 'a store',
  roles: ['core'],
  packages: [],
  variables: {store_key: {type: 'string', default: '', description: 'the key'}},
  files: [{path: '/etc/store.conf', template: 'store.conf', mode: '0644'}],
  services: {},
  ...(encryptsStoreWith === undefined ? {} : {encryptsStoreWith}),
  dir: '',
  templates: {'store.conf': 'key={{store_key}}\n'},
})

describe('desiredState', () => {
  it("encrypts the store when the variable a blueprint's encryptsStoreWith names is set, and only then", () => {
    expect(desiredState([blueprint('store_key')], inventory({store_key: 'PEM'}), host).encryptStore).toBe(true)
    expect(desiredState([blueprint('store_key')], inventory({}), host).encryptStore).toBe(false)
    // A variable of that name in a blueprint that does not declare it turns nothing on.
    expect(desiredState([blueprint()], inventory({store_key: 'PEM'}), host).encryptStore).toBe(false)
  })

  it("renders the inventory's route plan on every deploy: the core's transport lines, the cores an edge relays for", () => {
    const edge = {...host, name: 'edge1', address: '198.18.0.12', role: 'edge'} as InventoryHost
    const routes = {file: '/x/routes.json', plan: {} as never, transport: {core1: ['example.de smtp:[198.18.0.12]:25, example.de']}, relayFor: {edge1: ['core1']}}
    const routed: LoadedInventory = {...inventory({}), hosts: [host, edge], routes}
    const both: LoadedBlueprint = {
      ...blueprint(),
      roles: ['core', 'edge'],
      variables: {route_transport: {type: 'list', default: [], description: 'lines'}, route_clients: {type: 'list', default: [], description: 'clients'}},
      templates: {'store.conf': '{{#each route_transport}}T {{this}}\n{{/each}}{{#each route_clients}}C {{this}}\n{{/each}}'},
    }
    const content = (inv: LoadedInventory, h: InventoryHost) => desiredState([both], inv, h).files['debian 12'][0].content
    expect(content(routed, host)).toBe('T example.de smtp:[198.18.0.12]:25, example.de\n')
    expect(content(routed, edge)).toBe('C 198.18.0.11/32\n')
    expect(content({...routed, routes: undefined}, host)).toBe('')
    expect(content({...routed, routes: undefined}, edge)).toBe('')
  })
})

describe('desiredState with two cores (docs/resilience.md)', () => {
  const catalog = ['edge', 'replication'].map((name) => loadBlueprint(ROOT, name))
  const dir = mkdtempSync(join(tmpdir(), 'mailops-replication-unit-'))
  const knownHosts = join(dir, 'known_hosts')
  const hostKey = Buffer.from('the host key blob of core2').toString('base64')
  // The operator's file hashes its names (HashKnownHosts): the line given to core1 names core2 in clear.
  const salt = Buffer.from('0123456789abcdefghij')
  writeFileSync(knownHosts, `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[198.18.0.12]:2222').digest('base64')} ssh-ed25519 ${hostKey}\n198.18.0.99 ssh-ed25519 ${hostKey}\n`)
  const core = (name: string, address: string, port = 22) => ({name, address, port, user: 'root', role: 'core', vars: {}}) as InventoryHost
  const core1 = core('core1', '198.18.0.11')
  const core2 = core('core2', '198.18.0.12', 2222)
  const edge = {...core('edge1', '198.18.0.13'), role: 'edge'} as InventoryHost
  const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n'
  const pem = keyAndCert()
  const fleet = (hosts: InventoryHost[]): LoadedInventory => ({
    file: 'inventory.yaml', knownHosts, hosts, secrets: {replication_key: key, tls_key: pem.key},
    vars: {domain: 'example.com', replication_public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPub mailops-replication', tls_cert: pem.cert, mail_users: []},
  })
  const file = (d: ReturnType<typeof desiredState>, path: string) => d.files['debian 12'].find((f) => f.path === path)?.content

  it('has the edges relay to every core in inventory order, each hop verified by its name', () => {
    const d = desiredState(catalog, fleet([core1, core2, edge]), edge)
    expect(file(d, '/etc/postfix/transport')).toContain('example.com mailops-core:[198.18.0.11]:25, [198.18.0.12]:25\n')
    expect(file(d, '/etc/postfix/tls_policy')).toContain('[198.18.0.11]:25 secure match=core1.example.com\n[198.18.0.12]:25 secure match=core2.example.com\n')
    expect(file(d, '/etc/postfix/master.cf')).toMatch(/^mailops-core unix .* smtp\n {2}-o smtp_connect_timeout=3s$/m)
  })

  it("syncs each pair once (by its first core), with the peer's host key pinned and the key let in only from the other cores, for dsync only", () => {
    const first = desiredState(catalog, fleet([core1, core2, edge]), core1)
    expect(first.services).toHaveProperty('mailops-replicate')
    expect(file(first, '/usr/local/sbin/mailops-replicate')).toContain('  sync_peer core2 198.18.0.12 2222\n')
    expect(file(first, '/etc/mailops/replication/known_hosts')).toContain(`\n[198.18.0.12]:2222 ssh-ed25519 ${hostKey}\n`)
    expect(file(first, '/etc/mailops/replication/known_hosts')).not.toContain('198.18.0.99')
    expect(file(first, '/etc/mailops/replication/authorized_keys.root')).toContain('restrict,command="/usr/local/sbin/mailops-dsync-server",from="198.18.0.12" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPub mailops-replication\n')
    // The key file is a secret: marked, never read back or shown.
    expect(first.files['debian 12'].find((f) => f.path === '/etc/mailops/replication/key')?.sensitive).toBe(true)
    expect(first.secrets).toContain(key)
    const second = desiredState(catalog, fleet([core1, core2, edge]), core2)
    expect(file(second, '/usr/local/sbin/mailops-replicate')).not.toContain('sync_peer core')
    expect(file(second, '/etc/mailops/replication/authorized_keys.root')).toContain('from="198.18.0.11"')
  })

  it('leaves replication out with one core, whatever the inventory vars say', () => {
    const alone = fleet([core1, edge])
    for (const inventory of [alone, {...alone, vars: {...alone.vars, replication: 'on'}}]) {
      expect(desiredState(catalog, inventory, core1).files['debian 12']).toEqual([])
      expect(file(desiredState(catalog, inventory, edge), '/etc/postfix/transport')).toContain('example.com mailops-core:[198.18.0.11]:25\n')
    }
  })
})
