import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {PlanReport} from '../../src/config/schemas/plan.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('mailops plan', () => {
  it('runs on defaults, starting on the first day of next month', () => {
    const report = mailops(['plan', '--json']).json()
    expectValid(PlanReport, report)
    const now = new Date()
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10)
    expect(report.start).toBe(next)
    expect(report.variant).toBe('cross-border')
    expect(report.phases).toHaveLength(4)
  })

  it('reads a plan file with its own roles and tasks', () => {
    const file = tempFile(
      'plan.yaml',
      [
        'variant: enterprise',
        'start: 2027-03-01',
        'budget: 200000',
        'currency: EUR',
        'roles: {cio: CIO, ops: Mail team}',
        'tasks:',
        '  - {id: scan, phase: 1, name: "Baseline scan; TLS, DKIM", startMonth: 0, endMonth: 2, raci: {cio: A, ops: R}}',
        '  - {id: pilot, phase: 2, name: Pilot, startMonth: 3, endMonth: 9, raci: {cio: AR}}',
        '  - {id: go-live, phase: 4, name: Go live, startMonth: 24, endMonth: 24, milestone: true, raci: {cio: A, ops: R}}',
      ].join('\n'),
    )
    const report = mailops(['plan', '--plan', file, '--json']).json()
    expectValid(PlanReport, report)
    expect(report.roles).toEqual({cio: 'CIO', ops: 'Mail team'})
    expect(report.phases[0].tasks[0]).toMatchObject({id: 'scan', start: '2027-03-01', end: '2027-04-30'})
    expect(report.phases[3].tasks[0]).toMatchObject({id: 'go-live', start: '2029-02-28', milestone: true})
    expect(report.phases[1].budget).toBeCloseTo(60_000, 6)

    const ics = mailops(['plan', '--plan', file, '--format', 'ics']).stdout
    expect(ics).toContain('SUMMARY:Baseline scan\\; TLS\\, DKIM\r\n')
  })

  it('writes ICS, Mermaid and Markdown, to a file atomically with --output', () => {
    const dir = dirname(tempFile('x', ''))
    const output = join(dir, 'plan.ics')
    const result = mailops(['plan', '--variant', 'enterprise', '--start', '2027-01-01', '--format', 'ics', '--output', output], {
      SOURCE_DATE_EPOCH: '1800000000',
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    const ics = readFileSync(output, 'utf8')
    expect(ics).toContain('DTSTAMP:20270115T080000Z')
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(16)

    expect(mailops(['plan', '--start', '2027-01-01', '--format', 'mermaid']).stdout).toMatch(/^gantt\n {2}title /)
    const md = mailops(['plan', '--start', '2027-01-01', '--format', 'md']).stdout
    expect(md).toContain('## Rollout plan: cross-border trade')
    expect(md).toContain('| 1. Base infrastructure | 0-3 | 2027-01-01 | 2027-03-31 | 35% | $201,250 |')
  })

  it('speaks Simplified Chinese throughout with --lang zh-CN', () => {
    // Markdown: a boxed table wraps long task names to fit 100 columns.
    const zh = mailops(['plan', '--start', '2027-01-01', '--lang', 'zh-CN', '--format', 'md']).stdout
    expect(zh).toContain('实施计划：跨境贸易')
    expect(zh).toContain('部署邮件网关边缘节点')
    expect(zh).not.toMatch(/Phase|Task|Budget|Start|milestone/)
  })
})
