import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, inject, it} from 'vitest'

import {ExecReport, LabStatusReport} from '../../src/config/schemas/reports.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'
import {ghostAddress, readText} from '../helpers/lab.js'
import {SHARED_LAB} from './lab-setup.js'

const lab = inject('lab')

describe('mailops exec', () => {
  it('runs a command on every lab host and reports per host', () => {
    const result = mailops(['exec', '-i', lab.inventory, '--json', '--', 'hostname'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ExecReport, report)
    expect(report.results.map((r: {host: string; stdout: string}) => [r.host, r.stdout])).toEqual([
      ['node1', 'node1\n'],
      ['node2', 'node2\n'],
      ['node3', 'node3\n'],
      ['node4', 'node4\n'],
    ])
    const human = mailops(['exec', '-i', lab.inventory, '--hosts', 'node2', '--', 'echo hi'])
    expect(human.stdout).toContain('node2 | hi')
  })

  it('exits 1 when a command fails and 3 when a host is unreachable', () => {
    const failing = mailops(['exec', '-i', lab.inventory, '--hosts', 'node1,node2', '--', 'test "$(hostname)" = node1'])
    expect(failing.code).toBe(1)

    const inventory = join(dirname(lab.inventory), 'inventory-with-ghost.yaml')
    writeFileSync(inventory, readText(lab.inventory) + `  - name: ghost\n    address: ${ghostAddress(SHARED_LAB.subnet)}\n    role: edge\n`)
    const unreachable = mailops(['exec', '-i', inventory, '--connect-timeout', '1', '--json', '--', 'true'])
    expect(unreachable.code).toBe(3)
    const ghost = unreachable.json().results.find((r: {host: string}) => r.host === 'ghost')
    expect(ghost.ok).toBe(false)
    expect(ghost.error.code).toMatch(/CONNECT_(TIMEOUT|FAILED)/)
  })

  it('needs a command', () => {
    const result = mailops(['exec', '-i', lab.inventory])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('no command given')
  })
})

describe('mailops lab status', () => {
  it('shows the shared lab running with sshd answering', () => {
    const report = mailops(['lab', 'status', '--name', lab.name, '--json']).json()
    expectValid(LabStatusReport, report)
    expect(report.hosts).toHaveLength(4)
    for (const host of report.hosts) {
      expect(host.running).toBe(true)
      expect(host.sshd).toMatch(/^SSH-2\.0-OpenSSH/)
    }
  })
})
