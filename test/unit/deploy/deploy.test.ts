import {describe, expect, it} from 'vitest'

import type {LoadedBlueprint} from '../../../src/blueprint/load.js'
import {desiredState} from '../../../src/deploy/deploy.js'
import type {InventoryHost, LoadedInventory} from '../../../src/fleet/inventory.js'

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
