import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A key and a self-signed certificate for it, made by openssl as an operator would. */
export function keyAndCert(): {key: string; cert: string} {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-pem-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=t', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], {stdio: 'ignore'})
  return {key: readFileSync(join(dir, 'k'), 'utf8'), cert: readFileSync(join(dir, 'c'), 'utf8')}
}
