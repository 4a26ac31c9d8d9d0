import {ExitCode, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'

/**
 * A host failed: it could not be reached or refused us (exit 3), or a step on it failed (exit 1).
 * Either way the run goes on for the others.
 */
export class HostError extends MailopsError {
  constructor(
    readonly host: string,
    code: string,
    message: string,
    hint?: string,
  ) {
    super(`${host}: ${message}`, {code, exit: isUnreachable(code) ? ExitCode.unreachable : ExitCode.checksFailed, hint})
    this.name = 'HostError'
  }
}

/** Codes that mean the host could not be reached or used at all (exit code 3), not that a step on it failed. */
export function isUnreachable(code: string): boolean {
  return /^(CONNECT_|HOST_KEY_|AUTH_FAILED|JUMP_FAILED|CONNECTION_CLOSED|CONNECTION_LOST|PROBE_TIMEOUT)/.test(code)
}

export const hostKeyUnknown = (host: string, address: string, fingerprint: string) =>
  new HostError(host, 'HOST_KEY_UNKNOWN', t('ssh.hostKeyUnknown', {address, fingerprint}), t('hint.acceptNew'))

export const hostKeyMismatch = (host: string, address: string, fingerprint: string, expected: string, file: string, line: number) =>
  new HostError(host, 'HOST_KEY_MISMATCH', t('ssh.hostKeyMismatch', {address, fingerprint, expected, file, line}), t('hint.hostKeyMismatch', {file, line}))

export const hostKeyRevoked = (host: string, address: string, fingerprint: string) =>
  new HostError(host, 'HOST_KEY_REVOKED', t('ssh.hostKeyRevoked', {address, fingerprint}))
