import {describe, expect, it} from 'vitest'

import {compareMailboxes, listHash, mailboxEntries, manifestProblems, messageAt, parseHashListing} from '../../../src/backup/manifest.js'
import {schemaOf} from '../../../src/config/registry.js'
import type {BackupManifest} from '../../../src/config/schemas/backup.js'
import {schemaErrors} from '../../../src/config/validate.js'

const h = (c: string) => c.repeat(64)
const U = 'demo@example.net'

describe('messageAt: which files of a maildir export are messages', () => {
  it.each([
    [`./${U}/cur/1.M1P1.node1,S=10:2,S`, {user: U, mailbox: 'INBOX'}],
    [`${U}/new/1.M2P1.node1`, {user: U, mailbox: 'INBOX'}],
    [`./${U}/.Junk/cur/1.M3`, {user: U, mailbox: 'Junk'}],
    [`./${U}/.Work.2026/new/1.M3`, {user: U, mailbox: 'Work.2026'}],
  ])('%s is a message', (path, at) => expect(messageAt(path)).toEqual(at))

  it.each([`./${U}/dovecot-uidlist`, `./${U}/tmp/1.M1`, `./${U}/.Junk/tmp/1.M1`, `./${U}/.Junk/dovecot.index.log`, `./${U}/cur/`, './cur/x', `./${U}/a/cur/x`, `./${U}/.a/b/cur/x`])('%s is not', (path) => {
    expect(messageAt(path)).toBeUndefined()
  })
})

describe('parseHashListing', () => {
  it("reads sha256sum's lines, escaped names included, and skips what is no message", () => {
    const text = [`${h('a')}  ./${U}/cur/1`, `\\${h('b')}  ./${U}/.Junk/cur/odd\\nname`, `${h('c')}  ./${U}/dovecot.index.cache`, ''].join('\n')
    expect(parseHashListing(text)).toEqual([
      {user: U, mailbox: 'INBOX', sha256: h('a')},
      {user: U, mailbox: 'Junk', sha256: h('b')},
    ])
  })

  it.each([['an error mixed in', `${h('a')}  ./${U}/cur/1\nsha256sum: ./x: Permission denied`], ['a line cut short', `${h('a').slice(0, 40)}`], ['upper-case hex', `${h('A')}  ./${U}/cur/1`]])('refuses %s: a broken listing never passes for a smaller mailbox', (_what, text) => {
    expect(() => parseHashListing(text)).toThrow(/not a sha256sum line/)
  })

  it('takes a huge listing in linear time', () => {
    const lines = Array.from({length: 200_000}, (_, i) => `${i.toString(16).padStart(64, '0')}  ./${U}/cur/${i}`).join('\n')
    const started = performance.now()
    expect(parseHashListing(lines)).toHaveLength(200_000)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})

describe('mailboxEntries', () => {
  it('groups by account and folder, sorts the hashes, and hashes the sorted list', () => {
    const entries = mailboxEntries([
      {user: U, mailbox: 'INBOX', sha256: h('b')},
      {user: 'alice@example.net', mailbox: 'INBOX', sha256: h('c')},
      {user: U, mailbox: 'INBOX', sha256: h('a')},
      {user: U, mailbox: 'INBOX', sha256: h('a')},
    ])
    expect(entries.map((e) => [e.user, e.mailbox, e.messages])).toEqual([
      ['alice@example.net', 'INBOX', 1],
      [U, 'INBOX', 3],
    ])
    expect(entries[1].hashes).toEqual([h('a'), h('a'), h('b')])
    expect(entries[1].sha256).toBe(listHash([h('a'), h('a'), h('b')]))
    expect(entries[1].sha256).not.toBe(listHash([h('a'), h('b')]))
  })
})

describe('compareMailboxes: what a restore lacks or adds', () => {
  const want = mailboxEntries([
    {user: U, mailbox: 'INBOX', sha256: h('a')},
    {user: U, mailbox: 'INBOX', sha256: h('b')},
    {user: U, mailbox: 'Junk', sha256: h('c')},
  ])

  it('finds identical sets identical, whatever the order', () => {
    expect(compareMailboxes(want, mailboxEntries([...want].reverse().flatMap((b) => b.hashes.map((sha256) => ({user: b.user, mailbox: b.mailbox, sha256})))))).toEqual([])
  })

  it('names a missing message, a changed one, a duplicate, a folder gone and a folder extra', () => {
    const found = mailboxEntries([
      {user: U, mailbox: 'INBOX', sha256: h('a')},
      {user: U, mailbox: 'INBOX', sha256: h('a')},
      {user: U, mailbox: 'Trash', sha256: h('d')},
    ])
    expect(compareMailboxes(want, found)).toEqual([
      {user: U, mailbox: 'INBOX', expected: 2, found: 2, missing: 1, extra: 1},
      {user: U, mailbox: 'Junk', expected: 1, found: 0, missing: 1, extra: 0},
      {user: U, mailbox: 'Trash', expected: 0, found: 1, missing: 0, extra: 1},
    ])
  })

  it('finds an empty restore different from a full manifest', () => {
    expect(compareMailboxes(want, []).map((d) => d.missing)).toEqual([2, 1])
  })
})

describe('manifestProblems', () => {
  const good = (): BackupManifest => {
    const mailboxes = mailboxEntries([{user: U, mailbox: 'INBOX', sha256: h('a')}, {user: U, mailbox: 'INBOX', sha256: h('b')}])
    return {format: 'mailops-backup/1', run: 'r', host: 'core1', createdAt: new Date().toISOString(), dovecot: '2.3.19.1', users: [U], mailboxes, messages: 2, config: []}
  }

  it('passes a manifest as backup writes it', () => expect(manifestProblems(good())).toEqual([]))

  it('is refused by its schema when a user is not an account name (restore would put it in a script on the core)', () => {
    expect(schemaErrors(schemaOf('backup-manifest'), good())).toEqual([])
    expect(schemaErrors(schemaOf('backup-manifest'), {...good(), users: ["x'; touch /tmp/pwn #@example.net"]}).join()).toMatch(/^users\[0\]: /)
  })

  it('catches a count, a list hash or a total edited without the rest', () => {
    const count = good()
    count.mailboxes[0].messages = 3
    const list = good()
    list.mailboxes[0].hashes[1] = h('c')
    const total = good()
    total.messages = 5
    expect(manifestProblems(count).join()).toMatch(/3 messages listed, 2 hashes/)
    expect(manifestProblems(list).join()).toMatch(/list hash does not match/)
    expect(manifestProblems(total).join()).toMatch(/5 messages in total, 2 in the folders/)
  })
})
