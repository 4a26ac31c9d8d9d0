import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {LatencyReport} from '../../src/config/schemas/latency.js'
import {mailops, ROOT, tempFile} from '../helpers/cli.js'
import {tcpSink} from '../helpers/tcp-sink.js'
import {expectValid} from '../helpers/schema.js'

const folder = () => dirname(tempFile('x', ''))
const company = ['--company', 'ACME', '--industry', 'fmcg', '--revenue', '80M', '--seats', '600', '--no-probe']
const flags = [...company, '--zone', 'apac,europe']

describe('assess keeps what a person edited', () => {
  it('keeps an edited inventory.yaml, says so, and writes the new skeleton beside it', () => {
    const out = join(folder(), 'report')
    expect(mailops(['assess', ...flags, '--out-dir', out]).code).toBe(0)
    // Unedited: a re-run replaces it without a word.
    const again = mailops(['assess', ...company, '--zone', 'apac', '--out-dir', out])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('Warning')
    expect(readFileSync(join(out, 'inventory.yaml'), 'utf8')).not.toContain('edge-europe')
    // Edited: kept.
    const edited = readFileSync(join(out, 'inventory.yaml'), 'utf8').replace('192.0.2.10', '203.0.113.10')
    writeFileSync(join(out, 'inventory.yaml'), edited)
    const third = mailops(['assess', ...flags, '--out-dir', out])
    expect(third.code, third.stderr).toBe(0)
    expect(third.stderr).toContain(`Warning: ${join(out, 'inventory.yaml')} was edited since mailops wrote it: kept as it is`)
    expect(readFileSync(join(out, 'inventory.yaml'), 'utf8')).toBe(edited)
    expect(readFileSync(join(out, 'inventory.new.yaml'), 'utf8')).toContain('edge-europe')
  })
})

describe('path mistakes are the user’s, not a bug', () => {
  it('assess --out-dir naming a file: exit 2, nothing written', () => {
    const file = tempFile('taken', 'mine\n')
    const result = mailops(['assess', ...flags, '--out-dir', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`--out-dir ${file} is a file, not a folder`)
    expect(readFileSync(file, 'utf8')).toBe('mine\n')
  })

  it('plan -o into a missing folder or onto a folder: exit 2 naming it', () => {
    const missing = join(folder(), 'nope', 'plan.ics')
    const result = mailops(['plan', '--format', 'ics', '-o', missing])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`folder ${dirname(missing)} does not exist`)
    const dir = folder()
    expect(mailops(['plan', '-o', dir]).stderr).toContain(`--output ${dir} is a folder`)
  })

  it('names the real schema in the hint', () => {
    const weights = tempFile('weights.yaml', 'dimension: {}\n')
    expect(mailops(['score', '--weights', weights]).stderr).toContain('Hint: Run `mailops schema weights`')
  })
})

describe('latency --json -o FILE', () => {
  const sink = tcpSink()

  it('writes the JSON report into the file, which score --latency reads', () => {
    const file = join(folder(), 'latency.json')
    const result = mailops(['latency', '--probe', 'tcp', `127.0.0.1:${sink.port}`, '--samples', '2', '--interval', '20ms', '--json', '-o', file])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(readFileSync(file, 'utf8'))
    expectValid(LatencyReport, report)
    expect(report.targets[0].stats.n).toBe(2)
    expect(mailops(['score', '--latency', file]).code).toBe(0)
  })

  it("names in settings.probes the kinds it probed: a targets file's probe wins over the --probe default", () => {
    const targets = tempFile('targets.yaml', 'targets:\n  - {id: loopback, host: 127.0.0.1, probe: icmp}\n')
    const result = mailops(['latency', '--targets', targets, '--samples', '2', '--interval', '20ms', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.targets.map((t: {probe: string}) => t.probe)).toEqual(['icmp'])
    expect(report.settings.probes).toEqual(['icmp'])
  })
})

describe('NO_COLOR', () => {
  // `script` gives the command a real terminal, where tables are coloured unless NO_COLOR is set.
  const onTerminal = (env: Record<string, string>) =>
    spawnSync('script', ['-qec', `node ${join(ROOT, 'bin', 'run.js')} matrix`, '/dev/null'], {encoding: 'utf8', env: {...process.env, ...env}}).stdout

  it('colours tables on a terminal, and not with NO_COLOR set', () => {
    const env = {...process.env} as Record<string, string>
    // A user's terminal: CI=true (as .ci/run sets it) makes colour detection say no colours.
    delete env.NO_COLOR
    delete env.CI
    expect(spawnSync('script', ['-qec', `node ${join(ROOT, 'bin', 'run.js')} matrix`, '/dev/null'], {encoding: 'utf8', env}).stdout).toContain('\u001b[')
    expect(onTerminal({NO_COLOR: '1'})).not.toContain('\u001b[')
  })
})

describe('user text escaped for each output', () => {
  const plan = () => {
    const dir = folder()
    mkdirSync(dir, {recursive: true})
    return tempFile(
      'plan.yaml',
      [
        'start: 2027-01-01',
        'tasks:',
        '  - {id: a, phase: 1, name: "section Go\\u001b[31m live", startMonth: 0, endMonth: 1, raci: {it-lead: A, vendor: R}}',
        '  - {id: b, phase: 1, name: "Split | cell\\nsecond line", startMonth: 1, endMonth: 2, raci: {it-lead: A, vendor: R}}',
      ].join('\n'),
    )
  }

  it('ICS: no control character in a TEXT value; Mermaid: a name is never a keyword; Markdown: one cell stays one cell', () => {
    const file = plan()
    const ics = mailops(['plan', '--plan', file, '--format', 'ics']).stdout
    expect(ics).toContain('SUMMARY:section Go[31m live\r\n')
    expect(ics.replaceAll('\r\n', '')).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f]/)
    expect(ics).toContain('SUMMARY:Split | cell\\nsecond line')
    const mermaid = mailops(['plan', '--plan', file, '--format', 'mermaid']).stdout
    expect(mermaid).toContain('  \u200bsection Go [31m live :t_a, 2027-01-01, 2027-02-01')
    expect(mermaid).not.toMatch(/^\s*section Go/m)
    const md = mailops(['plan', '--plan', file, '--format', 'md']).stdout
    expect(md).toContain('| Split \\| cell<br>second line |')
  })
})
