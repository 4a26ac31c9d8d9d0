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
})
