import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {exportScript, parseExport} from '../../src/backup/scripts.js'
import {BackupReport, RestoreReport} from '../../src/config/schemas/backup.js'
import {mailops, ROOT, userEnv} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// Backup of a core and its restore into a scratch core, on a lab of their own: node1 is the core
// the mail is on, node2 a second core deployed with the same accounts and no mail (each deployed
// alone: not a replicating pair). Light hosts
// (Debian 12, Dovecot 2.3), mail_crypt on as the lab deploys it: the stores are encrypted at rest.
const LAB = {name: 'bkptest', subnet: '198.18.171.0/24'}
const DOMAIN = `${LAB.name}.mailops.test`
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const identity = `${labDir}/backup.key`
const USERS = [`demo@${DOMAIN}`, `alice@${DOMAIN}`]
const MESSAGES = 60
const out = mkdtempSync(join(tmpdir(), 'mailops-backup-e2e-'))
const auditDir = join(out, 'audit')
let inventory: string
let archive: string

const sh = (host: string, command: string) => mailops(['lab', 'ssh', '--name', LAB.name, host, '--', command])
const restore = (...args: string[]) => mailops(['restore', '-i', inventory, '--identity', identity, '--audit-dir', auditDir, '--json', ...args])
const statuses = (report: {checks: Array<{id: string; status: string}>}) => report.checks.map((c) => `${c.id}:${c.status}`)
/** Messages per account and folder on a core, as Dovecot counts them. */
const counts = (host: string) => {
  const listed = sh(host, USERS.map((u) => `doveadm mailbox status -u ${u} messages INBOX Junk | sed "s|^|${u} |"`).join('; ')).stdout
  return listed.trim().split('\n').filter(Boolean).sort()
}

// Through Dovecot's LMTP socket, as Postfix delivers: every tenth message marked as spam (the
// core's Sieve files it into Junk; they are all alice's, i odd), one of 300 KB (several of age's 64 KiB chunks), UTF-8 text.
/**
 * An archive as an attacker who knows the backup's age recipient (a public key) builds it, with
 * Python's tarfile (pax): manifest.json ({}), then each member - a file of `zeros` bytes, a
 * symlink to `link`, or a pipe - with the mtime given.
 */
function hostileArchive(file: string, members: Array<{name: string; zeros?: number; link?: string; fifo?: boolean; mtime?: number}>): void {
  const script = `
import io, json, subprocess, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.n = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
file, recipient, members = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
age = subprocess.Popen(["age", "-r", recipient, "-o", file], stdin=subprocess.PIPE)
with tarfile.open(fileobj=age.stdin, mode="w|gz", format=tarfile.PAX_FORMAT) as t:
    info = tarfile.TarInfo("manifest.json"); info.size = 2; t.addfile(info, io.BytesIO(b"{}"))
    for m in members:
        info = tarfile.TarInfo(m["name"]); info.mtime = m.get("mtime", 0); info.mode = 0o644
        if "link" in m: info.type, info.linkname = tarfile.SYMTYPE, m["link"]; t.addfile(info)
        elif m.get("fifo"): info.type = tarfile.FIFOTYPE; t.addfile(info)
        else: info.size = m["zeros"]; t.addfile(info, io.BufferedReader(Zeros(m["zeros"])))
age.stdin.close()
sys.exit(age.wait())
`
  const recipient = spawnSync('age-keygen', ['-y', identity], {encoding: 'utf8'}).stdout.trim()
  const built = spawnSync('/usr/bin/python3', ['-c', script, file, recipient, JSON.stringify(members)], {encoding: 'utf8'})
  expect(built.status, built.stderr).toBe(0)
}
const DELIVER = `
import smtplib
c = smtplib.LMTP('/var/run/dovecot/lmtp')
users = ${JSON.stringify(USERS)}
for i in range(${MESSAGES}):
    u = users[i % 2]
    spam = 'X-Spam: Yes\\r\\n' if i % 10 == 9 else ''
    body = ('x' * 300_000) if i == 7 else f'message {i}: héllo wörld 你好'
    c.sendmail('peer@example.org', [u], (f'From: peer@example.org\\r\\nTo: {u}\\r\\nSubject: backup {i}\\r\\nMessage-ID: <b{i}@example.org>\\r\\n{spam}Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n{body}\\r\\n').encode())
c.quit()
`

beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '2', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const lab = parse(readFileSync(`${labDir}/inventory.yaml`, 'utf8'))
  lab.hosts[1].role = 'core'
  lab.vars.mail_users.push({name: 'alice', password_hash: lab.vars.mail_users[0].password_hash})
  inventory = `${labDir}/inventory-backup.yaml`
  writeFileSync(inventory, stringify(lab))
  // Each core deployed as a fleet of its own: deployed together, two cores replicate (docs/resilience.md), and node2 would not stay without mail.
  for (const host of lab.hosts) {
    const alone = `${labDir}/inventory-${host.name}.yaml`
    writeFileSync(alone, stringify({...lab, hosts: [host]}))
    const deployed = mailops(['deploy', '-i', alone, '--json', '--audit-dir', auditDir])
    if (deployed.code !== 0) throw new Error(`deploy of ${host.name} failed: ${deployed.stdout}${deployed.stderr}`)
  }
  const delivered = sh('node1', `python3 - <<'EOF'\n${DELIVER}\nEOF`)
  if (delivered.code !== 0) throw new Error(`delivery failed: ${delivered.stderr}`)
}, 240_000)

afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
  rmSync(out, {recursive: true, force: true})
})

describe('mailops backup → restore --verify into a fresh core', () => {
  it('backs up the core: every message in the manifest, an age archive of mode 0600, plain mail inside it, nothing left on the core', () => {
    const result = mailops(['backup', '-i', inventory, '--host', 'node1', '--to', out, '--audit-dir', auditDir, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(BackupReport, report)
    archive = report.archive
    expect(report.messages).toBe(MESSAGES)
    expect(report.mailboxes.map((b: {user: string; mailbox: string; messages: number}) => `${b.user} ${b.mailbox} ${b.messages}`).sort()).toEqual([`alice@${DOMAIN} INBOX 24`, `alice@${DOMAIN} Junk 6`, `demo@${DOMAIN} INBOX 30`])
    expect(statSync(archive).mode & 0o777).toBe(0o600)
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([])
    const bytes = readFileSync(archive)
    expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1')
    expect(bytes.includes('Subject: backup 1')).toBe(false)
    // The store is encrypted at rest on the core; the archive's copy is plain (age encrypts it all).
    expect(sh('node1', `head -c 7 $(ls /var/mail/vhosts/${DOMAIN}/demo/new/* | head -1)`).stdout).toBe('CRYPTED')
    const inside = spawnSync('sh', ['-c', `age -d -i ${identity} ${archive} | tar -xzO --wildcards 'mail/demo@*/new/*'`], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
    expect(inside.stdout).toContain('héllo wörld 你好')
    expect(inside.stdout).not.toContain('CRYPTED')
    const listing = spawnSync('sh', ['-c', `age -d -i ${identity} ${archive} | tar -tz`], {encoding: 'utf8'}).stdout
    expect(listing).toContain('config/etc/mailops/mail-crypt/private.pem')
    expect(listing).toContain('config/etc/dovecot/dovecot.conf')
    expect(sh('node1', 'ls /var/tmp').stdout.trim()).toBe('')
    expect(readFileSync(report.audit, 'utf8')).toMatch(/"backup".*\n.*"seal"/)
  })

  it('refuses a damaged archive before touching the scratch core (exit 1)', () => {
    const damaged = join(out, 'damaged.tar.age')
    const bytes = Buffer.from(readFileSync(archive))
    bytes[bytes.length - 5000] ^= 0x20
    writeFileSync(damaged, bytes)
    const result = restore('--from', damaged, '--host', 'node2', '--verify')
    expect(result.code).toBe(1)
    expect(statuses(result.json())).toEqual(['decrypt:fail'])
    expect(counts('node2').every((line) => / messages=0$/.test(line))).toBe(true)
  })

  it('fails a stale backup (exit 1)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const result = restore('--from', archive, '--host', 'node2', '--verify', '--max-age', '2s')
    expect(result.code).toBe(1)
    expect(statuses(result.json())).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:fail'])
    expect(result.json().checks[2].message).toMatch(/^stale:/)
  })

  it('refuses an archive that would not fit, on this machine or on the scratch core, before unpacking it there (exit 1)', () => {
    // A gzip bomb: 200 MiB of zeros in mail/, about 200 KiB packed, encrypted to the backup's own
    // recipient (a public key). Its mtime out of tar's date range shifts `tar -tv`'s fields, so that
    // the name ends in " config" and a listing parser would take it for a member of config/.
    const bomb = mkdtempSync(join(tmpdir(), 'mailops-bomb-'))
    const small = mkdtempSync(join(tmpdir(), 'mailops-small-'))
    try {
      hostileArchive(`${bomb}.tar.age`, [{name: `mail/${USERS[0]}/cur/big config`, zeros: 200 * 1024 ** 2, mtime: 10 ** 18}])
      expect(statSync(`${bomb}.tar.age`).size).toBeLessThan(1024 ** 2)
      // This machine's work folder (TMPDIR) has 400 MiB: less than the 200 MiB and the 256 MiB kept free.
      expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400m', 'tmpfs', small]).status).toBe(0)
      const result = mailops(['restore', '--from', `${bomb}.tar.age`, '--identity', identity, '--audit-dir', auditDir, '--verify-only', '--json'], {TMPDIR: small})
      expect(result.code, result.stderr).toBe(1)
      expect(statuses(result.json())).toEqual(['decrypt:fail'])
      expect(result.json().checks[0].message, result.stdout).toMatch(/^the archive unpacks to at least \d+\.\d MiB, and \/tmp\/mailops-small-\w+\/mailops-restore-\w+\/x has \d+\.\d MiB free \(256\.0 MiB more are kept free\); nothing was unpacked/)
      expect(readdirSync(small)).toEqual([])
      // The scratch core's /var/tmp, where a restore unpacks the mail, has 128 MiB: a real archive
      // no longer fits with the 256 MiB kept free. Nothing is restored, and --dry-run says so too.
      expect(sh('node2', 'mount -t tmpfs -o size=128m tmpfs /var/tmp').code).toBe(0)
      try {
        for (const mode of ['--dry-run', '--verify']) {
          const refused = restore('--from', archive, '--host', 'node2', mode)
          expect(refused.code, mode).toBe(1)
          expect(statuses(refused.json()), mode).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:pass', 'target:fail'])
          expect(refused.json().checks[3].message, mode).toMatch(/^node2 has 128\.0 MiB free in \/var\/tmp, and the restore needs \d+\.\d MiB there/)
        }
        expect(counts('node2').every((line) => / messages=0$/.test(line))).toBe(true)
      } finally {
        sh('node2', 'umount /var/tmp')
      }
    } finally {
      spawnSync('umount', [small])
      rmSync(small, {recursive: true, force: true})
      rmSync(bomb, {recursive: true, force: true})
      rmSync(`${bomb}.tar.age`, {force: true})
    }
  })

  it('refuses a link or a pipe among the mail, also where tar -tv reads its name wrongly, before the scratch core is touched (exit 1)', () => {
    // Found from outside: a symlink to the core's /etc/passwd, restored, was served over IMAP as a
    // message (exit 0); a pipe blocked doveadm until --timeout. The mtime shifts tar -tv's fields.
    const link = join(out, 'link.tar.age')
    const pipe = join(out, 'pipe.tar.age')
    hostileArchive(link, [{name: `mail/${USERS[0]}/cur/2:2, config`, link: '/etc/passwd', mtime: 10 ** 18}])
    hostileArchive(pipe, [{name: `mail/${USERS[0]}/cur/3:2, config`, fifo: true, mtime: 10 ** 18}])
    for (const file of [link, pipe]) {
      const result = restore('--from', file, '--host', 'node2', '--timeout', '60')
      expect(result.code, file).toBe(1)
      expect(statuses(result.json()), file).toEqual(['decrypt:fail'])
      expect(result.json().checks[0].message, file).toContain(`a link, device, pipe or hard link): mail/${USERS[0]}/cur/`)
    }
    expect(counts('node2').every((line) => / messages=0$/.test(line))).toBe(true)
    expect(sh('node2', 'ls /var/tmp').stdout.trim()).toBe('')
  })

  it('restores into the scratch core and proves it holds the identical message set, encrypted at rest there (exit 0)', () => {
    const dry = restore('--from', archive, '--host', 'node2', '--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    expect(statuses(dry.json())).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:pass', 'target:pass'])
    const before = counts('node1')
    const result = restore('--from', archive, '--host', 'node2', '--verify')
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const report = result.json()
    expectValid(RestoreReport, report)
    expect(statuses(report)).toEqual(['decrypt:pass', 'manifest:pass', 'fresh:pass', 'target:pass', 'restore:pass', 'verify:pass'])
    expect(report).toMatchObject({source: 'node1', host: 'node2', messages: MESSAGES, differences: []})
    expect(counts('node2')).toEqual(before)
    expect(sh('node2', `head -c 7 $(ls /var/mail/vhosts/${DOMAIN}/demo/cur/* /var/mail/vhosts/${DOMAIN}/demo/new/* 2>/dev/null | head -1)`).stdout).toBe('CRYPTED')
    expect(sh('node2', 'ls /var/tmp').stdout.trim()).toBe('')
  })

  it('refuses to restore over mail (the scratch core now, the source always) unless --force (exit 1)', () => {
    for (const host of ['node2', 'node1']) {
      const result = restore('--from', archive, '--host', host, '--verify')
      expect(result.code, host).toBe(1)
      expect(statuses(result.json()).at(-1), host).toBe('target:fail')
    }
    const forced = restore('--from', archive, '--host', 'node2', '--verify', '--force')
    expect(forced.code, forced.stderr).toBe(0)
  })

  it('a backup that fails on the core writes no archive (exit 1)', () => {
    const lab = parse(readFileSync(inventory, 'utf8'))
    lab.vars.mail_users.push({name: 'ghost', password_hash: lab.vars.mail_users[0].password_hash})
    const ghost = `${labDir}/inventory-ghost.yaml`
    writeFileSync(ghost, stringify(lab))
    const empty = mkdtempSync(join(out, 'failed-'))
    const result = mailops(['backup', '-i', ghost, '--host', 'node1', '--to', empty, '--audit-dir', auditDir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no account ghost@')
    expect(readdirSync(empty)).toEqual([])
    expect(sh('node1', 'ls /var/tmp').stdout.trim()).toBe('')
    // The failure is on the signed record as well: the trail shows a night without a backup.
    const records = readdirSync(auditDir).filter((f) => f.endsWith('-backup.jsonl')).map((f) => readFileSync(join(auditDir, f), 'utf8'))
    expect(records.filter((r) => r.includes('"failed"') && r.includes('no account ghost@'))).toHaveLength(1)
  })

  it('a backup killed mid-way leaves no archive, and no plain copy on the core once its time is up', async () => {
    const killed = mkdtempSync(join(out, 'killed-'))
    // --timeout 5: the core's watchdog removes an orphaned export after 2 × 5 + 60 s at most.
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'backup', '-i', inventory, '--host', 'node1', '--to', killed, '--audit-dir', auditDir, '--timeout', '5'], {env: {...userEnv(), NO_COLOR: '1'}, stdio: ['ignore', 'ignore', 'pipe']})
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('exporting') && resolve()))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('close', resolve))
    expect(readdirSync(killed).filter((f) => f.endsWith('.tar.age'))).toEqual([])
    let left = sh('node1', 'ls /var/tmp').stdout.trim()
    for (let i = 0; i < 80 && left !== ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      left = sh('node1', 'ls /var/tmp').stdout.trim()
    }
    expect(left).toBe('')
    // The watchdog itself: an export nobody packs or removes (the controller gone between the two).
    const orphan = parseExport(sh('node1', exportScript(USERS, false, 3)).stdout).dir
    expect(sh('node1', `ls -d ${orphan}`).code).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 5000))
    expect(sh('node1', `ls -d ${orphan}`).code).not.toBe(0)
  }, 120_000)
})
