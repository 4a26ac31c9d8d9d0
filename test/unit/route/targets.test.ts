import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {outboundLogScript, parseOutboundLog, rankDestinations, targetsFile} from '../../../src/route/targets.js'
import {renderRouteTargets} from '../../../src/ui/route.js'

const line = (to: string, relay: string, status: string, extra = '') =>
  `Dec  2 06:27:06 node1 postfix/smtp[2412]: 4F1A2B3C: to=<${to}>,${extra} relay=${relay}, delay=0.31, delays=0.01/0/0.2/0.1, dsn=2.0.0, status=${status} (250 ok)`

/** The node-side script run by bash over a log, as on a node (Debian's mawk here too). */
function summarise(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-route-'))
  writeFileSync(join(dir, 'postfix.log'), lines.join('\n') + '\n')
  return execFileSync('bash', ['-c', outboundLogScript(join(dir, 'postfix.log'))], {encoding: 'utf8'})
}

const own = {domain: 'corp.example', addresses: ['198.18.0.11', '198.18.0.12', '198.18.0.13']}

describe('route targets: the destinations of the outbound logs', () => {
  it('sums a Postfix log up on the node: one line per domain, relay and status', () => {
    const out = summarise([
      line('a@Example.COM', 'mx1.example.com[203.0.113.5]:25', 'sent'),
      line('b@example.com', 'mx1.example.com[203.0.113.5]:25', 'sent', ' orig_to=<alias@corp.example>,'),
      line('c@example.com', 'none', 'deferred'),
      'Dec  2 06:27:07 node1 postfix/smtpd[99]: connect from unknown[198.51.100.7]',
      'Dec  2 06:27:08 node1 postfix/lmtp[7]: 5A: to=<me@corp.example>, relay=node1[private/dovecot-lmtp], status=sent (ok)',
    ])
    const rows = parseOutboundLog('node1', out).sort((x, y) => x.status.localeCompare(y.status))
    expect(rows).toEqual([
      {node: 'node1', domain: 'example.com', relayHost: '', relayAddress: '', status: 'deferred', count: 1},
      {node: 'node1', domain: 'example.com', relayHost: 'mx1.example.com', relayAddress: '203.0.113.5', status: 'sent', count: 2},
    ])
  })

  it("ranks by deliveries where mail left the fleet: a core's hop to an edge is counted once, at the edge; the own domain is not a destination", () => {
    const core = parseOutboundLog('node1', summarise([
      ...Array.from({length: 3}, () => line('x@far.example', '[198.18.0.12]:25', 'sent')),
      line('y@near.example', 'mx.near.example[203.0.113.9]:25', 'sent'),
      line('z@corp.example', 'node2.corp.example[198.18.0.12]:25', 'sent'),
    ]))
    const edge = parseOutboundLog('node2', summarise(Array.from({length: 3}, () => line('x@far.example', 'mx.far.example[192.0.2.25]:25', 'sent'))))
    const {destinations, skipped} = rankDestinations([...core, ...edge], own, 20)
    expect(destinations).toEqual([
      {id: 'far.example', host: 'mx.far.example', sent: 3, deferred: 0, bounced: 0},
      {id: 'near.example', host: 'mx.near.example', sent: 1, deferred: 0, bounced: 0},
    ])
    expect(skipped).toEqual([])
    expect(rankDestinations([...core, ...edge], own, 1).destinations.map((d) => d.id)).toEqual(['far.example'])
  })

  it('keeps what strangers wrote in the log out of the targets file: a domain or relay that is not a plain DNS name is named, never written', () => {
    const rows = parseOutboundLog('node1', summarise([
      line('a@evil.example;touch /tmp/x', 'mx.evil.example[203.0.113.66]:25', 'sent'),
      line('b@ok.example', 'mx.ok.example[203.0.113.7]:25', 'sent'),
      line('c@unreached.example', 'none', 'deferred'),
      line('d@weird.example', 'mx`id`.weird.example[203.0.113.8]:25', 'sent'),
    ]))
    const {destinations, skipped} = rankDestinations(rows, own, 20)
    expect(destinations.map((d) => [d.id, d.host])).toEqual([['ok.example', 'mx.ok.example']])
    expect(skipped).toEqual(['evil.example;touch /tmp/x', 'unreached.example', 'weird.example'])
  })

  it("writes a targets file latency reads: the destinations by SMTP and each edge (the core → edge hop), with the counts as comments", () => {
    const inventory = {hosts: [{name: 'node1', role: 'core', address: '198.18.0.11'}, {name: 'node2', role: 'edge', address: '198.18.0.12'}]} as never
    const destinations = [{id: 'far.example', host: 'mx.far.example', sent: 3, deferred: 1, bounced: 0}]
    const file = targetsFile(inventory, destinations)
    expect(file.targets).toEqual([
      {id: 'far.example', host: 'mx.far.example', port: 25, probe: 'smtp'},
      {id: 'node2', host: '198.18.0.12', port: 25, probe: 'smtp'},
    ])
    const yaml = renderRouteTargets({file, destinations, skipped: [], read: ['node1', 'node2'], unread: []})
    expect(parse(yaml)).toEqual(file)
    expect(yaml).toContain('# 3 sent, 1 deferred, 0 bounced')
  })
})
