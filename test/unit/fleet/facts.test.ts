import {describe, expect, it} from 'vitest'

import {FACTS, factsScript, parseFacts, parseProbe} from '../../../src/fleet/facts.js'
import {parseHost} from '../../../src/verify/host.js'

describe('facts', () => {
  it('gives every fact a tag of its own, so composed fragments never read each other’s lines', () => {
    const tags = Object.values(FACTS).map((f) => f.tag)
    expect(new Set(tags).size).toBe(tags.length)
  })

  it('composes the fragments asked for into one script, in the order asked', () => {
    const script = factsScript({files: ['/etc/a b'], services: ['postfix'], dkimPublic: true})
    expect(script.split('\n')[0]).toBe('set -u')
    expect(script).toContain("for p in '/etc/a b'; do")
    expect(script.indexOf('for p in')).toBeLessThan(script.indexOf('for s in'))
    expect(script).toContain('/etc/opendkim/keys/dkim.private')
    expect(script).not.toContain('postqueue')
  })

  it('reads each fact from its own lines only: deploy’s missing packages and the DKIM key share one exec', () => {
    const output = 'F\tabsent\nN\topendkim\nK\tMIIBIjAN\nO\tdebian 13\nS\tpostfix\t0\n'
    const facts = parseFacts({missingPackages: ['opendkim'], dkimPublic: true, os: true}, output)
    expect(facts).toEqual({missingPackages: ['opendkim'], dkimPublic: 'MIIBIjAN', os: 'debian 13'})
    expect(Object.keys(facts)).not.toContain('services')
  })

  it('keeps deploy’s probe and verify’s host facts as before', () => {
    expect(parseProbe('F\tabsent\nF\taaa\t644\troot\troot\nP\tpostfix\nY\tnftables\nI\tsystemd\nN\tpostfix\nO\tdebian 12\n')).toEqual({
      files: [{sha256: null}, {sha256: 'aaa', mode: '0644', owner: 'root', group: 'root'}],
      pending: ['postfix'],
      unready: ['nftables'],
      init: 'systemd',
      missingPackages: ['postfix'],
      os: 'debian 12',
    })
    const health = parseHost('Q\t3\t1\t2\nC\tabsent\n')
    expect(health.mailQueue).toEqual({messages: 3, deferred: 1, bounced: 2})
    expect(health.certificate).toEqual({present: false})
    expect(health.memory).toBeNull()
    expect(health.dkimPublic).toBeUndefined()
  })
})
