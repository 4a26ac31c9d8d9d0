import {spawnSync} from 'node:child_process'
import {linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {LARGEST_MESSAGE_BYTES, unpackedTree, unsafeMembers} from '../../../src/backup/archive.js'
import {span} from '../../../src/backup/restore.js'
import {cleanupScript, exportScript, packScript, parseExport, parseTarget, parseTargetSpace, restoreScript, targetScript} from '../../../src/backup/scripts.js'

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'

describe('the scripts run on a core take only checked values', () => {
  it.each([["a quote", "demo'@example.net"], ['a space', 'demo @example.net'], ['a command', '$(reboot)@example.net'], ['no domain', 'demo'], ['a path', '../demo@example.net']])('refuses an account name with %s', (_what, user) => {
    for (const script of [() => exportScript([user], true, 60), () => restoreScript([user]), () => targetScript([user])]) expect(script).toThrow(/not an account name/)
  })

  it.each(['/tmp/x', '/var/tmp/mailops-backup.', '/var/tmp/mailops-backup.abc/../../etc', '/var/tmp/mailops-backup.abcdefgh; rm -rf /', '/'])('refuses %s as a scratch folder to pack or remove', (dir) => {
    expect(() => cleanupScript(dir)).toThrow(/scratch folder/)
    expect(() => packScript(dir, RECIPIENT)).toThrow(/scratch folder/)
  })

  it('refuses a recipient that is not an age public key', () => {
    for (const r of ['', 'age1', `${RECIPIENT}; reboot`, 'AGE-SECRET-KEY-1QQQQ', RECIPIENT.toUpperCase()]) expect(() => packScript('/var/tmp/mailops-backup.abcdefgh', r)).toThrow(/age recipient/)
    expect(packScript('/var/tmp/mailops-backup.abcdefgh', RECIPIENT)).toContain(`tar -cz --numeric-owner manifest.json mail config || : > "$d/tar-failed"; } | age -r '${RECIPIENT}'`)
  })

  it('exports plain on both Dovecot lines: 2.3 by mail_crypt_save_version=0, 2.4 by an empty crypt_write_algorithm', () => {
    const script = exportScript(['demo@example.net'], false, 60)
    expect(script).toContain('2.3.*) plain="plugin/mail_crypt_save_version=0"')
    expect(script).toContain('*) plain="crypt_write_algorithm="')
    expect(script).not.toContain('config ')
    expect(exportScript(['demo@example.net'], true, 60)).toContain('/etc/mailops')
    expect(script).toContain(`sleep 60; rm -rf`)
    expect(() => exportScript(['demo@example.net'], false, 0)).toThrow(/seconds/)
  })

  it('restores without hard links, so the scratch core encrypts what it stores', () => {
    expect(restoreScript(['demo@example.net'])).toContain('doveadm -o maildir_copy_with_hardlinks=no backup -R')
  })
})

describe('parsing what the scripts print', () => {
  it('reads the export: folder, version, config paths, listing', () => {
    const out = ['MAILOPS-EXPORT /var/tmp/mailops-backup.Ab3dEf9h 2.3.19.1', 'config /etc/mailops', 'config /etc/dovecot', `${'a'.repeat(64)}  ./u@d/cur/1`, ''].join('\n')
    expect(parseExport(out)).toEqual({dir: '/var/tmp/mailops-backup.Ab3dEf9h', dovecot: '2.3.19.1', config: ['/etc/mailops', '/etc/dovecot'], listing: `${'a'.repeat(64)}  ./u@d/cur/1\n`})
  })

  it('refuses an export whose first line is not ours (a login banner, a foreign folder)', () => {
    expect(() => parseExport('Welcome!\nMAILOPS-EXPORT /var/tmp/mailops-backup.Ab3dEf9h 2.3')).toThrow(/unexpected export output/)
    expect(() => parseExport('MAILOPS-EXPORT /etc 2.3')).toThrow(/unexpected export output/)
  })

  it('reads the scratch core: accounts known or not, and their mail', () => {
    expect(parseTarget('account a@d known 0\naccount b@d unknown 0\nnoise\naccount c@d known 12\n')).toEqual([
      {user: 'a@d', known: true, messages: 0},
      {user: 'b@d', known: false, messages: 0},
      {user: 'c@d', known: true, messages: 12},
    ])
  })
})

describe('unsafeMembers: what a mailops archive never holds', () => {
  const line = (type: string, name: string) => `${type}rw------- 0/0 10 2026-12-02 16:41 ${name}`
  it('passes the manifest, mail files and folders, and the links of config/', () => {
    expect(unsafeMembers([line('-', 'manifest.json'), line('d', 'mail/'), line('-', 'mail/u@d/cur/1 with space'), line('l', 'config/etc/postfix/makedefs.out -> /usr/share/postfix/makedefs.out'), ''].join('\n'))).toEqual([])
  })

  it.each([
    ['a link in mail/', line('l', 'mail/u@d/cur/1 -> /etc/shadow')],
    ['a hard link in mail/', line('h', 'mail/u@d/cur/1 link to config/etc/x')],
    ['a device', line('c', 'mail/u@d/cur/1')],
    ['an absolute name', line('-', '/etc/cron.d/x')],
    ['a .. in mail/', line('-', 'mail/../../etc/passwd')],
    ['a .. in config/', line('-', 'config/../x')],
    ['a member elsewhere', line('-', 'etc/passwd')],
    ['a folder named manifest.json', line('d', 'manifest.json/')],
  ])('flags %s', (_what, member) => expect(unsafeMembers(member)).toHaveLength(1))
})

describe('unpackedTree: what tar made, from the files themselves', () => {
  it('counts plain files, and names links, pipes, hard links and files larger than any message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailops-tree-'))
    try {
      const cur = join(dir, 'mail', 'u@d', 'cur')
      mkdirSync(cur, {recursive: true})
      writeFileSync(join(dir, 'manifest.json'), '{}')
      writeFileSync(join(cur, '1'), 'x'.repeat(1000))
      symlinkSync('/etc/passwd', join(cur, '2'))
      linkSync(join(cur, '1'), join(cur, '3'))
      expect(spawnSync('mkfifo', [join(cur, '4')]).status).toBe(0)
      writeFileSync(join(cur, '5'), '')
      truncateSync(join(cur, '5'), LARGEST_MESSAGE_BYTES + 1)
      const tree = unpackedTree(dir)
      expect(tree.strange.sort()).toEqual(['mail/u@d/cur/1', 'mail/u@d/cur/2', 'mail/u@d/cur/3', 'mail/u@d/cur/4'])
      expect(tree.oversized).toEqual(['mail/u@d/cur/5'])
      expect(tree.bytes).toBe(2 + LARGEST_MESSAGE_BYTES + 1)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('parseTargetSpace', () => {
  it('reads the free space of /var/tmp and of the mail folder, in bytes, and whether they are one filesystem', () => {
    expect(parseTargetSpace('account a@b known 0\nspace 131072 2048 0 /var/mail/vhosts/b/a\n')).toEqual({tmpFree: 128 * 1024 ** 2, homeFree: 2 * 1024 ** 2, sameFilesystem: false, home: '/var/mail/vhosts/b/a'})
    expect(parseTargetSpace('account a@b known 0\n')).toBeUndefined()
  })
})

describe('span', () => {
  it.each([[4000, '4 s'], [25 * 60_000, '25 min'], [26 * 3_600_000, '26.0 h'], [7 * 86_400_000, '7.0 d']])('%d ms reads %s', (ms, text) => expect(span(ms)).toBe(text))
})
