import {createHash, createHmac, randomBytes} from 'node:crypto'
import {appendFileSync, existsSync, readFileSync} from 'node:fs'

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority'
  patterns: string
  keyType: string
  key: Buffer
  line: number
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    const marker = fields[0].startsWith('@') ? (fields.shift() as KnownHostEntry['marker']) : undefined
    if (fields.length < 3) continue
    entries.push({marker, patterns: fields[0], keyType: fields[1], key: Buffer.from(fields[2], 'base64'), line: i + 1})
  }
  return entries
}

/** The name OpenSSH records a host under: `host`, or `[host]:port` off port 22. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function globMatch(pattern: string, text: string): boolean {
  const regex = new RegExp(`^${pattern.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i')
  return regex.test(text)
}

/** Whether a host-pattern field (plain, wildcard, negated or hashed |1|salt|hash) names this host. */
export function patternsMatch(patterns: string, token: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|')
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64')
    return digest === hash
  }
  let matched = false
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), token)) return false
    } else if (globMatch(pattern, token)) {
      matched = true
    }
  }
  return matched
}

/** The key type inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  const length = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + length).toString('ascii')
}

/** OpenSSH's fingerprint form: SHA256:base64 without padding. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

export type HostKeyVerdict =
  | {kind: 'known'}
  | {kind: 'unknown'}
  | {kind: 'mismatch'; expected: string[]; line: number}
  | {kind: 'revoked'; line: number}

/** How a key presented by host:port stands against a known_hosts file. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const token = hostToken(host, port)
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && patternsMatch(e.patterns, token))
  const revoked = forHost.find((e) => e.marker === '@revoked' && e.key.equals(key))
  if (revoked) return {kind: 'revoked', line: revoked.line}
  const plain = forHost.filter((e) => e.marker === undefined)
  if (plain.some((e) => e.key.equals(key))) return {kind: 'known'}
  if (plain.length === 0) return {kind: 'unknown'}
  return {kind: 'mismatch', expected: plain.map((e) => fingerprint(e.key)), line: plain[0].line}
}

/** Key types recorded for a host, so the handshake asks for a type whose key we can check. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const token = hostToken(host, port)
  return [...new Set(entries.filter((e) => e.marker === undefined && patternsMatch(e.patterns, token)).map((e) => e.keyType))]
}

/**
 * The known_hosts lines that pin host:port (its keys and revocations, hashed entries included),
 * written for that name alone: what a node that logs in to another is given of the operator's file.
 */
export function knownHostLines(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const token = hostToken(host, port)
  return entries
    .filter((e) => e.marker !== '@cert-authority' && patternsMatch(e.patterns, token))
    .map((e) => `${e.marker ? `${e.marker} ` : ''}${token} ${e.keyType} ${e.key.toString('base64')}`)
}

export function readKnownHosts(path: string): KnownHostEntry[] {
  return existsSync(path) ? parseKnownHosts(readFileSync(path, 'utf8')) : []
}

/**
 * Records a first-seen key (only with --accept-new), hashed like OpenSSH's HashKnownHosts so the
 * file does not list the fleet in clear.
 */
export function recordHostKey(path: string, host: string, port: number, key: Buffer): void {
  const salt = randomBytes(20)
  const hash = createHmac('sha1', salt).update(hostToken(host, port)).digest('base64')
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n'
  appendFileSync(path, `${separator}|1|${salt.toString('base64')}|${hash} ${keyTypeOf(key)} ${key.toString('base64')}\n`, {mode: 0o600})
}
