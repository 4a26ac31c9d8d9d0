/**
 * The TLS policy of every endpoint the blueprints deploy (docs/tls-policy.md): TLS 1.2 suites by
 * their OpenSSL names. The blueprints' templates carry the same lists (a unit test compares them).
 */

/** Mozilla "intermediate" (server side, v5.7): forward-secret AEAD only. Every port that requires TLS. */
export const MANDATORY_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
] as const

/**
 * Port 25 (opportunistic TLS, RFC 7435): after the intermediate suites, AES with CBC or RSA key
 * exchange, for old servers that would otherwise send in plain text.
 */
export const OPPORTUNISTIC_EXTRA_SUITES = [
  'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA256', 'AES128-SHA', 'AES256-SHA',
] as const

/** Which list applies: only port 25 speaks opportunistic TLS; 465, 587, 143, 993, 110, 995 require it. */
export function allowedSuites(port: number): ReadonlySet<string> {
  return new Set<string>(port === 25 ? [...MANDATORY_SUITES, ...OPPORTUNISTIC_EXTRA_SUITES] : MANDATORY_SUITES)
}

/** What makes a suite broken anywhere, named after OpenSSL's suite names (anonymous, NULL, export, RC4, DES/3DES, MD5). */
export function brokenSuite(name: string): string | undefined {
  if (/^(ADH|AECDH)-|-anon-/.test(name)) return 'anonymous'
  if (/(^|-)NULL(-|$)/.test(name)) return 'NULL'
  if (/(^|-)EXP/.test(name)) return 'export'
  if (/(^|-)RC4(-|$)/.test(name)) return 'RC4'
  if (/(^|-)(DES|CBC3)(-|$)/.test(name)) return '3DES/DES'
  if (/-MD5$/.test(name)) return 'MD5'
  return undefined
}
