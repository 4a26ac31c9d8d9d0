import {spawnSync} from 'node:child_process'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {FORWARDER_PY, parseImpairment, parseRegionLink, parseRegionPlacement, peerTables, perDirectionLoss, untilReady} from '../../../src/lab/link.js'
import {labSpec} from '../../../src/lab/spec.js'

describe('link impairment', () => {
  it('reads HOST=MS[,LOSS%]', () => {
    expect(parseImpairment('node2=80,1%')).toEqual({host: 'node2', impairment: {delayMs: 80, lossPercent: 1}})
    expect(parseImpairment('node3=12.5ms')).toEqual({host: 'node3', impairment: {delayMs: 12.5, lossPercent: 0}})
    for (const bad of ['node2', 'node2=-1', 'node2=80,100%', 'node2=fast', '=80']) expect(() => parseImpairment(bad)).toThrow(/HOST=MS/)
  })

  it('splits round-trip loss so that both directions together lose the asked share', () => {
    const p = perDirectionLoss(19)
    expect(1 - (1 - p) ** 2).toBeCloseTo(0.19, 12)
    expect(perDirectionLoss(0)).toBe(0)
  })
})

describe('links between regions', () => {
  it('reads REGION:REGION=MS[,LOSS%] and HOST=REGION', () => {
    expect(parseRegionLink('apac:europe=150,5%')).toEqual({regions: ['apac', 'europe'], delayMs: 150, lossPercent: 5})
    expect(parseRegionLink('hq:hq=2.5ms')).toEqual({regions: ['hq', 'hq'], delayMs: 2.5, lossPercent: 0})
    expect(parseRegionLink('core:xeu=150,5%,flows=5%')).toEqual({regions: ['core', 'xeu'], delayMs: 150, lossPercent: 5, flowLossPercent: 5})
    expect(parseRegionLink('core:xeu=150,flows=2.5%')).toEqual({regions: ['core', 'xeu'], delayMs: 150, lossPercent: 0, flowLossPercent: 2.5})
    for (const bad of ['apac=150', 'apac:europe', 'apac:europe=-1', 'apac:europe=150,100%', 'apac:europe=20000', 'Apac:europe=5', 'apac:europe=5,1', ':europe=5', 'apac:europe=5,flows=100%', 'apac:europe=5,flows=5', 'apac:europe=5,flows=5%,1%']) {
      expect(() => parseRegionLink(bad), bad).toThrow(/is not REGION:REGION=MS/)
    }
    expect(parseRegionPlacement('node1=hq')).toEqual({host: 'node1', region: 'hq'})
    for (const bad of ['node1', 'node1=', 'node1=HQ', '=hq', 'node1=hq=x']) expect(() => parseRegionPlacement(bad), bad).toThrow(/is not HOST=REGION/)
  })

  // node1 apac, node2 europe, node3 americas, node4 apac, node5 europe (by index).
  const hosts = labSpec('pairs', 5, '198.18.50.0/24').hosts

  it('applies each pair of hosts on exactly one of their two forwarders, the first listed', () => {
    const tables = peerTables(hosts, [parseRegionLink('apac:europe=150,5%'), parseRegionLink('europe:americas=5')])
    const slow = {delayMs: 150, lossPercent: 5}
    const near = {delayMs: 5, lossPercent: 0}
    expect(tables).toEqual({
      node1: {'198.18.50.12': slow, '198.18.50.15': slow},
      node2: {'198.18.50.13': near, '198.18.50.14': slow},
      node3: {'198.18.50.15': near},
      node4: {'198.18.50.15': slow},
    })
    // Each linked pair once, in either direction; pairs of regions not linked (apac ↔ americas,
    // apac ↔ apac) in no table.
    const entries = Object.entries(tables).flatMap(([host, table]) => Object.keys(table).map((address) => [host, hosts.find((h) => h.address === address)!.name].sort().join('-')))
    expect(entries.sort()).toEqual(['node1-node2', 'node1-node5', 'node2-node3', 'node2-node4', 'node3-node5', 'node4-node5'])
  })

  it('carries a share of connections lost into the pair\'s table, only where one is given', () => {
    expect(peerTables(hosts.slice(0, 3), [parseRegionLink('apac:europe=150,5%,flows=5%'), parseRegionLink('europe:americas=5')])).toEqual({
      node1: {'198.18.50.12': {delayMs: 150, lossPercent: 5, flowLossPercent: 5}},
      node2: {'198.18.50.13': {delayMs: 5, lossPercent: 0}},
    })
  })

  it('links the hosts of one region with each other when both ends name it', () => {
    expect(peerTables(hosts, [parseRegionLink('apac:apac=40')])).toEqual({node1: {'198.18.50.14': {delayMs: 40, lossPercent: 0}}})
  })

  it('places hosts by name, and refuses a region no host is in, a pair linked twice, an unknown host', () => {
    const placed = labSpec('pairs', 3, '198.18.50.0/24', {node1: 'hq'}).hosts
    expect(placed.map((h) => h.region)).toEqual(['hq', 'europe', 'americas'])
    expect(Object.keys(peerTables(placed, [parseRegionLink('hq:americas=80')]))).toEqual(['node1'])
    expect(() => peerTables(placed, [parseRegionLink('apac:europe=80')])).toThrow("--link names region 'apac', which no host of the lab is in; regions: hq, europe, americas")
    expect(() => peerTables(placed, [parseRegionLink('hq:europe=80'), parseRegionLink('europe:hq=10')])).toThrow('--link gives the regions europe:hq twice')
    expect(() => labSpec('pairs', 3, '198.18.50.0/24', {node9: 'hq'})).toThrow("no host 'node9' in lab pairs; hosts: node1, node2, node3")
  })
})

describe('the link forwarder says ready', () => {
  // The lab closes the forwarder's stdout once it is ready: a write after that kills the
  // forwarder (EPIPE). print("ready") wrote "ready" and "\n" apart, and the lab closed the pipe on
  // the first piece, so under load the forwarder died right after saying ready (CI saw it).
  it('is not ready on part of the line, only on the whole of it', async () => {
    const stdout = new PassThrough()
    let ready = false
    const waiting = untilReady(stdout).then(() => (ready = true))
    stdout.write('ready')
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBe(false)
    stdout.write('\n')
    await waiting
    expect(ready).toBe(true)
  })

  it('fails when the forwarder ends without the line', async () => {
    const stdout = new PassThrough()
    const waiting = untilReady(stdout)
    stdout.end('rea')
    await expect(waiting).rejects.toThrow('ended before its ready line ("rea")')
  })

  // The forwarder's own code (its definitions, before it opens a TAP) fed hand-made frames: a
  // quarter of the connections with 198.18.50.13 lost, which is the 2nd, 6th, 10th …
  it('loses whole connections, evenly spaced: every frame of a lost one both ways, a resent SYN not counted again', () => {
    const driver = String.raw`
import struct, sys
sys.argv = ["forwarder", "o", "i", "0", "0", '{"198.18.50.13": [20, 0, 0.25]}']
source = sys.stdin.read()
exec(source[:source.index("def tap(")])
me, peer = bytes([198, 18, 50, 11]), bytes([198, 18, 50, 13])
def frame(src, dst, sport, dport, flags, proto=6):
    ip = bytes([0x45, 0]) + struct.pack("!H", 40) + bytes(5) + bytes([proto]) + bytes(2) + src + dst
    return bytes(12) + bytes([8, 0]) + ip + struct.pack("!HH", sport, dport) + bytes(9) + bytes([flags]) + bytes(6)
out = []
for n in range(1, 11):
    out.append("lost" if connection_lost(frame(me, peer, 40000 + n, 22, 0x02), peer, 250000, 0) else "ok")
# connection 1's SYN resent: not a new one; connection 2's SYN resent and the peer's ACK to it: lost
out.append(str(connection_lost(frame(me, peer, 40001, 22, 0x02), peer, 250000, 1)))
out.append(str(connection_lost(frame(me, peer, 40002, 22, 0x02), peer, 250000, 1)))
out.append(str(connection_lost(frame(peer, me, 22, 40002, 0x10), peer, 250000, 1)))
# a SYN-ACK is no new connection, and UDP is never lost
out.append(str(connection_lost(frame(peer, me, 22, 50000, 0x12), peer, 250000, 1)))
out.append(str(connection_lost(frame(me, peer, 40011, 53, 0x02, proto=17), peer, 250000, 1)))
print(" ".join(out), connections[peer])
`
    const run = spawnSync('/usr/bin/python3', ['-c', driver], {input: FORWARDER_PY, encoding: 'utf8'})
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('ok lost ok ok ok lost ok ok ok lost False True True False False 10')
  })

  it('announces in one write, its only one on stdout', () => {
    const lines = FORWARDER_PY.split('\n').filter((l) => !l.trim().startsWith('#'))
    expect(lines.filter((l) => /print\(|sys\.stdout|os\.write\(1,/.test(l))).toEqual(['os.write(1, b"ready\\n")'])
  })
})
