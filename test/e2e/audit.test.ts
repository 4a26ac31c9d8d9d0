import {generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {AuditVerifyReport} from '../../src/config/schemas/reports.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// Edits the host's audit log by hand: a lab of its own.
// Light (namespace) hosts: the records are the subject; booted provisioning is tested elsewhere.
const LAB = {name: 'audittest', subnet: '198.18.12.0/24'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const HOST_LOG = '/var/log/mailops/audit.jsonl'
const keys = mkdtempSync(join(tmpdir(), 'mailops-audit-key-'))
const auditDir = mkdtempSync(join(tmpdir(), 'mailops-audit-runs-'))
const {privateKey, publicKey} = generateKeyPairSync('ed25519')
writeFileSync(join(keys, 'audit-key.pem'), privateKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600})
writeFileSync(join(keys, 'audit-key.pub.pem'), publicKey.export({type: 'spki', format: 'pem'}))
const env = {MAILOPS_AUDIT_KEY: join(keys, 'audit-key.pem')}

const inventory = (motd: string) =>
  tempFile('inventory.yaml', stringify({knownHosts: `${labDir}/known_hosts`, defaults: {user: 'root', key: `${labDir}/id_ed25519`}, vars: {motd}, hosts: [{name: 'node1', address: '198.18.12.11', role: 'edge'}]}))
const sh = (command: string) => mailops(['lab', 'ssh', '--name', LAB.name, 'node1', '--', command])
const verify = (...args: string[]) => mailops(['audit', 'verify', '--audit-dir', auditDir, '--key', join(keys, 'audit-key.pub.pem'), '-i', inventory('x'), '--json', ...args])
const problemsOf = (report: {runs: Array<{problems: Array<{kind: string; line: number}>}>; hosts: Array<{problems: Array<{kind: string; line: number}>}>}) => ({
  runs: report.runs.flatMap((r) => r.problems.map((p) => `${p.kind}@${p.line}`)),
  hosts: report.hosts.flatMap((h) => h.problems.map((p) => `${p.kind}@${p.line}`)),
})

beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '1', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  for (const motd of ['first', 'second', 'third']) {
    const deployed = mailops(['deploy', '-i', inventory(motd), '--blueprint', 'base', '--json', '--audit-dir', auditDir], env)
    if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`)
  }
})
afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
  rmSync(keys, {recursive: true, force: true})
  rmSync(auditDir, {recursive: true, force: true})
})

describe('mailops audit verify: the trail proves itself', () => {
  it('finds three signed runs and the host log they vouch for intact (exit 0)', () => {
    const result = verify()
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const report = result.json()
    expectValid(AuditVerifyReport, report)
    expect(report.runs.map((r: {sealed: boolean; records: number}) => [r.sealed, r.records])).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
    ])
    expect(report.hosts).toEqual([{host: 'node1', records: 3, signedUpTo: 3, unsigned: 0, problems: []}])
  })

  it.each([
    ['an edited line', `sed -i '1s/"status":"applied"/"status":"conflict"/' ${HOST_LOG}`, ['edited@1']],
    ['a removed line', `sed -i '2d' ${HOST_LOG}`, ['removed@2']],
    ['two lines swapped', `{ sed -n 2p ${HOST_LOG}; sed -n 1p ${HOST_LOG}; sed -n 3p ${HOST_LOG}; } > /tmp/a && cat /tmp/a > ${HOST_LOG}`, ['reordered@2']],
    ['the last line edited', `sed -i '3s/"status":"applied"/"status":"busy"/' ${HOST_LOG}`, ['edited@3']],
    ['the last line removed', `sed -i '3d' ${HOST_LOG}`, ['truncated@0']],
  ])("on the host: %s is found, and which line (exit 1)", (_what, tamper, expected) => {
    const saved = sh(`cat ${HOST_LOG}`).stdout
    expect(sh(tamper).code).toBe(0)
    try {
      const result = verify()
      expect(result.code, result.stdout).toBe(1)
      expect(problemsOf(result.json())).toEqual({runs: [], hosts: expected})
    } finally {
      expect(sh(`printf '%s' '${saved.replaceAll("'", "'\\''")}' > ${HOST_LOG}`).code).toBe(0)
    }
    expect(verify().code).toBe(0)
  })

  it('on the controller: an edited run, a removed run and a foreign key are found, in words (exit 1)', () => {
    const files = readdirSync(auditDir).sort().map((f) => join(auditDir, f))
    const saved = files.map((f) => readFileSync(f, 'utf8'))
    try {
      writeFileSync(files[0], saved[0].replace('"status":"changed"', '"status":"unchanged"'))
      rmSync(files[1])
      const result = mailops(['audit', 'verify', '--audit-dir', auditDir, '--key', join(keys, 'audit-key.pub.pem')])
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(`${files[0]}:1: edited:`)
      expect(result.stdout).toMatch(new RegExp(`${files[2]}:2: missing-run: the run before this one, .*, is missing or was changed`))
      const other = generateKeyPairSync('ed25519').publicKey.export({type: 'spki', format: 'pem'})
      const foreign = mailops(['audit', 'verify', '--audit-dir', auditDir, '--key', tempFile('other.pub.pem', other as string), '--json'])
      expect(problemsOf(foreign.json()).runs).toContain('other-key@2')
    } finally {
      files.forEach((f, i) => writeFileSync(f, saved[i]))
    }
  })

  it('refuses a deploy whose signing key is missing before any host is touched (exit 2)', () => {
    const before = sh(`wc -l < ${HOST_LOG}`).stdout
    const result = mailops(['deploy', '-i', inventory('fourth'), '--blueprint', 'base', '--audit-dir', auditDir], {MAILOPS_AUDIT_KEY: join(keys, 'absent.pem')})
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('No audit key at')
    expect(sh(`wc -l < ${HOST_LOG}`).stdout).toBe(before)
    expect(sh('cat /etc/motd').stdout).not.toContain('fourth')
  })
})
