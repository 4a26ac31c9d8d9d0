import {describe, expect, it} from 'vitest'

import {inLabRange, labSpec} from '../../../src/lab/spec.js'

describe('lab spec', () => {
  it('lays hosts out on the /24: bridge .1, hosts from .11, fixed MACs, short link names', () => {
    const spec = labSpec('default', 3)
    expect(spec.bridgeAddress).toBe('198.18.0.1')
    expect(spec.probeAddress).toBe('198.18.0.2')
    expect(spec.hosts.map((h) => h.address)).toEqual(['198.18.0.11', '198.18.0.12', '198.18.0.13'])
    expect(spec.hosts.map((h) => h.role)).toEqual(['core', 'edge', 'edge'])
    expect(spec.hosts[2].mac).toBe('02:6d:00:00:00:03')
    for (const link of [spec.bridge, ...spec.hosts.map((h) => h.link)]) expect(link.length).toBeLessThanOrEqual(15)
  })

  it('keeps the links of labs on different /24s apart', () => {
    const a = labSpec('a', 2, '198.18.1.0/24')
    const b = labSpec('b', 2, '198.19.255.0/24')
    expect(a.bridge).toBe('mo1br')
    expect(b.bridge).toBe('mo511br')
    expect(b.hosts[1].link).toBe('mo511h2')
    expect(b.hosts[1].mac).toBe('02:6d:01:ff:00:02')
  })

  it('puts peers after the hosts, each in a region, with a domain outside the lab domain', () => {
    const spec = labSpec('pp', 2, '198.18.7.0/24', {peer2: 'hq'}, 3)
    expect(spec.peers!.map((p) => [p.name, p.address, p.link, p.netns, p.region, p.domain, p.mx])).toEqual([
      ['peer1', '198.18.7.13', 'mo7h3', 'mailops-pp-peer1', 'apac', 'peer1.example', 'mx.peer1.example'],
      ['peer2', '198.18.7.14', 'mo7h4', 'mailops-pp-peer2', 'hq', 'peer2.example', 'mx.peer2.example'],
      ['peer3', '198.18.7.15', 'mo7h5', 'mailops-pp-peer3', 'americas', 'peer3.example', 'mx.peer3.example'],
    ])
    for (const peer of spec.peers!) expect(peer.domain.endsWith(spec.domain)).toBe(false)
    expect(spec.peers![0].mac).toBe('02:6d:00:07:00:03')
    expect(labSpec('pp', 2).peers).toBeUndefined()
    expect(() => labSpec('pp', 190, '198.18.7.0/24', {}, 11)).toThrow('--peers takes 0 to 10 destination servers')
    expect(() => labSpec('pp', 1, '198.18.7.0/24', {peer2: 'hq'}, 1)).toThrow("no host 'peer2' in lab pp; hosts: node1, peer1")
  })

  it('accepts only 198.18.0.0/15', () => {
    expect(inLabRange('198.18.0.1')).toBe(true)
    expect(inLabRange('198.19.255.255')).toBe(true)
    expect(inLabRange('198.20.0.0')).toBe(false)
    expect(inLabRange('10.0.0.1')).toBe(false)
    expect(() => labSpec('x', 2, '172.16.0.0/24')).toThrow(/must be a \/24 inside 198\.18\.0\.0\/15/)
    expect(() => labSpec('x', 0)).toThrow(/1 to 200 hosts/)
    expect(() => labSpec('Bad-Name', 1)).toThrow(/lower-case/)
  })
})

describe('lab spec with --cores', () => {
  it('makes node1..N cores and the rest edges, and refuses a core count the hosts cannot hold', () => {
    expect(labSpec('rr', 4, '198.18.9.0/24', {}, 0, 2).hosts.map((h) => h.role)).toEqual(['core', 'core', 'edge', 'edge'])
    expect(() => labSpec('rr', 2, '198.18.9.0/24', {}, 0, 3)).toThrow("--cores takes 1 to 2 (the lab's --hosts; node1 on are cores, the rest edges), not 3")
    expect(() => labSpec('rr', 2, '198.18.9.0/24', {}, 0, 0)).toThrow('not 0')
  })
})
