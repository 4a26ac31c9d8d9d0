import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EvidencePack, VerifyReport} from '../../src/config/schemas/reports.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// A core and an edge deployed from the bundled blueprints, then verified with a compliance
// profile; the pack is read as an auditor would (schema, sha256sum -c, the hashes on the host).
// Light (namespace) hosts: the records are the subject; booted provisioning is tested elsewhere.
const LAB = {name: 'evidencetest', subnet: '198.18.14.0/24'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory.yaml`
const auditDir = `${labDir}/audit`
const work = mkdtempSync(join(tmpdir(), 'mailops-evidence-'))
const sh = (host: string, command: string) => mailops(['lab', 'ssh', '--name', LAB.name, host, '--', command])
const verify = (...args: string[]) => mailops(['verify', '-i', inventory, '--skip', 'dns,delivery', '--audit-dir', auditDir, ...args])

beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '2', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const deployed = mailops(['deploy', '-i', inventory, '--audit-dir', auditDir])
  if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`)
})
afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('mailops verify --profile gdpr --evidence DIR', () => {
  it('writes a pack that validates, whose sums hold and whose hashes are what the host has; the run reaches each host over one SSH connection', () => {
    const dir = join(work, 'gdpr')
    // Each login is one line of the light host's sshd log: the checks, the audit logs and the
    // file hashes all go through verify's one session (it was three connections per host).
    const logins = () => ['node1', 'node2'].map((host) => Number(sh(host, 'grep -c "Accepted publickey" /var/log/sshd.log').stdout.trim()))
    const before = logins()
    const result = verify('--profile', 'gdpr', '--evidence', dir, '--json')
    // lab ssh itself logs in once per call: the second reading counts that login as well.
    expect(logins().map((n, i) => n - before[i] - 1)).toEqual([1, 1])
    expect([0, 1], result.stderr).toContain(result.code)
    const report = result.json()
    expectValid(VerifyReport, report)
    expect(report.evidence).toEqual({dir, files: ['evidence.json', 'verify.json', 'SHA256SUMS']})
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'evidence.json', 'verify.json'])
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], {cwd: dir, encoding: 'utf8'}).status).toBe(0)

    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'))
    expectValid(EvidencePack, pack)
    expect(pack.audit).toMatchObject({status: 'pass', runs: 1, problems: 0})
    expect(pack.retention).toEqual({work_retention_days: {days: 30, from: 'blueprint default'}, contract_retention_days: {days: 3650, from: 'blueprint default'}, log_retention_days: {days: 90, from: 'blueprint default'}})
    const mainCf = pack.configuration.find((h: {host: string}) => h.host === 'node1').files.find((f: {path: string}) => f.path === '/etc/postfix/main.cf')
    expect(mainCf.sha256).toBe(sh('node1', 'sha256sum /etc/postfix/main.cf').stdout.split(' ')[0])
    const controls = Object.fromEntries(pack.profile.controls.map((c: {id: string}) => [c.id, c]))
    // Nothing is claimed that was not checked: delivery (and with it delivery.at-rest) was skipped here,
    // and the gap says what encryption at rest leaves to the operator.
    expect(controls['Art. 32(1)(a) at rest']).toMatchObject({status: 'not-evidenced', gap: expect.stringContaining('whole stolen disk')})
    expect(controls['Art. 32(1)(a) in transit'].checks.map((c: {id: string}) => c.id)).toContain('tls.protocols')
    expect(controls['Art. 5(2)']).toMatchObject({status: 'met', checks: [{id: 'audit.chain', pass: 1}]})
  })

  it('shows the controls in the table, and a broken audit trail is a control not met', () => {
    const saved = sh('node2', 'cat /var/log/mailops/audit.jsonl').stdout
    expect(sh('node2', `sed -i '1s/"status":"applied"/"status":"busy"/' /var/log/mailops/audit.jsonl`).code).toBe(0)
    try {
      const result = verify('--profile', 'hipaa', '--only', 'host')
      expect(result.stdout).toMatch(/HIPAA Security Rule.*: \d+ of 7 controls met/)
      expect(result.stdout).toMatch(/164\.312\(b\) +│ Audit controls.*│ not-met/)
    } finally {
      sh('node2', `printf '%s' '${saved.replaceAll("'", "'\\''")}' > /var/log/mailops/audit.jsonl`)
    }
  })

  it('refuses a folder that is not empty, or a pack without a profile, before checking anything (exit 2)', () => {
    const dir = join(work, 'gdpr')
    const before = readFileSync(join(dir, 'evidence.json'), 'utf8')
    const again = verify('--profile', 'gdpr', '--evidence', dir)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('is not empty')
    expect(readFileSync(join(dir, 'evidence.json'), 'utf8')).toBe(before)
    const bare = verify('--evidence', join(work, 'other'))
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('--profile')
  })
})
