import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {allowedSuites, brokenSuite, MANDATORY_SUITES, OPPORTUNISTIC_EXTRA_SUITES} from '../../../src/verify/tls-policy.js'

const template = (path: string) => readFileSync(new URL(`../../../blueprints/${path}`, import.meta.url), 'utf8')
const setting = (text: string, name: string) => new RegExp(`^${name} = (.*)$`, 'm').exec(text)?.[1]

describe('TLS policy', () => {
  it('is what the blueprints configure: Postfix on cores and edges, Dovecot on cores', () => {
    for (const file of ['core/templates/main.cf', 'edge/templates/main.cf']) {
      const main = template(file)
      expect(setting(main, 'tls_high_cipherlist')?.split(':'), file).toEqual([...MANDATORY_SUITES])
      expect(setting(main, 'tls_medium_cipherlist')?.split(':'), file).toEqual(['$tls_high_cipherlist', ...OPPORTUNISTIC_EXTRA_SUITES])
      expect(setting(main, 'tls_preempt_cipherlist'), file).toBe('yes')
      expect(setting(main, 'smtpd_tls_exclude_ciphers')?.split(', '), file).toEqual(expect.arrayContaining(['aNULL', 'eNULL', 'EXPORT', 'RC4', '3DES']))
    }
    const dovecot = template('core/templates/dovecot.conf')
    expect(setting(dovecot, 'ssl_cipher_list')?.split(':')).toEqual([...MANDATORY_SUITES])
    expect(setting(dovecot, 'ssl_prefer_server_ciphers')).toBe('yes')
  })

  it('allows CBC and RSA key exchange on port 25 only', () => {
    expect(allowedSuites(25).has('AES128-SHA')).toBe(true)
    expect(allowedSuites(587).has('AES128-SHA')).toBe(false)
    expect(allowedSuites(993).has('ECDHE-RSA-AES128-GCM-SHA256')).toBe(true)
    expect([...allowedSuites(25)].filter((s) => brokenSuite(s))).toEqual([])
  })

  it('names what makes a suite broken', () => {
    expect(['ADH-AES128-GCM-SHA256', 'AECDH-AES256-SHA', 'NULL-SHA256', 'ECDHE-RSA-NULL-SHA', 'RC4-SHA', 'DES-CBC3-SHA', 'ECDHE-RSA-DES-CBC3-SHA', 'EXP-RC4-MD5'].map(brokenSuite)).toEqual([
      'anonymous', 'anonymous', 'NULL', 'NULL', 'RC4', '3DES/DES', '3DES/DES', 'export',
    ])
    expect(brokenSuite('ECDHE-RSA-AES128-GCM-SHA256')).toBeUndefined()
    expect(brokenSuite('DHE-RSA-CAMELLIA128-SHA')).toBeUndefined()
  })
})
