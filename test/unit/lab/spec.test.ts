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
