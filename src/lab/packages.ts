import {$} from 'zx'

import {ExitCode, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'

/**
 * Debian packages a lab host runs on, the mail stack the blueprints deploy included, and the
 * clients tests use (swaks, curl). Hosts see the machine's /, so they are installed there.
 */
export const LAB_PACKAGES = [
  'openssh-server', 'openssh-client', 'tini', 'iproute2', 'iputils-ping', 'sudo', 'procps', 'util-linux', 'python3-minimal', 'openssl',
  'postfix', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-lmtpd', 'dovecot-sieve', 'opendkim', 'opendkim-tools', 'logrotate', 'redis-server', 'rspamd', 'nftables', 'ca-certificates', 'swaks', 'libnet-ssleay-perl', 'libio-socket-ssl-perl', 'curl',
  // mailops backup encrypts its archives with age on the core; the lab's controller makes the identity.
  'age',
  // The edges' MTA-STS policy server; the core's outbound TLS policy maps (MTA-STS, and DANE before it).
  'nginx', 'postfix-mta-sts-resolver', 'python3-dnspython',
]

/** The lab's DNS on the controller (src/lab/dns.ts): NSD for its zones, ldnsutils to sign them, Unbound (validating) the hosts resolve through. */
export const LAB_DNS_PACKAGES = ['nsd', 'ldnsutils', 'unbound']

/** The lab's ACME server on the controller (src/lab/acme.ts): Pebble, Let's Encrypt's test CA. */
export const LAB_ACME_PACKAGES = ['pebble']

/** What the controller needs for booted hosts: the image builder, the container runner, apt's proxy. */
export const BOOTED_LAB_PACKAGES = ['mmdebstrap', 'systemd-container', 'tinyproxy']

export async function missingPackages(packages: readonly string[]): Promise<string[]> {
  const result = await $({nothrow: true, quiet: true})`dpkg-query -W -f=${'${Package} ${Status}\n'} ${packages}`
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split(' ')[0]),
  )
  return packages.filter((p) => !installed.has(p))
}

/**
 * Installs what is missing. Never while hosts run: their overlay sees / as it was, and a package
 * changing under a running host leaves it inconsistent.
 */
export async function ensurePackages(packages: readonly string[], report: (message: string) => void): Promise<string[]> {
  const missing = await missingPackages(packages)
  if (missing.length === 0) return []
  if (process.getuid?.() !== 0) {
    throw new MailopsError(t('lab.needRoot'), {code: 'LAB_NOT_ROOT', exit: ExitCode.badInput, hint: t('hint.labPackages', {packages: missing.join(' ')})})
  }
  report(t('lab.installing', {packages: missing.join(' ')}))
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'}
  // Postfix on the machine itself stays unconfigured: only lab hosts get a configuration.
  await $({quiet: true, input: 'postfix postfix/main_mailer_type select No configuration\n'})`debconf-set-selections`
  // Another run (a second lab, CI's setup) may hold dpkg's lock: wait for it, as deploy does on hosts.
  const lock = ['-o', 'DPkg::Lock::Timeout=300']
  await $({quiet: true, env})`apt-get ${lock} update -qq`
  await $({quiet: true, env})`apt-get ${lock} install -y -qq --no-install-recommends ${missing}`
  return missing
}
