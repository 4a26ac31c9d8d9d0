import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailboxEntries} from '../../src/backup/manifest.js'
import type {BackupManifest} from '../../src/config/schemas/backup.js'
import {ErrorReport} from '../../src/config/schemas/error.js'
import {RestoreReport} from '../../src/config/schemas/backup.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// Archives made here as backup makes them on a core (maildir files, a manifest, tar -z | age): restore
// --verify-only checks them on this machine alone, so every way an archive goes wrong is tested
// without a lab. Restoring into a core is tested in test/e2e/backup.test.ts.
const work = mkdtempSync(join(tmpdir(), 'mailops-backup-cmd-'))
const identity = join(work, 'backup.key')
execFileSync('age-keygen', ['-o', identity], {stdio: 'ignore'})
chmodSync(identity, 0o600)
const recipient = execFileSync('age-keygen', ['-y', identity], {encoding: 'utf8'}).trim()
const audit = join(work, 'audit')
const U = 'demo@example.net'
let made = 0

interface Making {
  createdAt?: string
  /** changes the mail after the manifest was made */
  afterManifest?: (dir: string) => void
}

function archive(options: Making = {}): string {
  const dir = join(work, `a${++made}`)
  const messages: Array<[string, string]> = [
    [`mail/${U}/cur/1.M1P1.core1,S=20:2,S`, 'Subject: one\r\n\r\nfirst\r\n'],
    [`mail/${U}/new/1.M2P1.core1`, 'Subject: two\r\n\r\nsecond\r\n'],
    [`mail/${U}/.Junk/cur/1.M3P1.core1:2,`, 'Subject: spam\r\n\r\nbuy\r\n'],
  ]
  for (const [path, text] of messages) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  writeFileSync(join(dir, `mail/${U}/dovecot-uidlist`), '3 V1 N4\n')
  mkdirSync(join(dir, 'config/etc/postfix'), {recursive: true})
  symlinkSync('/usr/share/postfix/makedefs.out', join(dir, 'config/etc/postfix/makedefs.out'))
  const sha = (text: string) => createHash('sha256').update(text).digest('hex')
  const mailboxes = mailboxEntries(messages.map(([path, text]) => ({user: U, mailbox: path.includes('/.Junk/') ? 'Junk' : 'INBOX', sha256: sha(text)})))
  const manifest: BackupManifest = {format: 'mailops-backup/1', run: 'test', host: 'core1', createdAt: options.createdAt ?? new Date().toISOString(), dovecot: '2.3.19.1', users: [U], mailboxes, messages: 3, config: ['/etc/postfix']}
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  options.afterManifest?.(dir)
  const file = join(work, `a${made}.tar.age`)
  execFileSync('sh', ['-c', `tar -cz -C "$1" manifest.json mail config | age -r "$2" > "$3"`, 'sh', dir, recipient, file])
  return file
}

const check = (file: string, ...flags: string[]) => mailops(['restore', '--from', file, '--identity', identity, '--verify-only', '--audit-dir', audit, '--json', ...flags])
const statuses = (report: RestoreReport) => report.checks.map((c) => `${c.id}:${c.status}`)

describe('mailops restore --verify-only: an archive checked on this machine', () => {
  it('passes a sound archive: decrypted, every message as its manifest lists, fresh (exit 0), with a signed record', () => {
    const result = check(archive())
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(RestoreReport, report)
    expect(statuses(report)).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:pass'])
    expect(report).toMatchObject({mode: 'verify-only', host: null, source: 'core1', messages: 3, differences: []})
    expect(readFileSync(report.audit, 'utf8')).toContain('"restore"')
  })

  it('fails on one flipped byte, a cut-off end, or another identity - loudly, on stderr (exit 1)', () => {
    const good = readFileSync(archive())
    const flipped = Buffer.from(good)
    flipped[Math.floor(flipped.length / 2)] ^= 0x01
    const files = {flipped, truncated: good.subarray(0, good.length - 100), empty: Buffer.alloc(0)}
    for (const [what, bytes] of Object.entries(files)) {
      const file = join(work, `${what}.tar.age`)
      writeFileSync(file, bytes)
      const result = check(file)
      expect(result.code, what).toBe(1)
      expect(statuses(result.json()), what).toEqual(['decrypt:fail'])
      const human = mailops(['restore', '--from', file, '--identity', identity, '--verify-only', '--audit-dir', audit])
      expect(human.code, what).toBe(1)
      expect(human.stderr, what).toMatch(/✗ decrypt: the archive is damaged or not ours/)
    }
    const other = join(work, 'other.key')
    execFileSync('age-keygen', ['-o', other], {stdio: 'ignore'})
    chmodSync(other, 0o600)
    const foreign = mailops(['restore', '--from', archive(), '--identity', other, '--verify-only', '--audit-dir', audit, '--json'])
    expect(foreign.code).toBe(1)
    expect(foreign.json().checks[0].message).toMatch(/no identity matched/)
  })

  it('fails a stale archive (exit 1), and passes it under a longer --max-age', () => {
    const old = archive({createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString()})
    const stale = check(old)
    expect(stale.code).toBe(1)
    expect(statuses(stale.json())).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:fail'])
    expect(stale.json().checks[2].message).toMatch(/^stale: .*3\.0 d ago, more than --max-age 26\.0 h/)
    expect(check(old, '--max-age', '7d').code).toBe(0)
    // A clock gone wrong (or a made-up date) would pass any --max-age for years.
    const future = check(archive({createdAt: '2099-01-01T00:00:00.000Z'}))
    expect(future.code).toBe(1)
    expect(future.json().checks[2].message).toMatch(/in the future/)
  })

  it('fails an archive whose mail is not what its manifest lists: a message changed, lost or added (exit 1)', () => {
    const changes: Array<[string, (dir: string) => void, object]> = [
      ['changed', (dir) => writeFileSync(join(dir, `mail/${U}/new/1.M2P1.core1`), 'Subject: two\r\n\r\nSECOND\r\n'), {mailbox: 'INBOX', missing: 1, extra: 1}],
      ['lost', (dir) => execFileSync('rm', [join(dir, `mail/${U}/.Junk/cur/1.M3P1.core1:2,`)]), {mailbox: 'Junk', missing: 1, extra: 0}],
      ['added', (dir) => writeFileSync(join(dir, `mail/${U}/cur/9.M9`), 'Subject: planted\r\n\r\n'), {mailbox: 'INBOX', missing: 0, extra: 1}],
    ]
    for (const [what, change, difference] of changes) {
      const result = check(archive({afterManifest: change}))
      expect(result.code, what).toBe(1)
      expect(statuses(result.json()), what).toEqual(['decrypt:pass', 'manifest:fail'])
      expect(result.json().differences, what).toEqual([expect.objectContaining(difference)])
    }
  })

  it('refuses an archive with a link among its mail, before unpacking it (exit 1)', () => {
    const result = check(archive({afterManifest: (dir) => symlinkSync('/etc/shadow', join(dir, `mail/${U}/cur/2.M2`))}))
    expect(result.code).toBe(1)
    expect(result.json().checks[0].message).toMatch(/holds what a mailops backup never does: l.*mail\/demo@example.net\/cur\/2.M2 -> \/etc\/shadow/)
  })

  it('refuses an identity others can read, naming its mode (exit 2, nothing read)', () => {
    const loose = join(work, 'loose.key')
    writeFileSync(loose, readFileSync(identity), {mode: 0o640})
    chmodSync(loose, 0o640)
    const result = mailops(['restore', '--from', archive(), '--identity', loose, '--verify-only', '--json'])
    expect(result.code).toBe(2)
    expectValid(ErrorReport, result.json())
    expect(result.json().error.message).toContain('has mode 0640')
  })
})

// Addresses no lab holds: every refusal below comes before any connection.
function inventory(vars: string[] = [`  backup_recipient: ${recipient}`]): string {
  const file = tempFile('inventory.yaml', ['defaults: {key: id_test}', 'vars:', '  domain: example.net', '  mail_users: [{name: demo, password_hash: "{SHA512-CRYPT}x"}]', ...vars, 'hosts:', '  - {name: core1, address: 198.18.250.11, role: core}', '  - {name: edge1, address: 198.18.250.12, role: edge}', ''].join('\n'))
  writeFileSync(join(dirname(file), 'id_test'), 'only has to exist')
  return file
}

describe('mailops backup and restore: bad input is exit 2, before any host', () => {
  it('shows examples and exit codes in --help', () => {
    for (const command of ['backup', 'restore']) {
      const help = mailops([command, '--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toContain('EXAMPLES')
      expect(help.stdout.replaceAll(/\s+/g, ' ')).toContain('2 bad input (nothing touched)')
    }
  })

  it.each([
    [['backup', '--host', 'edge1', '--to', work], '--host edge1 is not a core of'],
    [['backup', '--host', 'core9', '--to', work], "no host 'core9' in the inventory"],
    [['backup', '--host', 'core1', '--to', join(work, 'nowhere')], '--to'],
  ])('backup %j', (args, message) => {
    const started = Date.now()
    const result = mailops([args[0], '-i', inventory(), ...args.slice(1)])
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain(message)
    expect(Date.now() - started, 'no connection was tried').toBeLessThan(8000)
  })

  it('backup without vars.backup_recipient, or with one that is not an age key', () => {
    expect(mailops(['backup', '-i', inventory([]), '--host', 'core1', '--to', work]).stderr).toContain('set vars.backup_recipient')
    const bad = mailops(['backup', '-i', inventory(['  backup_recipient: AGE-SECRET-KEY-1XYZ']), '--host', 'core1', '--to', work])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('backup_recipient')
  })

  it.each([
    [['--from', 'x.age', '--identity', identity], '--host is needed'],
    [['--from', 'x.age', '--identity', identity, '--host', 'core1'], '-i is needed'],
    [['--from', join(work, 'none.age'), '--identity', identity, '--verify-only'], 'no such archive file'],
    [['--from', 'x.age', '--identity', identity, '--verify-only', '--host', 'core1'], '--host'],
    [['--from', 'x.age', '--identity', identity, '--verify-only', '--max-age', 'soon'], '--max-age'],
  ])('restore %j', (args, message) => {
    const result = mailops(['restore', ...args])
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain(message)
  })
})
