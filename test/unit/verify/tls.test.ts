import {describe, expect, it} from 'vitest'

import {expiryOutcome, strongCipher} from '../../../src/verify/tls.js'

describe('TLS judgements', () => {
  it('calls forward-secret AEAD strong, and RSA key exchange or CBC weak', () => {
    expect(strongCipher('TLSv1.3', 'TLS_AES_128_GCM_SHA256')).toBe(true)
    expect(strongCipher('TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384')).toBe(true)
    expect(strongCipher('TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305')).toBe(true)
    expect(strongCipher('TLSv1.2', 'AES256-GCM-SHA384')).toBe(false)
    expect(strongCipher('TLSv1.2', 'ECDHE-RSA-AES256-SHA')).toBe(false)
  })

  it('warns under 30 days and fails under 7 days or once expired', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    const days = (n: number) => expiryOutcome('tls.expiry', new Date(now.getTime() + n * 86_400_000 + 1000), now, 'smtp:25')
    expect(days(30).status).toBe('pass')
    expect(days(29).status).toBe('warn')
    expect(days(7).status).toBe('warn')
    expect(days(6).status).toBe('fail')
    const expired = expiryOutcome('tls.expiry', new Date(now.getTime() - 3 * 86_400_000 - 1000), now, 'smtp:25')
    expect(expired).toMatchObject({status: 'fail', message: 'certificate expired 3 days ago', target: 'smtp:25'})
    expect(expired.hint).toContain('Renew the certificate')
    expect(expiryOutcome('tls.expiry', new Date(now.getTime() - 86_400_000 - 5000), now).message).toBe('certificate expired 1 day ago')
    expect(days(1).message).toBe('certificate expires in 1 day')
  })
})
