import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {$} from 'zx'
import {stringify} from 'yaml'

import {certificateNames} from '../dns/names.js'
import {acmeDirectory, acmeFiles} from './acme.js'
import type {LabSpec} from './spec.js'

const quiet = $({quiet: true})

/** Who issues the lab nodes' certificates: the lab's private CA (handed in by deploy as files) or the lab's Pebble over ACME. */
export const LAB_TLS = ['ca', 'acme'] as const
export type LabTls = (typeof LAB_TLS)[number]

/**
 * The inventory vars of a lab whose nodes get their certificates from the lab's Pebble: its
 * directory, the CA of its HTTPS listener (which certbot on the nodes trusts), and, as what
 * verify checks chains against (tls_ca_file) and the edges verify the core against
 * (tls_ca_cert), the root this Pebble issues under beside the lab's CA (a node switched back to
 * files still verifies). acme_issuer_cert is the CA verify's tls.issuer expects.
 */
function acmeVars(spec: LabSpec, dir: string, labCa: string): Record<string, unknown> {
  const f = acmeFiles(dir)
  const root = readFileSync(f.root, 'utf8').trim()
  writeFileSync(join(dir, 'trusted-ca.pem'), `${labCa}\n${root}\n`)
  return {
    tls_source: 'acme',
    acme_directory: acmeDirectory(spec),
    acme_email: `postmaster@${spec.domain}`,
    acme_ca_cert: readFileSync(f.listenerCa, 'utf8').trim(),
    acme_issuer_cert: root,
    tls_ca_file: 'trusted-ca.pem',
    tls_ca_cert: `${labCa}\n${root}`,
  }
}

export interface LabMailSetup {
  /** inventory vars for the blueprints */
  vars: Record<string, unknown>
  /** per-host vars: each host's own certificate */
  hostVars: Record<string, Record<string, unknown>>
  /** the secrets file, relative to the lab folder */
  secretsFile: string
}

/**
 * What a lab needs to deploy the mail blueprints as it is: a private CA with a key and a
 * certificate of its own for every host (the names certificateNames gives it, its address: one stolen key
 * impersonates one node, not all), a DKIM key, the key pair stored mail is encrypted with, the age identity backups are encrypted to (backup.key, 0600), and a demo mailbox (also postmaster, and the
 * account `mailops verify` logs in with). Keys (HOST/tls_key) and its password go to a 0600
 * secrets file; the CA to ca.pem for clients (tls_ca_file, which verify checks chains against)
 * and to tls_ca_cert (which the edges verify the core against). Per host, tls-HOST.csr and
 * tls-HOST.ext stay in the lab folder, so tests can issue that host another certificate.
 */
export async function labMailSetup(spec: LabSpec, dir: string, tls: LabTls = 'ca'): Promise<LabMailSetup> {
  const at = (file: string) => join(dir, file)
  await quiet`openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj ${`/CN=mailops lab ${spec.name} CA`} -keyout ${at('ca.key')} -out ${at('ca.pem')}`
  await Promise.all([
    ...spec.hosts.map(async (host) => {
      const file = (ext: string) => at(`tls-${host.name}.${ext}`)
      await quiet`openssl req -newkey rsa:2048 -nodes -subj ${`/CN=${host.fqdn}`} -keyout ${file('key')} -out ${file('csr')}`
      // The node's certificate names, and for the lab's clients the domain and the address too (no ACME server issues those).
      const names = [...certificateNames(host, spec.domain), spec.domain].map((name) => `DNS:${name}`)
      writeFileSync(file('ext'), `subjectAltName=${names.join(',')},IP:${host.address}\nextendedKeyUsage=serverAuth\n`)
      // A random serial per certificate (no shared .srl file written by parallel signings).
      await quiet`openssl x509 -req -in ${file('csr')} -CA ${at('ca.pem')} -CAkey ${at('ca.key')} -set_serial ${`0x${randomBytes(16).toString('hex')}`} -days 365 -extfile ${file('ext')} -out ${file('pem')}`
    }),
    quiet`openssl genrsa -out ${at('dkim.key')} 2048`,
    // The cores' replication login (blueprint replication), used once a lab has two cores.
    quiet`ssh-keygen -q -t ed25519 -N ${''} -C mailops-replication -f ${at('replication.key')}`,
    // The age identity backups are encrypted to (docs/backup.md): restore --identity backup.key.
    (async () => {
      await quiet`age-keygen -o ${at('backup.key')}`
      chmodSync(at('backup.key'), 0o600)
    })(),
    // The key pair the cores encrypt stored mail with (docs/encryption-at-rest.md): every lab core does.
    (async () => {
      await quiet`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out ${at('mail-crypt.key')}`
      await quiet`openssl pkey -in ${at('mail-crypt.key')} -pubout -out ${at('mail-crypt.pub')}`
    })(),
  ])
  const password = randomBytes(12).toString('base64url')
  const hash = (await $({quiet: true, input: `${password}\n${password}\n`})`doveadm pw -s SHA512-CRYPT`).stdout.trim()
  const read = (file: string) => readFileSync(at(file), 'utf8').trim()
  const secretsFile = 'secrets.yaml'
  const tlsKeys = Object.fromEntries(spec.hosts.map((h) => [`${h.name}/tls_key`, read(`tls-${h.name}.key`)]))
  writeFileSync(at(secretsFile), stringify({...tlsKeys, dkim_private_key: read('dkim.key'), mail_crypt_private_key: read('mail-crypt.key'), replication_key: `${read('replication.key')}\n`, verify_password: password}), {mode: 0o600})
  chmodSync(at(secretsFile), 0o600)
  const acme = tls === 'acme' ? acmeVars(spec, dir, read('ca.pem')) : {}
  return {
    secretsFile,
    // An ACME node's certificate is the one its ACME server issued: the lab's stays in the folder (tls-HOST.pem) for a switch back.
    hostVars: Object.fromEntries(spec.hosts.map((h) => [h.name, tls === 'acme' ? {} : {tls_cert: `${read(`tls-${h.name}.pem`)}\n${read('ca.pem')}`}])),
    vars: {
      domain: spec.domain,
      tls_ca_file: 'ca.pem',
      // The lab's CA by a name of its own (a private CA has no CAA identifier): what its CAA record allows.
      caa_issuers: [`ca.${spec.domain}`],
      tls_ca_cert: read('ca.pem'),
      ...acme,
      mail_crypt_public_key: read('mail-crypt.pub'),
      replication_public_key: read('replication.key.pub'),
      backup_recipient: (await quiet`age-keygen -y ${at('backup.key')}`).stdout.trim(),
      mail_users: [{name: 'demo', password_hash: hash}],
      postmaster_to: 'demo',
      verify_user: 'demo',
      verify_probe_source: spec.probeAddress,
    },
  }
}
