import {describe, expect, it} from 'vitest'

import {messageIdOf, parseTrailLine} from '../../../src/trace/parse.js'
import {lifetimesOf} from '../../../src/trace/trace.js'

// Lines as a lab edge and core wrote them (Postfix 3.7 maillog_file, Dovecot 2.3 with the
// blueprint's log_timestamp).
const NOW = new Date('2026-12-01T17:00:00Z')
const EDGE_RELAY =
  'Dec 01 16:52:44 node2 postfix/smtp[926]: 1DC2DCC: to=<demo@tracetest.mailops.test>, relay=198.18.13.11[198.18.13.11]:25, delay=0.29, delays=0.03/0.02/0.18/0.07, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 586EE127)'
const CORE_LMTP =
  'Dec 01 16:52:44 node1 postfix/lmtp[779]: 586EE127: to=<demo@tracetest.mailops.test>, relay=node1.tracetest.mailops.test[private/dovecot-lmtp], delay=0.18, delays=0.05/0.03/0.05/0.05, dsn=2.0.0, status=sent (250 2.0.0 <demo@tracetest.mailops.test> mMciH7z5DmsMAwAAE3IQ5A Saved)'
const DOVECOT = 'Dec 01 16:52:44.470312 lmtp(demo@tracetest.mailops.test)<780><mMciH7z5DmsMAwAAE3IQ5A>: Info: msgid=<trace-2@peer.test>: saved mail to INBOX'

describe('trail lines', () => {
  it('reads a relay: where to, and its delays in ms, stamped to the second', () => {
    expect(parseTrailLine('node2', 'postfix', EDGE_RELAY, NOW)).toMatchObject({
      at: '2026-12-01T16:52:44.000Z',
      precision: 0,
      program: 'postfix/smtp',
      queueId: '1DC2DCC',
      kind: 'relayed',
      relay: '198.18.13.11[198.18.13.11]:25',
      delaysMs: [30, 20, 180, 70],
    })
    expect(parseTrailLine('node1', 'postfix', CORE_LMTP, NOW)).toMatchObject({kind: 'delivered', delaysMs: [50, 30, 50, 50]})
  })

  it("reads Dovecot's microsecond stamp and the folder the message was saved to", () => {
    expect(parseTrailLine('node1', 'dovecot', DOVECOT, NOW)).toMatchObject({at: '2026-12-01T16:52:44.470Z', precision: 6, program: 'dovecot/lmtp', kind: 'stored'})
    // With the core's Sieve spam filing, LMTP words it differently.
    const sieve = "Dec 01 17:43:10.120931 lmtp(demo@tracetest.mailops.test)<512><4JZ9Ln4tDmv/AQAAE3IQ5A>: Info: sieve: msgid=<trace-2@peer.test>: stored mail into mailbox 'Junk'"
    expect(parseTrailLine('node1', 'dovecot', sieve, NOW)).toMatchObject({kind: 'stored', text: "sieve: msgid=<trace-2@peer.test>: stored mail into mailbox 'Junk'"})
  })

  it('puts a December line read in January into the year before, and leaves out a line in no known shape', () => {
    expect(parseTrailLine('node2', 'postfix', EDGE_RELAY, new Date('2027-01-02T00:00:00Z'))!.at).toBe('2026-12-01T16:52:44.000Z')
    expect(parseTrailLine('node2', 'postfix', 'garbage', NOW)).toBeUndefined()
    expect(parseTrailLine('node2', 'dovecot', 'Dec 99 99:99:99 nonsense', NOW)).toBeUndefined()
  })

  it("reads rspamd's verdict line", () => {
    const line = '2026-12-01 16:52:44.123 #311(normal) <a1b2c3>; task; rspamd_task_write_log: id: <trace-2@peer.test>, qid: <1DC2DCC>, ip: 198.18.13.1, from: <bob@peer.test>, (default: F (no action): [1.20/15.00] [R_SPF_NA(0.00)]), len: 462, time: 12.3ms'
    expect(parseTrailLine('node2', 'rspamd', line, NOW)).toMatchObject({at: '2026-12-01T16:52:44.123Z', precision: 3, queueId: '1DC2DCC', kind: 'filtered'})
  })
})

describe("a queue id's life", () => {
  it('keeps only the life of the queue id that logged the Message-ID: a reused id is another message', () => {
    const line = (text: string) => parseTrailLine('node2', 'postfix', `Dec 01 16:52:44 node2 postfix/qmgr[1]: 1DC2DCC: ${text}`, NOW)!
    const events = [line('message-id=<old@x>'), line('removed'), line('message-id=<trace-2@peer.test>'), line('from=<b@x>, size=1, nrcpt=1 (queue active)'), line('removed'), line('message-id=<later@x>')]
    expect(lifetimesOf(events, '<trace-2@peer.test>').map((e) => e.text)).toEqual(['message-id=<trace-2@peer.test>', 'from=<b@x>, size=1, nrcpt=1 (queue active)', 'removed'])
  })
})

describe('the Message-ID asked for', () => {
  it('takes it with or without brackets and refuses what a log never holds (blanks, quotes, shell)', () => {
    expect(messageIdOf('trace-2@peer.test')).toBe('<trace-2@peer.test>')
    expect(messageIdOf(' <trace-2@peer.test> ')).toBe('<trace-2@peer.test>')
    for (const bad of ['a b', '', '<>', "<x'$(touch /tmp/p)>", '<x\n@y>', '<a<b>', 'x'.repeat(901)]) expect(messageIdOf(bad)).toBeUndefined()
  })
})
