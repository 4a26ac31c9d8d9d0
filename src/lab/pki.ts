import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {$} from 'zx'
import {stringify} from 'yaml'

import {certificateNames} from '../dns/names.js'
import type {LabSpec} from './spec.js'

const quiet = $({quiet: true})

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
 * impersonates one node, not all), a DKIM key, the key pair stored mail is encrypted with, and a demo mailbox (also postmaster, and the
 * account `mailops verify` logs in with). Keys (HOST/tls_key) and its password go to a 0600
 * secrets file; the CA to ca.pem for clients (tls_ca_file, which verify checks chains against)
 * and to tls_ca_cert (which the edges verify the core against). Per host, tls-HOST.csr and
 * tls-HOST.ext stay in the lab folder, so tests can issue that host another certificate.
 */
export async function labMailSetup(spec: LabSpec, dir: string): Promise<LabMailSetup> {
  const at = (file: string) => join(dir, file)
  await quiet`openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj ${`/CN=mailops lab ${spec.name} CA`} -keyout ${at('ca.key')} -out ${at('ca.pem')}`
  await Promise.all([
    ...spec.hosts.map(async (host) => {
      const file = (ext: string) => at(`tls-${host.name}.${ext}`)
      await quiet`openssl req -newkey rsa:2048 -nodes -subj ${`/CN=${host.fqdn}`} -keyout ${file('key')} -out ${file('csr')}`
      const names = certificateNames(host, spec.domain).map((name) => `DNS:${name}`)
      writeFileSync(file('ext'), `subjectAltName=${[...names, `IP:${host.address}`].join(',')}\nextendedKeyUsage=serverAuth\n`)
      // A random serial per certificate (no shared .srl file written by parallel signings).
      await quiet`openssl x509 -req -in ${file('csr')} -CA ${at('ca.pem')} -CAkey ${at('ca.key')} -set_serial ${`0x${randomBytes(16).toString('hex')}`} -days 365 -extfile ${file('ext')} -out ${file('pem')}`
    }),
    quiet`openssl genrsa -out ${at('dkim.key')} 2048`,
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
  writeFileSync(at(secretsFile), stringify({...tlsKeys, dkim_private_key: read('dkim.key'), mail_crypt_private_key: read('mail-crypt.key'), verify_password: password}), {mode: 0o600})
  chmodSync(at(secretsFile), 0o600)
  return {
    secretsFile,
    hostVars: Object.fromEntries(spec.hosts.map((h) => [h.name, {tls_cert: `${read(`tls-${h.name}.pem`)}\n${read('ca.pem')}`}])),
    vars: {
      domain: spec.domain,
      tls_ca_file: 'ca.pem',
      // The lab's CA by a name of its own (a private CA has no CAA identifier): what its CAA record allows.
      caa_issuers: [`ca.${spec.domain}`],
      tls_ca_cert: read('ca.pem'),
      mail_crypt_public_key: read('mail-crypt.pub'),
      mail_users: [{name: 'demo', password_hash: hash}],
      postmaster_to: 'demo',
      verify_user: 'demo',
      verify_probe_source: spec.probeAddress,
    },
  }
}
