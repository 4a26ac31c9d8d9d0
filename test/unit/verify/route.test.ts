import type {AddressInfo} from 'node:net'
import {SMTPServer} from 'smtp-server'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {InventoryRoutes} from '../../../src/fleet/routes.js'
import {destinationsVia, egressCheck, transportOutcome} from '../../../src/verify/route.js'

const LINES = ['example.co.za smtp:[198.18.0.13]:25, [198.18.0.12]:25', 'example.de smtp:[198.18.0.12]:25, example.de']
const read = (maps: string, file: string) => `${maps}\n---mailops---\n${file}`
const FILE = `# Managed by mailops\n${LINES.join('\n')}\n`

describe('route.transport: the deployed entries against the plan', () => {
  it('passes the plan\'s lines read by transport_maps, comments aside', () => {
    expect(transportOutcome('core1', LINES, read('texthash:/etc/postfix/transport_routes', FILE))).toMatchObject({status: 'pass', message: '2 transport entries, as planned'})
    expect(transportOutcome('core1', [], read('texthash:/etc/postfix/transport_routes', '# Managed by mailops\n'))).toMatchObject({status: 'pass'})
  })

  it('fails with the differing lines as evidence: one edited, one missing, order changed', () => {
    const edited = transportOutcome('core1', LINES, read('texthash:/etc/postfix/transport_routes', `${LINES[0].replace('13', '99')}\n${LINES[1]}\n`))
    expect(edited.status).toBe('fail')
    expect(edited.evidence).toBe(`-${LINES[0]}\n+${LINES[0].replace('13', '99')}`)
    expect(edited.hint).toContain('mailops route apply')
    expect(transportOutcome('core1', LINES, read('texthash:/etc/postfix/transport_routes', `${LINES[0]}\n`)).evidence).toBe(`-${LINES[1]}`)
    expect(transportOutcome('core1', LINES, read('texthash:/etc/postfix/transport_routes', `${LINES[1]}\n${LINES[0]}\n`)).status).toBe('fail')
  })

  it('fails when Postfix does not read the file, or the file is gone', () => {
    expect(transportOutcome('core1', LINES, read('', FILE))).toMatchObject({status: 'fail', message: expect.stringContaining('transport_maps = (empty)')})
    expect(transportOutcome('core1', LINES, read('hash:/etc/postfix/transport', FILE)).status).toBe('fail')
    expect(transportOutcome('core1', LINES, read('texthash:/etc/postfix/transport_routes', '---absent---\n'))).toMatchObject({status: 'fail', message: '/etc/postfix/transport_routes is missing'})
  })
})

describe('destinationsVia', () => {
  const routes = {transport: {core1: LINES}} as unknown as InventoryRoutes
  it('names the destinations whose nexthop list holds the edge, egress or fallback', () => {
    expect(destinationsVia(routes, 'core1', '198.18.0.12')).toEqual(['example.co.za', 'example.de'])
    expect(destinationsVia(routes, 'core1', '198.18.0.13')).toEqual(['example.co.za'])
    expect(destinationsVia(routes, 'core1', '198.18.0.1')).toEqual([])
    expect(destinationsVia(routes, 'core2', '198.18.0.12')).toEqual([])
  })
})

describe('route.egress: the edge relays for the core (RCPT only)', () => {
  // A stand-in edge on loopback: relays for example.de only, and counts what it was given.
  let server: SMTPServer
  let port = 0
  const seen = {rcpt: [] as string[], data: 0}
  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      disableReverseLookup: true,
      onRcptTo: (address, _session, done) => {
        seen.rcpt.push(address.address)
        done(address.address.endsWith('@example.de') ? undefined : Object.assign(new Error('Relay access denied'), {responseCode: 554}))
      },
      onData: (stream, _session, done) => {
        seen.data++
        stream.resume().on('end', () => done())
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const edge = {name: 'edge-eu', address: '198.18.0.12', role: 'edge' as const, fqdn: 'edge-eu.example.net'}
  const core = {name: 'core1', fqdn: 'core1.example.net'}
  const ctx = {timeoutMs: 5000, deliveryTimeoutMs: 5000, now: new Date(), helo: 'verify.mailops.invalid', domain: 'example.net'}

  it('passes a 250 for a routed destination, sends no mail, and fails a refusal with the dialogue as evidence', async () => {
    const open = async () => ({address: '127.0.0.1', port})
    const ok = await egressCheck(edge, core, 'example.de', ctx, open)
    expect(ok).toMatchObject({status: 'pass', target: 'from core1', message: "relays core1's mail for example.de"})
    expect(ok.evidence).toMatch(/MAIL FROM postmaster@example\.net → 250.*RCPT TO postmaster@example\.de → 250/)
    const refused = await egressCheck(edge, core, 'example.co.za', ctx, open)
    expect(refused).toMatchObject({status: 'fail', message: "refuses to relay core1's mail for example.co.za (at RCPT)"})
    expect(refused.evidence).toContain('RCPT TO postmaster@example.co.za → 554')
    expect(seen.rcpt).toEqual(['postmaster@example.de', 'postmaster@example.co.za'])
    expect(seen.data).toBe(0)
  })

  it('fails when nothing answers (a stopped Postfix on the edge)', async () => {
    const closed = await egressCheck(edge, core, 'example.de', {...ctx, timeoutMs: 2000}, async () => ({address: '127.0.0.1', port: 1}))
    expect(closed).toMatchObject({status: 'fail', message: expect.stringContaining('no SMTP session from core1 to 198.18.0.12:25')})
  })
})
