import {createHash, randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {bootedLab} from '../helpers/booted.js'
import {mailops, mailopsAsync} from '../helpers/cli.js'
import {ImapSession, imapQuote} from '../../src/util/mail-wire.js'

// Booted bare Debian hosts of its own: deploy provisions them from nothing.
const lab = bootedLab('provtest', '198.18.45.0/24')
const {name: NAME, inventory: INVENTORY, sh} = lab
const up = (hosts: number, os: 'debian13' | 'debian12') => lab.up(hosts, os)
const CORE = {address: '198.18.45.11', fqdn: `node1.${NAME}.mailops.test`, user: `demo@${NAME}.mailops.test`}
// Every place a message's text could lie on the core: mailboxes, queue, logs, temporary files.
const grepDisk = (text: string) => sh('node1', `for d in /var/mail /var/vmail /var/spool /var/log /tmp; do [ -d "$d" ] && grep -rlF -- '${text}' "$d"; done; true`)

/** Over IMAPS as the lab's mailbox: the whole message (RFC822 bytes) whose body holds `text`, once it is there. */
async function imapMessage(text: string): Promise<string> {
  const password = parse(readFileSync(`${lab.dir}/secrets.yaml`, 'utf8')).verify_password as string
  const {session} = await ImapSession.open(CORE.address, 993, 10_000, {servername: CORE.fqdn, rejectUnauthorized: false})
  try {
    expect((await session.command(`LOGIN ${imapQuote(CORE.user)} ${imapQuote(password)}`)).ok).toBe(true)
    for (let i = 0; i < 60; i++) {
      await session.command('SELECT INBOX')
      const [uid] = await session.uidSearch(`BODY ${text}`)
      if (uid) return (await session.command(`UID FETCH ${uid} (BODY.PEEK[])`)).response
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    throw new Error(`no message with ${text} in INBOX within 30 s`)
  } finally {
    await session.logout()
  }
}

/** Over IMAPS: every INBOX message's RFC822 bytes (BODY.PEEK[], the literal cut by its byte count) by UID, as a SHA-256. */
async function imapDigests(): Promise<Map<string, string>> {
  const password = parse(readFileSync(`${lab.dir}/secrets.yaml`, 'utf8')).verify_password as string
  const {session} = await ImapSession.open(CORE.address, 993, 30_000, {servername: CORE.fqdn, rejectUnauthorized: false})
  try {
    expect((await session.command(`LOGIN ${imapQuote(CORE.user)} ${imapQuote(password)}`)).ok).toBe(true)
    expect((await session.command('SELECT INBOX')).ok).toBe(true)
    const uids = await session.uidSearch('ALL')
    const digests = new Map<string, string>()
    for (const uid of uids) {
      const {ok, response} = await session.command(`UID FETCH ${uid} (BODY.PEEK[])`)
      const literal = /BODY\[\] \{(\d+)\}\r\n/.exec(response)
      expect(ok && literal, response.slice(0, 300)).toBeTruthy()
      // The wire decodes UTF-8; the messages are valid UTF-8, so re-encoding gives the bytes back.
      const bytes = Buffer.from(response.slice(literal!.index + literal![0].length), 'utf8').subarray(0, Number(literal![1]))
      digests.set(String(uid), createHash('sha256').update(bytes).digest('hex'))
    }
    return digests
  } finally {
    await session.logout()
  }
}

/**
 * Mail into the core's mailbox through Postfix and LMTP: `plain` short messages, three with an
 * attachment, one of 1.6 MB (≥ 1 MiB), one with 8-bit UTF-8 headers and body; waits until all are stored.
 */
function deliver(plain: number): number {
  const to = CORE.user
  const script = [
    `for i in $(seq 1 ${plain}); do printf 'Subject: stored %s\nFrom: root@${CORE.fqdn}\n\nmessage %s, before encryption\n' $i $i | /usr/sbin/sendmail ${to}; done`,
    `for i in 1 2 3; do printf 'Subject: attachment %s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee the attachment\n--b\nContent-Type: application/octet-stream; name=a%s.bin\nContent-Transfer-Encoding: base64\n\n%s\n--b--\n' $i $i "$(head -c 30000 /dev/urandom | base64 -w 76)" | /usr/sbin/sendmail ${to}; done`,
    `{ printf 'Subject: large\nMIME-Version: 1.0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n'; head -c 1200000 /dev/urandom | base64 -w 76; } | /usr/sbin/sendmail ${to}`,
    `printf 'Subject: Grüße – 邮件 stored before encryption\nFrom: Jürgen Müller <root@${CORE.fqdn}>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nüñíçødé 正文\n' | /usr/sbin/sendmail ${to}`,
  ].join('\n')
  expect(sh('node1', script).code).toBe(0)
  const total = plain + 5
  for (let i = 0; i < 240 && storeCounts().files < total; i++) sh('node1', 'sleep 0.5')
  expect(storeCounts().files).toBe(total)
  return total
}

/** The core's Maildir message files, and how many of them start with mail_crypt's magic. */
function storeCounts(): {files: number; encrypted: number} {
  const out = sh('node1', `find /var/mail/vhosts -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) -exec sh -c 'for f; do [ "$(head -c 7 "$f")" = CRYPTED ] && echo c || echo p; done' sh {} + | sort | uniq -c`).stdout
  const count = (k: string) => Number(new RegExp(`(\\d+) ${k}$`, 'm').exec(out)?.[1] ?? 0)
  return {files: count('c') + count('p'), encrypted: count('c')}
}

/** The lab's inventory with encryption at rest off (neither key of the pair), and the environment that empties the secret. */
function plainInventory(): {inventory: string; env: Record<string, string>} {
  const inventory = parse(readFileSync(INVENTORY, 'utf8'))
  inventory.vars.mail_crypt_public_key = ''
  writeFileSync(`${lab.dir}/plain.yaml`, stringify(inventory))
  return {inventory: `${lab.dir}/plain.yaml`, env: {MAILOPS_SECRET_MAIL_CRYPT_PRIVATE_KEY: ''}}
}

const postfixState = (host: string) => sh(host, 'dpkg-query -W -f=\'${Status}\\n\' postfix 2>/dev/null | grep -c "install ok installed"; systemctl is-active postfix; test -e /etc/postfix/main.cf && echo main.cf || echo no-main.cf; test -e /usr/sbin/policy-rc.d && echo policy || echo no-policy').stdout

// What each release runs: its own Postfix and Dovecot, Dovecot's configuration in its own syntax.
// Existing mail (issue 18): Debian 13 the full migration, killed half-way and finished by the next
// deploy (150 short messages, so that the kill lands mid-way); Debian 12 a shorter pass.
const RELEASES = [
  {os: 'debian13', postfix: /^mail_version = 3\.10\./, dovecot: /^2\.4\./, config: /^dovecot_config_version = 2\.4\.1$/m, location: /^mail_path = \/var\/mail\/vhosts\/%\{user \| domain\}\/%\{user \| username\}$/m, stored: 150, kill: true},
  {os: 'debian12', postfix: /^mail_version = 3\.7\./, dovecot: /^2\.3\./, config: /^mail_location = maildir:\/var\/mail\/vhosts\/%d\/%n$/m, location: /^mail_location = /m, stored: 10, kill: false},
] as const

describe('mailops deploy on booted bare Debian hosts', () => {
  it.each(RELEASES)('$os: installs the packages, then the files, then enables and starts the services; a re-run changes nothing; mail stored before encryption was turned on is encrypted in place without loss (on Debian 13 also after the migration is killed half-way, on Debian 12 after it failed on a broken folder); verify passes; a Dovecot without mail_crypt fails exactly delivery.at-rest until deploy repairs it', async (release) => {
    up(2, release.os)
    expect(postfixState('node2')).toBe('0\ninactive\nno-main.cf\nno-policy\n')
    // First without encryption at rest: the mail stored meanwhile is what turning it on must keep.
    const plain = plainInventory()

    const dry = mailops(['deploy', '-i', plain.inventory, '--dry-run', '--json'], plain.env)
    expect(dry.code, dry.stderr).toBe(0)
    const planned = dry.json().hosts
    expect(planned.map((h: {host: string; packages: string[]}) => [h.host, h.packages])).toEqual([
      ['node1', ['postfix', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-lmtpd', 'dovecot-sieve', 'opendkim', 'logrotate', 'nftables', 'age', 'postfix-mta-sts-resolver', 'python3-dnspython']],
      ['node2', ['postfix', 'logrotate', 'redis-server', 'rspamd', 'nftables', 'nginx', 'postfix-mta-sts-resolver', 'python3-dnspython']],
    ])
    expect(postfixState('node2')).toBe('0\ninactive\nno-main.cf\nno-policy\n')

    const first = mailops(['deploy', '-i', plain.inventory, '--json'], plain.env)
    expect(first.code, first.stderr + first.stdout).toBe(0)
    expect(first.json().hosts.map((h: {status: string}) => h.status)).toEqual(['changed', 'changed'])
    const units = sh('node1', 'systemctl is-enabled postfix dovecot opendkim; systemctl is-active postfix dovecot opendkim; systemctl --failed --no-legend | wc -l; test -e /usr/sbin/policy-rc.d && echo policy || echo no-policy')
    expect(units.stdout).toBe('enabled\nenabled\nenabled\nactive\nactive\nactive\n0\nno-policy\n')
    // The release's own daemons, each running the configuration rendered for it (2.4's syntax on Debian 13).
    const versions = sh('node1', 'postconf mail_version; dovecot --version; doveconf -n')
    expect(versions.code, versions.stderr).toBe(0)
    const [postfixVersion, dovecotVersion] = versions.stdout.split('\n')
    expect(postfixVersion).toMatch(release.postfix)
    expect(dovecotVersion).toMatch(release.dovecot)
    expect(versions.stdout).toMatch(release.config)
    expect(versions.stdout).toMatch(release.location)

    const again = mailops(['deploy', '-i', plain.inventory, '--json'], plain.env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.json().hosts.map((h: {status: string; packages: string[]}) => [h.status, h.packages])).toEqual([
      ['unchanged', []],
      ['unchanged', []],
    ])

    // Existing mail: stored in plain text, then encryption turned on by deploy with the key pair.
    const stored = deliver(release.stored)
    expect(storeCounts()).toEqual({files: stored, encrypted: 0})
    const before = await imapDigests()
    expect(before.size).toBe(stored)
    const mtimes = () => sh('node1', `find /var/mail/vhosts -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) -printf '%f %T@\\n' | sort`).stdout
    const stamps = mtimes()
    const toEncrypt = mailops(['deploy', '-i', INVENTORY, '--dry-run'])
    expect(toEncrypt.code, toEncrypt.stderr).toBe(0)
    expect(toEncrypt.stdout).toContain(`encrypt ${stored} stored messages`)
    expect(storeCounts().encrypted).toBe(0)
    let resumed = stored
    if (release.kill) {
      // Killed on the host half-way (the apply runs detached there: its whole process group, as a crash would).
      const killed = mailopsAsync(['deploy', '-i', INVENTORY, '--json'])
      for (let i = 0; i < 600 && storeCounts().encrypted < 5; i++) sh('node1', 'sleep 0.2')
      expect(sh('node1', 'kill -KILL -- -$(cat "$(ls -dt /var/lib/mailops/runs/*/ | head -n 1)pid")').code).toBe(0)
      const died = await killed
      expect(died.code).toBe(1)
      expect(died.json().hosts[0].error.code).toBe('APPLY_DIED')
      const half = storeCounts()
      expect(half.files).toBe(stored)
      expect(half.encrypted).toBeGreaterThanOrEqual(5)
      expect(half.encrypted).toBeLessThan(stored)
      // Half plain, half encrypted: every message still reads the same.
      expect(await imapDigests()).toEqual(before)
      resumed = stored - half.encrypted
    } else {
      // A folder whose tmp/ is broken (a file in its place): the copy cannot be written, so the host
      // fails with what was done and nothing is lost; once it is repaired, the next deploy goes on.
      const inbox = `/var/mail/vhosts/${NAME}.mailops.test/demo`
      expect(sh('node1', `mv ${inbox}/tmp ${inbox}/tmp.away && touch ${inbox}/tmp`).code).toBe(0)
      const broken = mailops(['deploy', '-i', INVENTORY, '--json'])
      expect(broken.code).toBe(1)
      expect(broken.json().hosts[0].error).toMatchObject({code: 'ENCRYPT_FAILED', message: expect.stringContaining(`encrypting the stored mail stopped after 0 messages (${stored} still in plain text`)})
      expect(storeCounts()).toEqual({files: stored, encrypted: 0})
      expect(await imapDigests()).toEqual(before)
      expect(sh('node1', `rm ${inbox}/tmp && mv ${inbox}/tmp.away ${inbox}/tmp`).code).toBe(0)
    }
    const encrypting = mailops(['deploy', '-i', INVENTORY, '--json'])
    expect(encrypting.code, encrypting.stderr + encrypting.stdout.slice(-1500)).toBe(0)
    expect(encrypting.json().hosts[0].encrypt).toEqual({planned: resumed, encrypted: resumed, remaining: 0})
    expect(storeCounts()).toEqual({files: stored, encrypted: stored})
    expect(await imapDigests()).toEqual(before)
    // Names (UID, flags, S=) and mtimes (INTERNALDATE) kept; no copy or lock left behind.
    expect(mtimes()).toBe(stamps)
    expect(sh('node1', "find /var/mail/vhosts \\( -name 'mailops-encrypt.*' -o -name '.mailops-lock.*' -o -name dovecot-uidlist.lock \\) | wc -l").stdout).toBe('0\n')
    // The host's audit line says what was done; a re-run is one probe that finds nothing to do.
    expect(sh('node1', 'tail -n 1 /var/log/mailops/audit.jsonl').stdout).toContain(`"encrypted":${resumed},"remaining":0`)
    const settled = mailops(['deploy', '-i', INVENTORY, '--json'])
    expect(settled.json().hosts.map((h: {status: string; encrypt?: unknown}) => [h.status, h.encrypt])).toEqual([
      ['unchanged', undefined],
      ['unchanged', undefined],
    ])

    const verify = mailops(['verify', '-i', INVENTORY, '--skip', 'dns', '--json'])
    expect(verify.code, verify.stdout.slice(-2000)).toBe(0)
    // The host group reads systemd: enabled, active, no failed unit.
    const services = verify.json().nodes.map((n: {checks: Array<{id: string; message: string}>}) => n.checks.find((c) => c.id === 'host.services')!.message)
    expect(services).toEqual(['running: ssh, opendkim, dovecot, postfix, nftables, mailops-dane-policy, postfix-mta-sts-resolver (enabled; no failed units)', 'running: ssh, redis-server, rspamd, postfix, nginx, nftables, mailops-dane-policy, postfix-mta-sts-resolver (enabled; no failed units)'])

    // No plain message left: delivery.at-rest passes without a warning (its own canary and other probes may be stored while it counts).
    const atRestAll = verify.json().nodes[0].checks.find((c: {id: string}) => c.id === 'delivery.at-rest')
    expect(atRestAll).toMatchObject({status: 'pass', message: expect.stringMatching(/all \d+ stored messages are encrypted/)})

    // Mail at rest (issue 18): a canary through Postfix and LMTP is read over IMAP, and its body is
    // in no file on the core's disk; its Maildir file starts with mail_crypt's magic.
    const canary = `canary${randomBytes(8).toString('hex')}`
    expect(sh('node1', `printf 'Subject: at rest\\n\\n%s\\n' ${canary} | /usr/sbin/sendmail ${CORE.user}`).code).toBe(0)
    expect(await imapMessage(canary)).toContain(`\r\n\r\n${canary}\r\n`)
    expect(grepDisk(canary).stdout).toBe('')
    const magic = sh('node1', `for f in /var/mail/vhosts/*/demo/cur/* /var/mail/vhosts/*/demo/new/*; do [ -f "$f" ] && head -c 7 "$f" && echo; done | sort | uniq -c`)
    expect(magic.stdout.trim()).toMatch(/^\d+ CRYPTED$/)

    // Break: mail_crypt taken out of Dovecot by hand → exactly delivery.at-rest fails; deploy repairs.
    const unplug = release.os === 'debian12' ? 'sed -i "s/^mail_plugins = \\$mail_plugins mail_crypt$/#&/"' : 'sed -i "s/^  mail_crypt = yes$/  mail_crypt = no/"'
    expect(sh('node1', `${unplug} /etc/dovecot/dovecot.conf && doveconf -n | grep -cE 'mail_plugins = .*mail_crypt|mail_crypt = yes'; systemctl reload dovecot`).stdout).toBe('0\n')
    const broken = mailops(['verify', '-i', INVENTORY, '--skip', 'dns', '--json'])
    expect(broken.code).toBe(1)
    const failedIds = broken.json().nodes.flatMap((n: {checks: Array<{id: string; status: string}>}) => n.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip').map((c) => c.id))
    expect(failedIds).toEqual(['delivery.at-rest'])
    const repaired = mailops(['deploy', '-i', INVENTORY, '--json'])
    expect(repaired.code, repaired.stderr).toBe(0)
    expect(repaired.json().hosts[0].files.filter((f: {action: string}) => f.action !== 'unchanged').map((f: {path: string}) => f.path)).toEqual(['/etc/dovecot/dovecot.conf'])
    const atRest = mailops(['verify', '-i', INVENTORY, '--only', 'delivery.at-rest', '--json'])
    expect(atRest.code, atRest.stdout.slice(-2000)).toBe(0)
    expect(atRest.json().nodes[0].checks[0]).toMatchObject({id: 'delivery.at-rest', status: 'pass'})
  }, 900_000)

  it('fails with a clear error and no half-configured service when apt cannot reach the mirror (proxy stopped)', () => {
    up(1, 'debian12')
    const state = JSON.parse(readFileSync(`/var/lib/mailops/lab/${NAME}/lab.json`, 'utf8'))
    process.kill(state.proxy, 'SIGKILL')
    const result = mailops(['deploy', '-i', INVENTORY, '--json'])
    expect(result.code).toBe(1)
    const host = result.json().hosts[0]
    expect(host.status).toBe('failed')
    expect(host.error.code).toBe('INSTALL_FAILED')
    expect(host.error.message).toContain('node1: installing the Debian packages failed, so no file was written and no service started')
    expect(host.error.message).toMatch(/apt-proxy|198\.18\.45\.1|Could not connect|Unable to (locate|fetch)/)
    expect(postfixState('node1')).toBe('0\ninactive\nno-main.cf\nno-policy\n')
  }, 400_000)

  it('refuses a release the blueprints do not render for, before anything changes, naming the supported ones', () => {
    up(1, 'debian13')
    // A release no blueprint renders for, as the host's os-release says (the probe reads nothing else).
    expect(sh('node1', 'cp --remove-destination /usr/lib/os-release /etc/os-release && sed -i "s/^VERSION_ID=.*/VERSION_ID=\\"11\\"/" /etc/os-release').code).toBe(0)
    const result = mailops(['deploy', '-i', INVENTORY, '--json'])
    expect(result.code).toBe(1)
    const host = result.json().hosts[0]
    expect(host.error).toMatchObject({code: 'UNSUPPORTED_OS', message: expect.stringContaining('runs debian 11, which the blueprints do not render for (supported: debian 12, debian 13)')})
    expect(sh('node1', 'test -e /var/lib/mailops && echo state || echo no-state; dpkg-query -W postfix 2>&1 | grep -c "no packages found"').stdout).toBe("no-state\n1\n")
  }, 400_000)
})
