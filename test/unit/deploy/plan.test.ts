import {describe, expect, it} from 'vitest'

import type {RenderedFile} from '../../../src/blueprint/load.js'
import {planDiff, planHash, planHost} from '../../../src/deploy/plan.js'
import {parseProbe} from '../../../src/fleet/facts.js'
import {deployOrder, waves} from '../../../src/deploy/deploy.js'
import type {InventoryHost} from '../../../src/fleet/inventory.js'

const file = (path: string, content: string, sha256: string, notify: string[] = []): RenderedFile => ({path, content, sha256, mode: '0644', owner: 'root', group: 'root', notify})

describe('deploy plan', () => {
  const probe = parseProbe('F\tabsent\nF\taaa\t644\troot\troot\nF\tbbb\t600\troot\troot\nP\tpostfix\nI\tsysv\nO\tdebian 12\n')

  it('reads the probe: hashes, modes, pending restarts, facts', () => {
    expect(probe).toEqual({
      files: [{sha256: null}, {sha256: 'aaa', mode: '0644', owner: 'root', group: 'root'}, {sha256: 'bbb', mode: '0600', owner: 'root', group: 'root'}],
      pending: ['postfix'],
      init: 'sysv',
      missingPackages: [],
      os: 'debian 12',
    })
  })

  it('creates, updates (content or mode) or leaves each file; restarts what changed files notify and what was pending', () => {
    const plan = planHost('mx1', [file('/a', 'A', 'new', ['dovecot']), file('/b', 'B', 'aaa', ['opendkim']), file('/c', 'C', 'bbb')], probe)
    expect(plan.files.map((f) => [f.path, f.action, f.expected])).toEqual([
      ['/a', 'create', null],
      ['/b', 'unchanged', 'aaa'],
      ['/c', 'update', 'bbb'],
    ])
    expect(plan.handlers).toEqual(['postfix', 'dovecot'])
    expect(plan.changed).toBe(true)
  })

  it('hides secrets in diffs, before and after', () => {
    const plan = planHost('mx1', [file('/etc/pw', 'password = s3cret-new\n', 'x')], parseProbe('F\tabsent\n'))
    const diff = planDiff(plan, {}, ['s3cret-new'])
    expect(diff).toContain('+password = ********')
    expect(diff).not.toContain('s3cret')
  })

  it('never shows a file rendered from a secret: only that its content changed, by hash', () => {
    const key = {...file('/etc/mailops/tls/key.pem', '-----BEGIN PRIVATE KEY-----\nNEW\n', 'newhash'), sensitive: true}
    const plan = planHost('mx1', [key], parseProbe('F\toldhash\t600\troot\troot\n'))
    const diff = planDiff(plan, {'/etc/mailops/tls/key.pem': '-----BEGIN PRIVATE KEY-----\nOLD\n'}, [])
    expect(diff).toBe('--- mx1:/etc/mailops/tls/key.pem\n+++ mx1:/etc/mailops/tls/key.pem\ncontent changed (sha256 oldhash → newhash); it holds a secret, so it is not shown\n')
  })

  it('hashes the whole plan the same whichever host answered first', () => {
    const a = planHost('a', [file('/x', 'X', 'h1')], parseProbe('F\tabsent\n'))
    const b = planHost('b', [file('/y', 'Y', 'h2')], parseProbe('F\tabsent\n'))
    expect(planHash([a, b])).toBe(planHash([b, a]))
  })

  it('orders cores before edges and cuts canary and batches', () => {
    const host = (name: string, role: 'core' | 'edge') => ({name, role}) as InventoryHost
    expect(deployOrder([host('e1', 'edge'), host('c1', 'core'), host('e2', 'edge')]).map((h) => h.name)).toEqual(['c1', 'e1', 'e2'])
    expect(waves([1, 2, 3, 4, 5], 1, 2)).toEqual([[1], [2, 3], [4, 5]])
    expect(waves([1, 2, 3], 0, 10)).toEqual([[1, 2, 3]])
  })
})
