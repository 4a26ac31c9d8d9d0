import {createHmac} from 'node:crypto'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {checkHostKey, fingerprint, hostToken, keyTypeOf, knownKeyTypes, parseKnownHosts, patternsMatch, recordHostKey} from '../../../src/ssh/known-hosts.js'

const blob = (type: string, body: string) => {
  const t = Buffer.from(type)
  const b = Buffer.from(body)
  const out = Buffer.alloc(8 + t.length + b.length)
  out.writeUInt32BE(t.length, 0)
  t.copy(out, 4)
  out.writeUInt32BE(b.length, 4 + t.length)
  b.copy(out, 8 + t.length)
  return out
}
const keyA = blob('ssh-ed25519', 'A'.repeat(32))
const keyB = blob('ssh-ed25519', 'B'.repeat(32))
const hashed = (token: string) => {
  const salt = Buffer.from('0123456789abcdefghij')
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(token).digest('base64')}`
}

describe('known_hosts', () => {
  it('matches plain, wildcard, negated, port-qualified and hashed names', () => {
    expect(patternsMatch('mx1.example.com,198.18.0.11', '198.18.0.11')).toBe(true)
    expect(patternsMatch('*.example.com', 'mx1.example.com')).toBe(true)
    expect(patternsMatch('*.example.com,!mx2.example.com', 'mx2.example.com')).toBe(false)
    expect(patternsMatch('[198.18.0.11]:2222', hostToken('198.18.0.11', 2222))).toBe(true)
    expect(patternsMatch('198.18.0.11', hostToken('198.18.0.11', 2222))).toBe(false)
    expect(patternsMatch(hashed('198.18.0.11'), '198.18.0.11')).toBe(true)
    expect(patternsMatch(hashed('198.18.0.11'), '198.18.0.12')).toBe(false)
  })

  it('tells known, unknown, mismatched and revoked keys apart', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        `198.18.0.11 ssh-ed25519 ${keyA.toString('base64')}`,
        `${hashed('198.18.0.12')} ssh-ed25519 ${keyA.toString('base64')} comment`,
        `@revoked 198.18.0.13 ssh-ed25519 ${keyB.toString('base64')}`,
        `@cert-authority *.example.com ssh-ed25519 ${keyB.toString('base64')}`,
      ].join('\n'),
    )
    expect(checkHostKey(entries, '198.18.0.11', 22, keyA)).toEqual({kind: 'known'})
    expect(checkHostKey(entries, '198.18.0.12', 22, keyA)).toEqual({kind: 'known'})
    expect(checkHostKey(entries, '198.18.0.11', 22, keyB)).toEqual({kind: 'mismatch', expected: [fingerprint(keyA)], line: 2})
    expect(checkHostKey(entries, '198.18.0.13', 22, keyB)).toEqual({kind: 'revoked', line: 4})
    expect(checkHostKey(entries, '198.18.0.99', 22, keyA)).toEqual({kind: 'unknown'})
    // A CA line is no pinned key: a host it alone names is unknown.
    expect(checkHostKey(entries, 'mx1.example.com', 22, keyB)).toEqual({kind: 'unknown'})
    expect(knownKeyTypes(entries, '198.18.0.11', 22)).toEqual(['ssh-ed25519'])
  })

  it("reads a key blob's type and prints OpenSSH's SHA256 fingerprint", () => {
    expect(keyTypeOf(keyA)).toBe('ssh-ed25519')
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  it('records a first-seen key hashed, readable back, with the port when not 22', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts')
    recordHostKey(path, '198.18.0.11', 2222, keyA)
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain('198.18.0.11')
    const entries = parseKnownHosts(text)
    expect(checkHostKey(entries, '198.18.0.11', 2222, keyA)).toEqual({kind: 'known'})
    expect(checkHostKey(entries, '198.18.0.11', 22, keyA)).toEqual({kind: 'unknown'})
  })
})
