import {execFileSync} from 'node:child_process'
import {createHash, X509Certificate} from 'node:crypto'
import {createServer as createHttpsServer} from 'node:https'
import {createSecureContext} from 'node:tls'
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'
import {SMTPServer} from 'smtp-server'

import type {DnsRecord} from '../../src/dns/records.js'
import {LAB_NSD_PORT, publishToLab} from '../../src/lab/dns.js'
import {readState} from '../../src/lab/state.js'
import {secureQuery} from '../../src/verify/dnssec.js'
import {mailops} from '../helpers/cli.js'
import {startKnot} from '../helpers/knot.js'
import {selfSignedCertificate} from '../helpers/smtp-peer.js'

// A lab of its own on light hosts (the subject is the DNS and what the edges serve on port 25,
// not provisioning): deployed by mailops, its records published with `mailops dns --apply` into
// the lab's signed zones, checked through the lab's validating Unbound on the bridge.
const LAB = {name: 'h32b', subnet: '198.18.62.0/24'}
const GATEWAY = '198.18.62.1'
const DOMAIN = `${LAB.name}.mailops.test`
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory.yaml`
const signedZone = `${labDir}/dns/forward.zone.signed`

type Check = {id: string; status: string; message: string; evidence?: string}
type Node = {name: string; checks: Check[]}

let records: DnsRecord[]

const verify = (...args: string[]) => mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--json', ...args])
const failed = (report: {nodes: Node[]}) => report.nodes.flatMap((n) => n.checks.filter((c) => c.status !== 'pass').map((c) => ({node: n.name, id: c.id, message: c.message})))
const statusOf = (report: {nodes: Node[]}, node: string, id: string) => report.nodes.find((n) => n.name === node)!.checks.find((c) => c.id === id)?.status
const serve = (served: DnsRecord[]) => publishToLab(readState(LAB.name)!, served)
const sh = (script: string) => execFileSync('sh', ['-c', script], {encoding: 'utf8'}).trim()
/** The TLSA 3 1 1 data of a certificate or public key file, by openssl alone (not mailops' code). */
const opensslDigest = (file: string, isPublicKey = false) =>
  sh(`${isPublicKey ? `openssl pkey -pubin -in ${file}` : `openssl x509 -in ${file} -pubkey -noout | openssl pkey -pubin`} -outform DER | sha256sum | cut -d' ' -f1`)
const spec = () => readState(LAB.name)!.spec
/** A command on the core (node1), which must succeed: its output. */
const onCore = (script: string) => {
  const result = mailops(['lab', 'ssh', '--name', LAB.name, 'node1', '--', script])
  expect(result.code, result.stderr).toBe(0)
  return result.stdout
}
const tlsaOf = (served: DnsRecord[], node: string) => served.filter((r) => r.type === 'TLSA' && r.name === `_25._tcp.${node}.${DOMAIN}.`).map((r) => r.value)

beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const deployed = mailops(['deploy', '-i', inventory, '--json'])
  if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stderr}${deployed.stdout.slice(0, 3000)}`)
  const printed = mailops(['dns', '-i', inventory, '--json', '--apply'])
  if (printed.code !== 0) throw new Error(`dns --apply failed: ${printed.stderr}`)
  records = printed.json().records
}, 300_000)

// Each break is undone after its test, passed or not, so that one failure does not cascade.
let repair: (() => unknown) | undefined
afterEach(async () => {
  const undo = repair
  repair = undefined
  await undo?.()
})

afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe("the lab's zones are DNSSEC-signed and its resolver validates", () => {
  it('answers the domain, the MX names and the reverse zone with the AD bit; NSD serves RRSIGs and the zone key', async () => {
    for (const [name, type] of [[DOMAIN, 'SOA'], [`node2.${DOMAIN}`, 'A'], ['12.62.18.198.in-addr.arpa', 'PTR']] as const) {
      const answer = await secureQuery(GATEWAY, name, type, {timeoutMs: 2000})
      expect(answer, `${name} ${type}`).toMatchObject({rcode: 'NOERROR', authentic: true})
      expect(answer.answers.map((a) => a.type)).toEqual(expect.arrayContaining([type, 'RRSIG']))
    }
    const key = await secureQuery(`${GATEWAY}:${LAB_NSD_PORT}`, DOMAIN, 'DNSKEY', {timeoutMs: 2000})
    // An authoritative answer carries no AD: only the validating resolver sets it.
    expect(key.authentic).toBe(false)
    expect(key.answers.filter((a) => a.type === 'DNSKEY')).toHaveLength(1)
  })
})

describe('DANE: mailops dns publishes TLSA records, verify checks them with DNSSEC', () => {
  it("publishes TLSA 3 1 1 for every MX, the SHA-256 of its deployed certificate's public key", () => {
    for (const node of ['node2', 'node3']) expect(tlsaOf(records, node)).toEqual([`3 1 1 ${opensslDigest(`${labDir}/tls-${node}.pem`)}`])
    expect(records.filter((r) => r.type === 'TLSA')).toHaveLength(2)
  })

  it('passes dns with DNSSEC for the domain and its MX names and DANE on each MX', () => {
    const result = verify('--only', 'dns')
    expect(result.code, result.stdout.slice(0, 3000)).toBe(0)
    const report = result.json()
    expect(failed(report)).toEqual([])
    expect(statusOf(report, DOMAIN, 'dns.dnssec')).toBe('pass')
    for (const node of ['node2', 'node3']) expect(statusOf(report, node, 'dns.dane')).toBe('pass')
  })

  it("fails exactly dns.dane of the MX whose TLSA is an old key's digest", async () => {
    const old = sh(`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 2>/dev/null | openssl pkey -pubout -outform DER | sha256sum | cut -d' ' -f1`)
    repair = () => serve(records)
    await serve(records.map((r) => (r.type === 'TLSA' && r.name.startsWith('_25._tcp.node3.') ? {...r, value: `3 1 1 ${old}`} : r)))
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([{node: 'node3', id: 'dns.dane', message: `no TLSA record at _25._tcp.node3.${DOMAIN} matches the certificate port 25 serves`}])
  })

  it('fails exactly dns.dnssec when a signature is broken (the RRSIG over the SOA corrupted after signing)', async () => {
    repair = () => serve(records)
    const zone = readFileSync(signedZone, 'utf8')
    const line = zone.split('\n').find((l) => /^\S+\s+\d+\s+IN\s+RRSIG\s+SOA\s/.test(l))!
    // Two base64 characters of the signature swapped: the same length, the same key tag, a signature of nothing.
    const signature = line.split(/\s+/).at(-1)!
    const broken = `${signature[1]}${signature[0]}${signature.slice(2)}`
    expect(broken).not.toBe(signature)
    writeFileSync(signedZone, zone.replace(line, line.replace(signature, broken)))
    process.kill(readState(LAB.name)!.dns!.nsd!, 'SIGHUP')
    // NSD serves the edited file once it has reread it.
    for (let i = 0; i < 100; i++) {
      const soa = await secureQuery(`${GATEWAY}:${LAB_NSD_PORT}`, DOMAIN, 'SOA', {timeoutMs: 1000})
      const rrsig = soa.answers.find((a) => a.type === 'RRSIG') as {data: {signature: Buffer}} | undefined
      if (rrsig?.data.signature.toString('base64') === broken) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    const problems = failed(result.json())
    expect(problems).toEqual([{node: DOMAIN, id: 'dns.dnssec', message: expect.stringContaining(`${DOMAIN} SOA: SERVFAIL`)}])
    expect(problems[0].message).toContain('the signatures do not validate (bogus)')
  })

  it('rolls the key over without a gap: the next key is published first, then deployed, and dns.dane passes at every step', async () => {
    // The next key and its certificate, from the lab's CA, as an operator would prepare them.
    const next = (ext: string) => `${labDir}/tls-node2-next.${ext}`
    sh(`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out ${next('key')} && openssl pkey -in ${next('key')} -pubout -out ${next('pub')}`)
    sh(`openssl req -new -key ${next('key')} -subj /CN=node2.${DOMAIN} -out ${next('csr')} && openssl x509 -req -in ${next('csr')} -CA ${labDir}/ca.pem -CAkey ${labDir}/ca.key -set_serial 0x$(openssl rand -hex 16) -days 30 -extfile ${labDir}/tls-node2.ext -out ${next('pem')} 2>/dev/null`)
    const original = parse(readFileSync(inventory, 'utf8'))
    const secrets = readFileSync(`${labDir}/secrets.yaml`, 'utf8')
    const rotating = `${labDir}/inventory-rotating.yaml`
    repair = async () => {
      const back = mailops(['deploy', '-i', inventory, '--hosts', 'node2', '--json'])
      expect(back.code, back.stderr).toBe(0)
      await serve(records)
    }
    const node2 = (vars: Record<string, unknown>) => ({...original, hosts: original.hosts.map((h: {name: string; vars?: object}) => (h.name === 'node2' ? {...h, vars: {...h.vars, ...vars}} : h))})

    // 1. The next key's record beside the current one, before anything changes on the edge.
    writeFileSync(rotating, stringify(node2({tls_next_public_key: readFileSync(next('pub'), 'utf8')})))
    const announced = mailops(['dns', '-i', rotating, '--json', '--apply'])
    expect(announced.code, announced.stderr).toBe(0)
    const both = [`3 1 1 ${opensslDigest(`${labDir}/tls-node2.pem`)}`, `3 1 1 ${opensslDigest(next('pub'), true)}`]
    expect(tlsaOf(announced.json().records, 'node2')).toEqual(both)
    expect(statusOf(verify('--only', 'dns.dane').json(), 'node2', 'dns.dane')).toBe('pass')

    // 2. The new certificate deployed (its key as node2's secret): the record published in step 1 matches it.
    const rotatedSecrets = `${labDir}/secrets-rotating.yaml`
    const parsedSecrets = parse(secrets)
    writeFileSync(rotatedSecrets, stringify({...parsedSecrets, 'node2/tls_key': readFileSync(next('key'), 'utf8')}), {mode: 0o600})
    chmodSync(rotatedSecrets, 0o600)
    const deployedNext = {...node2({tls_cert: `${readFileSync(next('pem'), 'utf8')}${readFileSync(`${labDir}/ca.pem`, 'utf8')}`, tls_next_public_key: readFileSync(next('pub'), 'utf8')}), secretsFile: 'secrets-rotating.yaml'}
    writeFileSync(rotating, stringify(deployedNext))
    const rolled = mailops(['deploy', '-i', rotating, '--hosts', 'node2', '--json'])
    expect(rolled.code, rolled.stderr).toBe(0)
    const after = verify('--only', 'dns.dane').json()
    expect(statusOf(after, 'node2', 'dns.dane')).toBe('pass')
    expect(after.nodes.find((n: Node) => n.name === 'node2').checks[0].evidence).toContain(`served key SPKI SHA-256 ${opensslDigest(next('pub'), true)}`)

    // 3. The old record withdrawn: the new key alone, still matching.
    const settled = {...deployedNext, hosts: deployedNext.hosts.map((h: {name: string; vars: Record<string, unknown>}) => (h.name === 'node2' ? {...h, vars: {...h.vars, tls_next_public_key: ''}} : h))}
    writeFileSync(rotating, stringify(settled))
    const withdrawn = mailops(['dns', '-i', rotating, '--json', '--apply'])
    expect(withdrawn.code, withdrawn.stderr).toBe(0)
    expect(tlsaOf(withdrawn.json().records, 'node2')).toEqual([both[1]])
    expect(statusOf(verify('--only', 'dns.dane').json(), 'node2', 'dns.dane')).toBe('pass')
  }, 240_000)
})

describe('outbound DANE (RFC 7672): the core sends over verified TLS to an MX whose TLSA matches, and not at all to one whose TLSA does not', () => {
  it('delivers to the peer with a matching TLSA over TLS, and defers the mail for the peer whose TLSA names another key', async () => {
    // Two peer domains in the lab zone, their MX hosts both the bridge address where this test
    // listens; each MX has a TLSA, one of the key it serves, one of an old key.
    const peer = selfSignedCertificate(`peer-ok.${DOMAIN}`)
    const served = new X509Certificate(peer.cert).publicKey.export({type: 'spki', format: 'der'})
    const digest = createHash('sha256').update(served).digest('hex')
    const old = createHash('sha256').update(new X509Certificate(selfSignedCertificate().cert).publicKey.export({type: 'spki', format: 'der'})).digest('hex')
    const received: Array<{to: string[]; secure: boolean}> = []
    const server = new SMTPServer({
      ...peer,
      authOptional: true,
      logger: false,
      disableReverseLookup: true,
      onData: (stream, session, done) => stream.resume().on('end', () => {
        received.push({to: session.envelope.rcptTo.map((r) => r.address), secure: session.secure})
        done()
      }),
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(25, GATEWAY, resolve)
    })
    const peers = (name: string, tlsa: string): DnsRecord[] => [
      {name: `${name}.${DOMAIN}.`, type: 'MX', priority: 10, value: `mx.${name}.${DOMAIN}.`},
      {name: `mx.${name}.${DOMAIN}.`, type: 'A', value: GATEWAY},
      {name: `_25._tcp.mx.${name}.${DOMAIN}.`, type: 'TLSA', value: `3 1 1 ${tlsa}`},
    ]
    repair = async () => {
      onCore('postsuper -d ALL >/dev/null 2>&1 || true')
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await serve(records)
    }
    await serve([...records, ...peers('dane-ok', digest), ...peers('dane-bad', old)])
    for (const to of [`alice@dane-ok.${DOMAIN}`, `bob@dane-bad.${DOMAIN}`]) onCore(`printf 'Subject: dane\\n\\nto ${to}\\n' | /usr/sbin/sendmail -f demo@${DOMAIN} ${to}`)
    const deadline = Date.now() + 60_000
    let log = ''
    while (Date.now() < deadline) {
      log = onCore('cat /var/log/postfix.log')
      if (received.length > 0 && /to=<bob@dane-bad[^>]*>.*status=deferred/.test(log)) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(received, log.split('\n').slice(-20).join('\n')).toEqual([{to: [`alice@dane-ok.${DOMAIN}`], secure: true}])
    expect(log).toMatch(new RegExp(`Verified TLS connection established to mx\\.dane-ok\\.${DOMAIN.replaceAll('.', '\\.')}`))
    expect(log).toMatch(/to=<bob@dane-bad[^>]*>.*status=deferred \(Server certificate not verified\)/)
    expect(onCore('postqueue -p')).toContain(`bob@dane-bad.${DOMAIN}`)

    // route targets reads these deliveries back from the core's log: both domains, each with the MX it reached.
    const targets = mailops(['route', 'targets', '-i', inventory, '--json'])
    expect(targets.code, targets.stderr).toBe(0)
    expect(targets.json().targets).toEqual(
      expect.arrayContaining([
        {id: `dane-ok.${DOMAIN}`, host: `mx.dane-ok.${DOMAIN}`, port: 25, probe: 'smtp'},
        {id: `dane-bad.${DOMAIN}`, host: `mx.dane-bad.${DOMAIN}`, port: 25, probe: 'smtp'},
        {id: 'node2', host: spec().hosts[1].address, port: 25, probe: 'smtp'},
      ]),
    )
  }, 120_000)
})

describe("outbound MTA-STS (RFC 8461), with DANE first: the core honours other domains' policies", () => {
  it('delivers over verified TLS where the policy and the certificate agree, defers where the certificate fails the policy, and lets DANE win over a policy naming another MX', async () => {
    // A certificate from the lab's CA (vars.tls_ca_cert: the core trusts it beside the system's) for the policy host and one MX.
    // EC like the peer's own: smtp-server's SNI keeps serving its default certificate when the chosen context holds an RSA one.
    const issue = (name: string, sans: string[]) => {
      const file = (ext: string) => `${labDir}/sts-${name}.${ext}`
      writeFileSync(file('ext'), `subjectAltName=${sans.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`)
      sh(`openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=${sans[0]} -keyout ${file('key')} -out ${file('csr')} 2>/dev/null && openssl x509 -req -in ${file('csr')} -CA ${labDir}/ca.pem -CAkey ${labDir}/ca.key -set_serial 0x$(openssl rand -hex 16) -days 2 -extfile ${file('ext')} -out ${file('pem')} 2>/dev/null`)
      return {key: readFileSync(file('key')), cert: readFileSync(file('pem'))}
    }
    const mx = (name: string) => `mx.${name}.${DOMAIN}`
    const trusted = issue('mx', [mx('sts-ok')])
    const web = issue('web', ['sts-ok', 'sts-bad', 'sts-dane'].map((n) => `mta-sts.${n}.${DOMAIN}`))
    // Every other name gets a self-signed certificate: no CA vouches for it, only a TLSA record can.
    const own = selfSignedCertificate(mx('sts-dane'))
    const digest = createHash('sha256').update(new X509Certificate(own.cert).publicKey.export({type: 'spki', format: 'der'})).digest('hex')
    const received: Array<{to: string; secure: boolean}> = []
    const sni: string[] = []
    const server = new SMTPServer({
      ...own,
      SNICallback: (servername, done) => {
        sni.push(servername)
        done(null, createSecureContext(servername === mx('sts-ok') ? trusted : own))
      },
      authOptional: true,
      logger: false,
      disableReverseLookup: true,
      onData: (stream, session, done) => stream.resume().on('end', () => {
        for (const r of session.envelope.rcptTo) received.push({to: r.address, secure: session.secure})
        done()
      }),
    })
    const policies: Record<string, string> = {
      'sts-ok': mx('sts-ok'),
      'sts-bad': mx('sts-bad'),
      // A policy naming another MX: enforced alone it would hold the mail; DANE must win (RFC 8461 §2).
      'sts-dane': `mx.elsewhere.${DOMAIN}`,
    }
    const fetched: string[] = []
    const https = createHttpsServer(web, (request, response) => {
      const name = /^mta-sts\.([a-z-]+)\./.exec(request.headers.host ?? '')?.[1] ?? ''
      fetched.push(`${request.headers.host}${request.url}`)
      if (request.url !== '/.well-known/mta-sts.txt' || !policies[name]) return void response.writeHead(404).end()
      response.writeHead(200, {'content-type': 'text/plain'}).end(`version: STSv1\r\nmode: enforce\r\nmx: ${policies[name]}\r\nmax_age: 86400\r\n`)
    })
    await Promise.all([
      new Promise<void>((resolve, reject) => server.once('error', reject).listen(25, GATEWAY, resolve)),
      new Promise<void>((resolve, reject) => https.once('error', reject).listen(443, GATEWAY, resolve)),
    ])
    repair = async () => {
      onCore('postsuper -d ALL >/dev/null 2>&1 || true')
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => https.close(() => resolve()))])
      await serve(records)
    }
    const domain = (name: string): DnsRecord[] => [
      {name: `${name}.${DOMAIN}.`, type: 'MX', priority: 10, value: `${mx(name)}.`},
      {name: `${mx(name)}.`, type: 'A', value: GATEWAY},
      {name: `_mta-sts.${name}.${DOMAIN}.`, type: 'TXT', value: 'v=STSv1; id=20261202'},
      {name: `mta-sts.${name}.${DOMAIN}.`, type: 'A', value: GATEWAY},
    ]
    await serve([...records, ...domain('sts-ok'), ...domain('sts-bad'), ...domain('sts-dane'), {name: `_25._tcp.${mx('sts-dane')}.`, type: 'TLSA', value: `3 1 1 ${digest}`}])
    const to = {ok: `alice@sts-ok.${DOMAIN}`, bad: `bob@sts-bad.${DOMAIN}`, dane: `carol@sts-dane.${DOMAIN}`}
    for (const address of Object.values(to)) onCore(`printf 'Subject: mta-sts\\n\\nto ${address}\\n' | /usr/sbin/sendmail -f demo@${DOMAIN} ${address}`)
    const deadline = Date.now() + 60_000
    let log = ''
    while (Date.now() < deadline) {
      log = onCore('cat /var/log/postfix.log')
      if (received.length >= 2 && /to=<bob@sts-bad[^>]*>.*status=deferred/.test(log)) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const maps = Object.keys(policies).map((name) => `${name}: ${onCore(`postmap -q ${name}.${DOMAIN} socketmap:inet:127.0.0.1:8462:dane; postmap -q ${name}.${DOMAIN} socketmap:inet:127.0.0.1:8461:postfix; true`).trim()}`)
    const shown = `${log.split('\n').slice(-25).join('\n')}\nfetched: ${fetched.join(', ')}\npolicy maps: ${maps.join(' | ')}\nSNI: ${sni.join(', ')}`
    expect(received.sort((a, b) => a.to.localeCompare(b.to)), shown).toEqual([{to: to.ok, secure: true}, {to: to.dane, secure: true}])
    // The policy made Postfix verify the MX against the CA and the policy's name; DANE verified the other by its TLSA.
    expect(log, shown).toMatch(new RegExp(`Verified TLS connection established to ${mx('sts-ok').replaceAll('.', '\\.')}`))
    expect(log, shown).toMatch(new RegExp(`Verified TLS connection established to ${mx('sts-dane').replaceAll('.', '\\.')}`))
    expect(log, shown).toMatch(/to=<bob@sts-bad[^>]*>.*status=deferred \(Server certificate not (trusted|verified)\)/)
    // The DANE domain's policy was never what decided: it was not even fetched.
    expect(fetched).toContain(`mta-sts.sts-ok.${DOMAIN}/.well-known/mta-sts.txt`)
    expect(fetched).not.toContain(`mta-sts.sts-dane.${DOMAIN}/.well-known/mta-sts.txt`)
  }, 120_000)
})

describe("dns --apply --server: RFC 2136 to the operator's primary (Knot, TSIG-signed)", () => {
  it('pushes what differs in one update, keeps records that are not its own, sends nothing the second time, and a wrong key changes nothing', async () => {
    // The domain's zone at a primary as an operator has it: a site verification beside a stale SPF and a stale address.
    const primary = await startKnot(DOMAIN, [
      `$ORIGIN ${DOMAIN}.`, '$TTL 300', '@ SOA ns hostmaster 1 3600 600 86400 300', '@ NS ns', 'ns A 127.0.0.1',
      '@ TXT "google-site-verification=kept"', '@ TXT "v=spf1 -all"', 'node1 A 198.18.62.99', '',
    ].join('\n'))
    try {
      const push = (...args: string[]) => mailops(['dns', '-i', inventory, '--apply', '--server', `127.0.0.1:${primary.port}`, '--json', ...args])
      const dry = push('--tsig-key', primary.keyFile, '--dry-run')
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.json().pushed).toMatchObject({dryRun: true, skipped: 3, script: expect.stringContaining('update delete node1.')})
      expect(primary.serial(), 'a dry run sends nothing').toBe(1)

      const pushed = push('--tsig-key', primary.keyFile)
      expect(pushed.code, pushed.stderr).toBe(0)
      const {changed, unchanged} = pushed.json().pushed
      expect(changed).toBeGreaterThan(8)
      expect(unchanged).toBe(0)
      // Every record mailops publishes (but the PTRs, the address owner's) is at the primary, as dig reads it.
      for (const r of records.filter((r) => r.type !== 'PTR')) {
        const answers = primary.dig(r.name, r.type).map((a) => (r.type === 'TXT' ? a.replaceAll(/" "/g, '').replaceAll('"', '') : a.toLowerCase().replaceAll(' ', '')))
        const want = r.type === 'TXT' ? r.value : `${r.priority === undefined ? '' : r.priority}${r.value}`.toLowerCase().replaceAll(' ', '')
        expect(answers, `${r.name} ${r.type}`).toContain(want)
      }
      expect(primary.dig(DOMAIN, 'TXT')).toContain('"google-site-verification=kept"')
      expect(primary.dig(DOMAIN, 'TXT')).not.toContain('"v=spf1 -all"')

      const serial = primary.serial()
      const again = mailops(['dns', '-i', inventory, '--apply', '--server', `127.0.0.1:${primary.port}`, '--tsig-key', primary.keyFile])
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).toContain(`pushed to 127.0.0.1:${primary.port} (zone ${DOMAIN}., RFC 2136): 0 record sets changed, ${changed} already current`)
      expect(again.stderr).not.toContain('update add')
      for (const out of [dry, pushed, again]) expect(out.stdout + out.stderr).not.toContain(primary.secret)
      expect(primary.serial(), 'nothing sent the second time').toBe(serial)

      // An edited inventory pushed with the wrong secret: refused, exit 2, the zone as it was.
      const moved = `${labDir}/inventory-moved.yaml`
      const original = parse(readFileSync(inventory, 'utf8'))
      writeFileSync(moved, stringify({...original, vars: {...original.vars, caa_issuers: ['ca.example']}}))
      const wrong = mailops(['dns', '-i', moved, '--apply', '--server', `127.0.0.1:${primary.port}`, '--tsig-key', primary.wrongKeyFile])
      expect(wrong.code, wrong.stderr).toBe(2)
      expect(wrong.stderr).toMatch(/refused the update: update failed: NOTAUTH/)
      expect(primary.serial()).toBe(serial)
      expect(primary.dig(DOMAIN, 'CAA')).not.toContain('0 issue "ca.example"')
    } finally {
      primary.stop()
    }
  }, 120_000)
})
