import {execFileSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {PeerCertificate} from 'node:tls'
import {describe, expect, it} from 'vitest'

import {issuerOutcome} from '../../../src/verify/tls.js'

const dir = mkdtempSync(join(tmpdir(), 'mailops-issuer-'))
const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'})
/** A root, an intermediate under it and a leaf under that (an ACME server's shape), and another root. */
function pki(): Record<'root' | 'intermediate' | 'leaf' | 'other' | 'impostor', string> {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=root', '-keyout', 'root.key', '-out', 'root.pem')
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=other', '-keyout', 'other.key', '-out', 'other.pem')
  // Named like the root, with a key of its own: what only a signature check tells apart.
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=root', '-keyout', 'impostor.key', '-out', 'impostor.pem')
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n')
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=intermediate', '-keyout', 'int.key', '-out', 'int.csr')
  openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '1', '-days', '2', '-extfile', 'ca.ext', '-out', 'int.pem')
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=mx1.example.com', '-keyout', 'leaf.key', '-out', 'leaf.csr')
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', '2', '-days', '2', '-out', 'leaf.pem')
  const read = (file: string) => readFileSync(join(dir, file), 'utf8')
  return {root: read('root.pem'), intermediate: read('int.pem'), leaf: read('leaf.pem'), other: read('other.pem'), impostor: read('impostor.pem')}
}

type Chain = PeerCertificate & {issuerCertificate?: Chain}
/** What getPeerCertificate(true) gives: each certificate's DER, linked to its issuer's. */
const served = (...pems: string[]): Chain => {
  const links = pems.map((pem) => ({raw: new X509Certificate(pem).raw}) as Chain)
  links.forEach((link, i) => (link.issuerCertificate = links[i + 1] ?? link))
  return links[0]
}

describe('tls.issuer', () => {
  const p = pki()
  const fingerprint = new X509Certificate(p.leaf).fingerprint256

  it("passes an ACME node whose chain leads to the ACME server's CA, with or without the root sent", () => {
    expect(issuerOutcome({source: 'acme', cas: [p.root]}, served(p.leaf, p.intermediate), 'smtp:25')).toMatchObject({status: 'pass'})
    expect(issuerOutcome({source: 'acme', cas: [p.root]}, served(p.leaf, p.intermediate, p.root), 'smtp:25')).toMatchObject({status: 'pass'})
    expect(issuerOutcome({source: 'acme', cas: [p.other, p.intermediate]}, served(p.leaf), 'smtp:25')).toMatchObject({status: 'pass'})
  })

  it('fails an ACME node serving a certificate of another CA (a leftover, a self-made one)', () => {
    const result = issuerOutcome({source: 'acme', cas: [p.other]}, served(p.leaf, p.intermediate), 'smtp:25')
    expect(result).toMatchObject({status: 'fail', message: "not issued under the ACME server's CA (vars.acme_issuer_cert)", evidence: 'issuer: CN=intermediate'})
    // A CA certificate that only has the right name (not the key that signed the chain) does not pass.
    expect(issuerOutcome({source: 'acme', cas: [p.impostor]}, served(p.leaf, p.intermediate), 'smtp:25')).toMatchObject({status: 'fail'})
  })

  it("passes a node on files only when it serves exactly its vars.tls_cert; skips what it cannot compare", () => {
    expect(issuerOutcome({source: 'files', leafSha256: fingerprint}, served(p.leaf, p.intermediate), 'smtp:25')).toMatchObject({status: 'pass'})
    expect(issuerOutcome({source: 'files', leafSha256: new X509Certificate(p.other).fingerprint256}, served(p.leaf), 'smtp:25')).toMatchObject({status: 'fail'})
    expect(issuerOutcome({source: 'files'}, served(p.leaf), 'smtp:25')).toMatchObject({status: 'skip'})
    expect(issuerOutcome({source: 'acme', cas: []}, served(p.leaf), 'smtp:25')).toMatchObject({status: 'skip'})
    expect(issuerOutcome(undefined, served(p.leaf), 'smtp:25')).toMatchObject({status: 'skip'})
  })
})
