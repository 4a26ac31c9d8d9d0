import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify} from 'node:crypto'
import {chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'

/**
 * The operator's audit key: an Ed25519 key that signs every deploy run's seal. Its private half
 * stays on the controller (mode 0600, created on the first deploy if there is none); the public
 * half, next to it, is what an auditor is given to run `mailops audit verify --key`.
 */
export const defaultKeyPath = (): string =>
  process.env.MAILOPS_AUDIT_KEY ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'mailops', 'audit-key.pem')

export const publicKeyPath = (privatePath: string): string => privatePath.replace(/(\.pem)?$/, '.pub.pem')

/** `SHA256:` and the base64 of the public key's DER, as ssh-keygen prints fingerprints. */
export const fingerprint = (key: KeyObject): string =>
  `SHA256:${createHash('sha256').update((key.type === 'public' ? key : createPublicKey(key)).export({type: 'spki', format: 'der'})).digest('base64').replace(/=+$/, '')}`

/** The signing key; made (with its public half) when the default path has none. */
export function signingKey(path = defaultKeyPath()): KeyObject {
  if (!existsSync(path)) {
    if (process.env.MAILOPS_AUDIT_KEY) throw new InputError(t('audit.keyMissing', {path}), {code: 'AUDIT_KEY_MISSING', hint: t('audit.keyHint')})
    const {privateKey, publicKey} = generateKeyPairSync('ed25519')
    mkdirSync(dirname(path), {recursive: true, mode: 0o700})
    writeNew(path, privateKey.export({type: 'pkcs8', format: 'pem'}) as string, 0o600)
    writeNew(publicKeyPath(path), publicKey.export({type: 'spki', format: 'pem'}) as string, 0o644)
    return privateKey
  }
  try {
    const key = createPrivateKey(readFileSync(path))
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`)
    return key
  } catch (error) {
    throw new InputError(t('audit.keyUnreadable', {path, reason: (error as Error).message}), {code: 'AUDIT_KEY_INVALID', hint: t('audit.keyHint')})
  }
}

/** The key a seal is checked with: a public key file, or the private key (its public half). */
export function checkingKey(path?: string): KeyObject {
  const file = path ?? (existsSync(publicKeyPath(defaultKeyPath())) ? publicKeyPath(defaultKeyPath()) : defaultKeyPath())
  try {
    return createPublicKey(readFileSync(file))
  } catch (error) {
    throw new InputError(t('audit.keyUnreadable', {path: file, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}), {code: 'AUDIT_KEY_INVALID', hint: t('audit.keyHint')})
  }
}

export const signText = (key: KeyObject, text: string): string => sign(null, Buffer.from(text, 'utf8'), key).toString('base64')

export function verifyText(key: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

/** Written whole under a temporary name, then renamed: a crash leaves no half key. */
function writeNew(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'wx', mode)
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
  chmodSync(tmp, mode)
  renameSync(tmp, path)
}
