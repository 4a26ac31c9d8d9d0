import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {authenticate} from 'mailauth'
import {SMTPServer} from 'smtp-server'
import {parse, stringify} from 'yaml'

import {DnsReport} from '../../src/config/schemas/reports.js'
import {publishToLab} from '../../src/lab/dns.js'
import {readState} from '../../src/lab/state.js'
import {GTUBE} from '../../src/verify/filter.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'
import {selfSignedCertificate} from '../helpers/smtp-peer.js'

// One core and two edges of a lab of their own, deployed by mailops with the bundled blueprints
// from the inventory `lab up` wrote (its CA, certificate, DKIM key and demo mailbox), and an
// "internet recipient" (smtp-server) on the lab bridge that the core relays outbound mail to.
const LAB = {name: 'mailtest', subnet: '198.18.7.0/24'}
const DOMAIN = `${LAB.name}.mailops.test`
const [CORE, EDGE1, EDGE2] = ['198.18.7.11', '198.18.7.12', '198.18.7.13']
const PEER = {address: '198.18.7.1', port: 2525}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const CA_FILE = `${labDir}/ca.pem`

let inventory: string
let password: string
let dkimPublic: string
const received: Array<{from: string; to: string[]; raw: string}> = []
let peer: SMTPServer

const swaks = (...args: string[]) => spawnSync('swaks', ['--timeout', '10', '--helo', 'client.peer.test', ...args], {encoding: 'utf8'})
const curl = (...args: string[]) => spawnSync('curl', ['-s', '--max-time', '10', '--cacert', CA_FILE, ...args], {encoding: 'utf8'})
const deploy = () => mailops(['deploy', '-i', inventory, '--json', '--audit-dir', `${labDir}/audit`])

beforeAll(async () => {
  // Light hosts: this file is about the mail itself (relay, DKIM, retention, bounces); the same
  // blueprints are deployed and their mail delivered on booted bare Debian hosts by verify.test.ts
  // and provision.test.ts, and a third booted lab would add its package install to CI.
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const lab = parse(readFileSync(`${labDir}/inventory.yaml`, 'utf8'))
  lab.vars.relayhost = `[${PEER.address}]:${PEER.port}`
  inventory = `${labDir}/inventory-relay.yaml`
  writeFileSync(inventory, stringify(lab))
  password = parse(readFileSync(`${labDir}/secrets.yaml`, 'utf8')).verify_password
  dkimPublic = spawnSync('openssl', ['rsa', '-in', `${labDir}/dkim.key`, '-pubout', '-outform', 'DER'], {encoding: 'buffer'}).stdout.toString('base64')
  peer = new SMTPServer({
    ...selfSignedCertificate(),
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8')})
        done()
      })
    },
  })
  await new Promise<void>((resolve) => peer.listen(PEER.port, PEER.address, resolve))
})

afterAll(async () => {
  await new Promise<void>((resolve) => (peer ? peer.close(() => resolve()) : resolve()))
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('edge and core nodes deployed from the bundled blueprints', () => {
  it('deploys 1 core + 2 edges, starting Postfix, Dovecot and OpenDKIM on the core, Redis, rspamd and Postfix on the edges', () => {
    // rspamd's first start (its Hyperscan cache) on both edges: more than the default minute under CI load.
    const result = deploy()
    expect(result.code, result.stderr + result.stdout).toBe(0)
    const hosts = result.json().hosts
    expect(hosts.map((h: {host: string; status: string}) => [h.host, h.status])).toEqual([
      ['node1', 'changed'],
      ['node2', 'changed'],
      ['node3', 'changed'],
    ])
    expect(hosts[0].restarted.sort()).toEqual(['dovecot', 'mailops-dane-policy', 'opendkim', 'postfix', 'postfix-mta-sts-resolver', 'ssh'])
    expect(hosts[1].restarted.sort()).toEqual(['mailops-dane-policy', 'nginx', 'postfix', 'postfix-mta-sts-resolver', 'redis-server', 'rspamd', 'ssh'])
  }, 180_000)

  it('delivers mail sent to an edge for a core user, readable over IMAP and POP3 (TLS)', async () => {
    const sent = swaks('--server', EDGE1, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--header', 'Subject: through the edge', '--body', 'hello from apac')
    expect(sent.status, sent.stdout).toBe(0)
    let imap = ''
    for (let i = 0; i < 50 && !imap.includes('hello from apac'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      imap = curl(`imaps://${CORE}/INBOX;UID=1`, '-u', `demo@${DOMAIN}:${password}`).stdout
    }
    expect(imap).toContain('Subject: through the edge')
    expect(imap).toContain('hello from apac')
    expect(curl(`pop3s://${CORE}/1`, '-u', `demo@${DOMAIN}:${password}`).stdout).toContain('hello from apac')
    // IMAP on 143 logs in only after STARTTLS.
    expect(curl(`imap://${CORE}/INBOX`, '-u', `demo@${DOMAIN}:${password}`).status).not.toBe(0)
    expect(curl('--ssl-reqd', `imap://${CORE}/INBOX`, '-u', `demo@${DOMAIN}:${password}`, '-X', 'EXAMINE INBOX').stdout).toContain('Read-only mailbox')
  })

  it('sends outbound mail submitted on 587 (AUTH after STARTTLS) with a DKIM signature that verifies', async () => {
    const plain = swaks('--server', CORE, '--port', '587', '--quit-after', 'EHLO')
    expect(plain.stdout).toContain('250-STARTTLS')
    expect(plain.stdout).not.toMatch(/250[- ]AUTH/)
    const sent = swaks('--server', CORE, '--port', '587', '--tls', '--auth', 'PLAIN', '--auth-user', `demo@${DOMAIN}`, '--auth-password', password, '--from', `demo@${DOMAIN}`, '--to', 'partner@peer.test', '--header', 'Subject: signed', '--body', 'outbound')
    expect(sent.status, sent.stdout).toBe(0)
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
    const message = received.find((m) => m.to.includes('partner@peer.test'))!
    expect(message.raw).toMatch(/^DKIM-Signature:[\s\S]*?\bd=mailtest\.mailops\.test;/m)
    const selector = `mail._domainkey.${DOMAIN}`
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === selector) return [[`v=DKIM1; k=rsa; p=${dkimPublic}`]]
      throw Object.assign(new Error(`no ${type} for ${name}`), {code: 'ENOTFOUND'})
    }
    const {dkim} = await authenticate(message.raw, {ip: CORE, helo: `node1.${DOMAIN}`, sender: `demo@${DOMAIN}`, resolver, trustReceived: false} as never)
    expect(dkim.results[0].status.result).toBe('pass')
    expect(dkim.results[0].signingDomain).toBe(DOMAIN)
  })

  it('lets a logged-in user send only as the addresses it owns, on 587 and 465', () => {
    const login = ['--auth', 'PLAIN', '--auth-user', `demo@${DOMAIN}`, '--auth-password', password, '--to', `demo@${DOMAIN}`, '--quit-after', 'RCPT']
    for (const port of [['--port', '587', '--tls'], ['--port', '465', '--tls-on-connect']]) {
      expect(swaks('--server', CORE, ...port, ...login, '--from', `demo@${DOMAIN}`).status, port.join(' ')).toBe(0)
      // postmaster@ and abuse@ are aliases of demo (vars.postmaster_to): demo owns them.
      expect(swaks('--server', CORE, ...port, ...login, '--from', `abuse@${DOMAIN}`).status, port.join(' ')).toBe(0)
      for (const forged of [`ceo@${DOMAIN}`, 'someone@peer.test']) {
        const refused = swaks('--server', CORE, ...port, ...login, '--from', forged)
        expect(refused.stdout, `${port.join(' ')} ${forged}`).toMatch(new RegExp(`<[*~]\\* 553 5\\.7\\.1 <${forged.replaceAll('.', '\\.')}>: Sender address rejected: not owned by user demo@`))
      }
    }
  })

  it('serves a TLS key of its own on every node: one stolen key impersonates one node, not all', () => {
    const publicKey = (node: string) => {
      const served = spawnSync('openssl', ['s_client', '-starttls', 'smtp', '-connect', `${node}:25`], {input: '', encoding: 'utf8', timeout: 20_000})
      const key = spawnSync('openssl', ['x509', '-noout', '-pubkey'], {input: served.stdout, encoding: 'utf8'}).stdout
      expect(key, `${node}: ${served.stderr}`).toContain('BEGIN PUBLIC KEY')
      return key
    }
    expect(new Set([CORE, EDGE1, EDGE2].map(publicKey)).size).toBe(3)
  })

  it("refuses mail on the core's port 25 from a client that is not an edge; the edges' mail gets through", () => {
    // This machine is not an edge: the core refuses even its real mailboxes (the edge→core delivery is the case above).
    for (const rcpt of [`demo@${DOMAIN}`, `postmaster@${DOMAIN}`]) {
      expect(swaks('--server', CORE, '--to', rcpt, '--from', 'bob@peer.test', '--quit-after', 'RCPT').stdout, rcpt).toMatch(/<\*\* 554 5\.7\.1 .*Client host rejected: Access denied/)
    }
  })

  it('refuses system accounts and address literals at every edge (the core refuses any client but the edges); postmaster@ and abuse@ reach their mailbox', async () => {
    for (const node of [EDGE1, EDGE2]) {
      for (const rcpt of ['root@localhost', `root@[${node}]`, `postmaster@[${node}]`]) {
        expect(swaks('--server', node, '--to', rcpt, '--from', 'bob@peer.test', '--quit-after', 'RCPT').stdout, `${node} ${rcpt}`).toMatch(/<\*\* 550 5\.1\.1 .*Recipient address rejected/)
      }
    }
    for (const [i, rcpt] of [`postmaster@${DOMAIN}`, `abuse@${DOMAIN}`, 'postmaster'].entries()) {
      const subject = `role-${i}-${Date.now()}`
      expect(swaks('--server', EDGE1, '--to', rcpt, '--from', 'bob@peer.test', '--header', `Subject: ${subject}`).status, rcpt).toBe(0)
      let found = ''
      for (let t = 0; t < 50 && !/^\* SEARCH \d/m.test(found); t++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        found = curl(`imaps://${CORE}/INBOX?SUBJECT%20${subject}`, '-u', `demo@${DOMAIN}:${password}`).stdout
      }
      expect(found, `${rcpt} in the postmaster_to mailbox`).toMatch(/^\* SEARCH \d/m)
    }
  })

  it('does not offer SMTPUTF8 (Dovecot LMTP cannot take it), and delivers UTF-8 headers sent without it (rspamd files such raw 8-bit headers into Junk)', async () => {
    for (const node of [CORE, EDGE1, EDGE2]) expect(swaks('--server', node, '--quit-after', 'EHLO').stdout, node).not.toMatch(/250[- ]SMTPUTF8/)
    const subject = `utf8-${Date.now()}`
    const sent = swaks('--server', EDGE2, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--header', `Subject: ${subject} Grüße`, '--body', 'Grüße, 你好')
    expect(sent.status, sent.stdout).toBe(0)
    let found = ''
    for (let t = 0; t < 50 && !/^\* SEARCH \d/m.test(found); t++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      // Delivered, not bounced: an unencoded 8-bit Subject is malformed mail, which the edge marks as spam.
      found = ['INBOX', 'Junk'].map((mailbox) => curl(`imaps://${CORE}/${mailbox}?SUBJECT%20${subject}`, '-u', `demo@${DOMAIN}:${password}`).stdout).join('')
    }
    expect(found).toMatch(/^\* SEARCH \d/m)
  })

  it("advertises on the edges a size limit 64 KiB below the core's, and refuses a larger message up front", () => {
    const size = (node: string) => Number(/250[- ]SIZE (\d+)/.exec(swaks('--server', node, '--quit-after', 'EHLO').stdout)?.[1])
    const core = size(CORE)
    for (const edge of [EDGE1, EDGE2]) expect(core - size(edge), edge).toBeGreaterThanOrEqual(65_536)
    const file = `${labDir}/body-over-limit.txt`
    writeFileSync(file, `${'x'.repeat(998)}\r\n`.repeat(Math.ceil(size(EDGE1) / 1000)))
    const over = swaks('--server', EDGE1, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--suppress-data', '--body', `@${file}`)
    expect(over.stdout.slice(-2000)).toMatch(/<\*\* 552 5\.3\.4 /)
  })

  it('refuses unauthenticated relaying to a foreign domain at every node, and unknown users at the edge', () => {
    for (const node of [CORE, EDGE1, EDGE2]) {
      const relay = swaks('--server', node, '--to', 'victim@elsewhere.example', '--from', 'spammer@peer.test')
      expect(relay.stdout, node).toMatch(node === CORE ? /<\*\* 554 5\.7\.1 .*Client host rejected/ : /<\*\* 554 5\.7\.1 .*Relay access denied/)
    }
    expect(swaks('--server', EDGE2, '--to', `nobody@${DOMAIN}`, '--from', 'bob@peer.test').stdout).toMatch(/550 5\.1\.1 .*User unknown in relay recipient table/)
  })

  describe("inbound filtering on the edges (rspamd, through the lab's DNS); spam to Junk on the core (Sieve)", () => {
    // Two more senders' policies in the lab zone, as other domains would publish them.
    beforeAll(async () => {
      const printed = mailops(['dns', '-i', inventory, '--json', '--apply'])
      expect(printed.code, printed.stderr).toBe(0)
      await publishToLab(readState(LAB.name)!, [
        ...printed.json().records,
        {name: `_dmarc.partner.${DOMAIN}.`, type: 'TXT', value: 'v=DMARC1; p=quarantine'},
        {name: `_dmarc.strict.${DOMAIN}.`, type: 'TXT', value: 'v=DMARC1; p=reject'},
      ])
    })
    const imapHeaders = async (mailbox: string, subject: string) => {
      for (let i = 0; i < 50; i++) {
        const found = curl(`imaps://${CORE}/${mailbox}`, '-u', `demo@${DOMAIN}:${password}`, '-X', `SEARCH SUBJECT "${subject}"`).stdout
        const uid = /^\* SEARCH (\d+)/m.exec(found)?.[1]
        if (uid) return curl(`imaps://${CORE}/${mailbox};MAILINDEX=${uid};SECTION=HEADER`, '-u', `demo@${DOMAIN}:${password}`).stdout
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return ''
    }

    it('refuses mail from outside forging the own domain, as envelope sender and as From: header', () => {
      for (const edge of [EDGE1, EDGE2]) {
        const envelope = swaks('--server', edge, '--to', `demo@${DOMAIN}`, '--from', `ceo@${DOMAIN}`)
        expect(envelope.stdout, edge).toMatch(new RegExp(`<\\*\\* 554 5\\.7\\.1 <ceo@${DOMAIN.replaceAll('.', '\\.')}>: Sender address rejected: Mail from outside cannot be sent as `))
        const header = swaks('--server', edge, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--h-From', `<ceo@${DOMAIN}>`, '--header', 'Subject: phishing')
        expect(header.stdout, edge).toContain('<** 554 5.7.1 Mail from outside cannot claim a From: address in the own domain')
      }
    })

    it('refuses GTUBE at the end of DATA', () => {
      const gtube = swaks('--server', EDGE1, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--header', 'Subject: gtube', '--body', GTUBE)
      expect(gtube.stdout).toMatch(/ -> \.\r?\n<\*\* 554 5\.7\.1 Gtube pattern/)
    })

    it("enforces the sender's DMARC policy: p=reject refused, p=quarantine filed into Junk, each with the edge's Authentication-Results", async () => {
      const strict = swaks('--server', EDGE2, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--h-From', `<news@strict.${DOMAIN}>`, '--header', 'Subject: strict policy')
      expect(strict.stdout).toMatch(/<\*\* 554 5\.7\.1 /)
      const quarantined = swaks('--server', EDGE2, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--h-From', `<news@partner.${DOMAIN}>`, '--header', 'Subject: quarantine policy')
      expect(quarantined.status, quarantined.stdout).toBe(0)
      const junk = await imapHeaders('Junk', 'quarantine policy')
      expect(junk).toMatch(/^X-Spam: Yes\r?$/m)
      expect(junk).toMatch(new RegExp(`^Authentication-Results: node3\\.${DOMAIN.replaceAll('.', '\\.')};[\\s\\S]*?dmarc=fail [^\\r\\n]*header\\.from=partner\\.${DOMAIN.replaceAll('.', '\\.')} \\(policy=quarantine\\)`, 'm'))
      expect(await imapHeaders('INBOX', 'quarantine policy')).toBe('')
    })

    it("adds the edge's own Authentication-Results to delivered mail and drops one a sender wrote in its name", async () => {
      const sent = swaks('--server', EDGE1, '--to', `demo@${DOMAIN}`, '--from', 'bob@peer.test', '--header', 'Subject: results', '--add-header', `Authentication-Results: node2.${DOMAIN}; dmarc=pass (forged)`)
      expect(sent.status, sent.stdout).toBe(0)
      const headers = await imapHeaders('INBOX', 'results')
      expect(headers.match(/^Authentication-Results:/gm)).toHaveLength(1)
      const results = /^Authentication-Results: ([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/m.exec(headers)![1].replaceAll(/\s+/g, ' ')
      expect(results.startsWith(`node2.${DOMAIN};`), results).toBe(true)
      for (const method of ['spf=none', 'dkim=none', 'dmarc=none']) expect(results).toContain(method)
      expect(headers).not.toContain('(forged)')
    })
  })

  it('prints the DNS records, with the DKIM key read back from the core', () => {
    const result = mailops(['dns', '-i', inventory, '--json'])
    expect(result.code, result.stderr).toBe(0)
    expectValid(DnsReport, result.json())
    const {records, zone} = result.json()
    expect(records.find((r: {comment?: string}) => r.comment === 'DKIM').value).toBe(`v=DKIM1; k=rsa; p=${dkimPublic}`)
    expect(records.filter((r: {type: string}) => r.type === 'MX').map((r: {value: string}) => r.value)).toEqual([`node2.${DOMAIN}.`, `node3.${DOMAIN}.`])
    expect(zone).toContain(`${DOMAIN}.\t3600\tIN\tTXT\t"v=spf1 ip4:${CORE} -all"`)
  })

  it('changes and restarts nothing on a re-run', () => {
    const again = deploy()
    expect(again.code).toBe(0)
    expect(again.json().hosts.map((h: {status: string; restarted: string[]}) => [h.status, h.restarted.length])).toEqual([
      ['unchanged', 0],
      ['unchanged', 0],
      ['unchanged', 0],
    ])
  })
})
