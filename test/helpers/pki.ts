import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface LabPki {
  dir: string
  caFile: string
  certChain: string
  key: string
  dkimKey: string
  /** base64 DER of the DKIM public key, as a DKIM DNS record carries it */
  dkimPublic: string
}

/** A private CA, one certificate for every name and address given, and a DKIM key. */
export function labPki(names: string[], addresses: string[]): LabPki {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-pki-'))
  const run = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'pipe', 'ignore']})
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=mailops lab CA', '-keyout', 'ca.key', '-out', 'ca.pem')
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', 'key.pem', '-out', 'req.csr')
  writeFileSync(join(dir, 'ext'), `subjectAltName=${[...names.map((n) => `DNS:${n}`), ...addresses.map((a) => `IP:${a}`)].join(',')}\n`)
  run('x509', '-req', '-in', 'req.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'ext', '-out', 'cert.pem')
  run('genrsa', '-out', 'dkim.pem', '2048')
  const read = (file: string) => readFileSync(join(dir, file), 'utf8').trim()
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certChain: `${read('cert.pem')}\n${read('ca.pem')}`,
    key: read('key.pem'),
    dkimKey: read('dkim.pem'),
    dkimPublic: run('rsa', '-in', 'dkim.pem', '-pubout', '-outform', 'DER').toString('base64'),
  }
}
