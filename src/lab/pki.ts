import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {$} from 'zx'
import {stringify} from 'yaml'

import type {LabSpec} from './spec.js'

const quiet = $({quiet: true})

export interface LabMailSetup {
  /** inventory vars for the blueprints */
  vars: Record<string, unknown>
  /** the secrets file, relative to the lab folder */
  secretsFile: string
}

/**
 * What a lab needs to deploy the mail blueprints as it is: a private CA with one certificate for
 * every host (names and addresses), a DKIM key, and a demo mailbox (also postmaster, and the
 * account `mailops verify` logs in with). Keys and its password go to a 0600 secrets file; the CA
 * to ca.pem for clients (tls_ca_file, which verify checks chains against).
 */
export async function labMailSetup(spec: LabSpec, dir: string): Promise<LabMailSetup> {
  const at = (file: string) => join(dir, file)
  await quiet`openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj ${`/CN=mailops lab ${spec.name} CA`} -keyout ${at('ca.key')} -out ${at('ca.pem')}`
  await quiet`openssl req -newkey rsa:2048 -nodes -subj ${`/CN=${spec.domain}`} -keyout ${at('tls.key')} -out ${at('tls.csr')}`
  const names = [spec.domain, ...spec.hosts.map((h) => h.fqdn)].map((n) => `DNS:${n}`)
  writeFileSync(at('tls.ext'), `subjectAltName=${[...names, ...spec.hosts.map((h) => `IP:${h.address}`)].join(',')}\nextendedKeyUsage=serverAuth\n`)
  await quiet`openssl x509 -req -in ${at('tls.csr')} -CA ${at('ca.pem')} -CAkey ${at('ca.key')} -CAcreateserial -days 365 -extfile ${at('tls.ext')} -out ${at('tls.pem')}`
  await quiet`openssl genrsa -out ${at('dkim.key')} 2048`
  const password = randomBytes(12).toString('base64url')
  const hash = (await $({quiet: true, input: `${password}\n${password}\n`})`doveadm pw -s SHA512-CRYPT`).stdout.trim()
  const read = (file: string) => readFileSync(at(file), 'utf8').trim()
  const secretsFile = 'secrets.yaml'
  writeFileSync(at(secretsFile), stringify({tls_key: read('tls.key'), dkim_private_key: read('dkim.key'), verify_password: password}), {mode: 0o600})
  chmodSync(at(secretsFile), 0o600)
  return {
    secretsFile,
    vars: {
      domain: spec.domain,
      tls_cert: `${read('tls.pem')}\n${read('ca.pem')}`,
      tls_ca_file: 'ca.pem',
      tls_ca_cert: read('ca.pem'),
      mail_users: [{name: 'demo', password_hash: hash}],
      postmaster_to: 'demo',
      verify_user: 'demo',
    },
  }
}
