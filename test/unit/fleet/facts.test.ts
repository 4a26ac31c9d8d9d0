import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {deployFacts, FACTS, factsScript, MAIL_STORE, MAIL_TRACE_DIRS, parseFacts, parseProbe} from '../../../src/fleet/facts.js'
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

describe('storedPlain (delivery.at-rest)', () => {
  it('names the files that hold the text in plain, and counts the Maildir files by mail_crypt magic, running its own shell fragment', () => {
    const root = mkdtempSync(join(tmpdir(), 'mailops-at-rest-'))
    const store = join(root, 'vhosts', 'example.com', 'demo')
    for (const dir of ['cur', 'new', 'tmp', '.Junk/cur']) mkdirSync(join(store, dir), {recursive: true})
    writeFileSync(join(store, 'cur', '1.M1,S=10:2,S'), Buffer.concat([Buffer.from('CRYPTED\x03\x07'), Buffer.from([0, 0, 2, 0xff])]))
    writeFileSync(join(store, 'new', '2.M2,S=20'), 'Subject: x\n\ncanary-123\n')
    writeFileSync(join(store, '.Junk/cur', '3.M3,S=30:2,'), 'CRYPTE but not the magic\n')
    // Outside cur/ and new/: not a message, but a plain copy of the text is still found.
    writeFileSync(join(store, 'tmp', 'half-written'), 'canary-123')
    const script = factsScript({storedPlain: 'canary-123'})
      .replaceAll(MAIL_STORE, join(root, 'vhosts'))
      .replace(MAIL_TRACE_DIRS.join(' '), `${root}/vhosts ${root}/absent`)
    const facts = parseFacts({storedPlain: 'canary-123'}, execFileSync('sh', ['-c', script], {encoding: 'utf8'}))
    expect({...facts.storedPlain, found: [...facts.storedPlain.found].sort(), plainExamples: [...facts.storedPlain.plainExamples].sort()}).toEqual({
      found: [join(store, 'new', '2.M2,S=20'), join(store, 'tmp', 'half-written')],
      messages: 3,
      plain: 2,
      plainExamples: [join(store, '.Junk/cur', '3.M3,S=30:2,'), join(store, 'new', '2.M2,S=20')],
    })
    expect(parseFacts({storedPlain: 'x'}, '').storedPlain).toEqual({found: [], messages: 0, plain: 0, plainExamples: []})
  })
})

describe('plainMessages (deploy encrypts what was stored before encryption was on)', () => {
  it('counts the Maildir message files without mail_crypt magic in every folder, and only in cur/ and new/', () => {
    const root = mkdtempSync(join(tmpdir(), 'mailops-plain-'))
    const store = join(root, 'vhosts', 'example.com', 'demo')
    for (const dir of ['cur', 'new', 'tmp', '.Junk/cur', '.Junk/new']) mkdirSync(join(store, dir), {recursive: true})
    writeFileSync(join(store, 'cur', '1.M1,S=10:2,S'), Buffer.concat([Buffer.from('CRYPTED\x03\x07'), Buffer.from([0, 0, 2])]))
    writeFileSync(join(store, 'new', '2.M2,S=20'), 'Subject: x\n\nplain\n')
    writeFileSync(join(store, '.Junk/new', '3.M3,S=30'), 'Subject: spam\n\nplain\n')
    writeFileSync(join(store, 'tmp', 'mailops-encrypt.1.2.M2,S=20'), 'a copy a killed run left: not a message')
    const script = factsScript({plainMessages: true}).replaceAll(MAIL_STORE, join(root, 'vhosts'))
    expect(parseFacts({plainMessages: true}, execFileSync('sh', ['-c', script], {encoding: 'utf8'})).plainMessages).toBe(2)
    // No store at all (Dovecot not installed yet): nothing to encrypt.
    const none = factsScript({plainMessages: true}).replaceAll(MAIL_STORE, join(root, 'absent'))
    expect(parseFacts({plainMessages: true}, execFileSync('sh', ['-c', none], {encoding: 'utf8'})).plainMessages).toBe(0)
  })

  it("is asked for by deploy's probe only when the store is to be encrypted", () => {
    expect(Object.keys(deployFacts([], []))).not.toContain('plainMessages')
    expect(deployFacts([], [], [], true)).toMatchObject({plainMessages: true})
  })
})
