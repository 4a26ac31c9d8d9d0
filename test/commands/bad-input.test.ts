import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ErrorReport} from '../../src/config/schemas/error.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

interface Case {
  name: string
  file: string
  content: string
  args: (path: string) => string[]
  /** line:col expected in the message, and a fragment of what is wrong. */
  at: string
  says: RegExp
}

const cases: Case[] = [
  {
    name: 'wrong type',
    file: 'weights.yaml',
    content: 'dimensions:\n  coverage: high\n  network: 0.25\n  security: 0.25\n  extensibility: 0.15\n  cost: 0.15\n',
    args: (p) => ['score', '--weights', p],
    at: '2:13',
    says: /dimensions\.coverage: must be number, not string/,
  },
  {
    // YAML reads 1e309 (beyond a double) as a string: the message says why, not "not string".
    name: 'number beyond range',
    file: 'providers.yaml',
    content: 'providers:\n  - id: m365\n    values:\n      cost.tco: 1e309\n',
    args: (p) => ['score', '--providers', p],
    at: '4:17',
    says: /providers\[0\]\.values\.cost\.tco: is 1e309, beyond the largest number a file can hold/,
  },
  {
    name: 'unknown key (typo)',
    file: 'scenario.yaml',
    content: 'revenue: 1000000\nseets: 300\n',
    args: (p) => ['tco', '--scenario', p],
    at: '2:1',
    says: /unknown key 'seets'; valid keys: currency, revenue, seats/,
  },
  {
    name: 'negative revenue',
    file: 'scenario.yaml',
    content: 'seats: 10\nrevenue: -5\n',
    args: (p) => ['tco', '--scenario', p],
    at: '2:10',
    says: /revenue: is -5; it must be > 0/,
  },
  {
    name: 'weights not summing to 1',
    file: 'weights.yaml',
    content: 'dimensions:\n  coverage: 0.2\n  network: 0.3\n  security: 0.25\n  extensibility: 0.15\n  cost: 0.15\n',
    args: (p) => ['score', '--weights', p],
    at: '2:3',
    says: /dimension weights sum to 1\.05; they must sum to 1/,
  },
  {
    name: 'inconsistent AHP matrix',
    file: 'weights.yaml',
    content:
      'ahp:\n  matrix:\n    - [1, 9, 1/9, 1, 1]\n    - [1/9, 1, 9, 1, 1]\n    - [9, 1/9, 1, 1, 1]\n    - [1, 1, 1, 1, 1]\n    - [1, 1, 1, 1, 1]\n',
    args: (p) => ['score', '--weights', p],
    at: '3:5',
    says: /consistency ratio 1\.2932 \(must be below 0\.1\)/,
  },
  {
    name: 'AHP judgement that is not the reciprocal of its mirror',
    file: 'weights.json',
    content: '{"ahp": {"matrix": [\n  [1, 2, 1, 1, 1],\n  [2, 1, 1, 1, 1],\n  [1, 1, 1, 1, 1],\n  [1, 1, 1, 1, 1],\n  [1, 1, 1, 1, 1]]}}\n',
    args: (p) => ['score', '--weights', p],
    at: '3:4',
    says: /row 2, column 1 must be the reciprocal of the one at row 1, column 2/,
  },
  {
    name: 'both direct and AHP weights',
    file: 'weights.yaml',
    content: 'dimensions: {coverage: 0.2, network: 0.2, security: 0.2, extensibility: 0.2, cost: 0.2}\nahp:\n  matrix: [[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]\n',
    args: (p) => ['score', '--weights', p],
    at: '2:1',
    says: /`dimensions` and `ahp` are both given/,
  },
  {
    name: 'YAML syntax error',
    file: 'scenario.yaml',
    content: 'revenue: [1, 2\nseats: 3\n',
    args: (p) => ['tco', '--scenario', p],
    at: '2:1',
    says: /not valid YAML\/JSON/,
  },
  {
    name: 'duplicate key',
    file: 'scenario.yaml',
    content: 'seats: 10\nseats: 20\n',
    args: (p) => ['tco', '--scenario', p],
    at: '2:1',
    says: /not valid YAML\/JSON: duplicated mapping key/,
  },
  {
    name: 'budget split not summing to 1',
    file: 'scenario.yaml',
    content: 'budget:\n  split:\n    infrastructure: 0.5\n    integration: 0.25\n    training: 0.2\n    riskReserve: 0.15\n    operations: 0.1\n',
    args: (p) => ['tco', '--scenario', p],
    at: '3:5',
    says: /budget split shares sum to 1\.2/,
  },
  {
    name: 'price in a currency with no exchange rate',
    file: 'scenario.yaml',
    content: 'seats: 100\ncurrency: EUR\n',
    args: (p) => ['tco', '--scenario', p],
    at: '2:11',
    says: /priced in USD, but no exchange rate to EUR is given \(add fxRates\.USD\)/,
  },
  {
    name: 'task with two Accountable roles',
    file: 'plan.yaml',
    content:
      'tasks:\n  - id: pilot\n    phase: 1\n    name: Pilot\n    startMonth: 0\n    endMonth: 2\n    raci: {it-lead: A, sponsor: A, mail-ops: R}\n',
    args: (p) => ['plan', '--plan', p],
    at: '7:11',
    says: /task pilot has 2 Accountable roles; exactly one must be A/,
  },
  {
    name: 'task without a Responsible role',
    file: 'plan.yaml',
    content: 'tasks:\n  - id: pilot\n    phase: 1\n    name: Pilot\n    startMonth: 0\n    endMonth: 2\n    raci: {it-lead: A}\n',
    args: (p) => ['plan', '--plan', p],
    at: '7:11',
    says: /task pilot has no Responsible role/,
  },
  {
    name: 'RACI naming an undefined role',
    file: 'plan.yaml',
    content: 'tasks:\n  - id: pilot\n    phase: 1\n    name: Pilot\n    startMonth: 0\n    endMonth: 2\n    raci: {it-lead: A, intern: R}\n',
    args: (p) => ['plan', '--plan', p],
    at: '7:24',
    says: /names role 'intern', which is not defined/,
  },
  {
    name: 'task outside its phase',
    file: 'plan.yaml',
    content: 'tasks:\n  - id: pilot\n    phase: 1\n    name: Pilot\n    startMonth: 2\n    endMonth: 5\n    raci: {it-lead: A, mail-ops: R}\n',
    args: (p) => ['plan', '--plan', p],
    at: '5:17',
    says: /task pilot runs outside phase 1 \(months 0-3\)/,
  },
  {
    name: 'phase budget shares not summing to 1',
    file: 'plan.yaml',
    content:
      'phases:\n  - {name: One, startMonth: 0, endMonth: 3, budgetShare: 0.5}\n  - {name: Two, startMonth: 3, endMonth: 6, budgetShare: 0.4}\n  - {name: Three, startMonth: 6, endMonth: 12, budgetShare: 0.3}\n  - {name: Four, startMonth: 12, endMonth: 24, budgetShare: 0.2}\n',
    args: (p) => ['plan', '--plan', p],
    at: '2:3',
    says: /phase budget shares sum to 1\.4/,
  },
  {
    name: 'incomplete new provider',
    file: 'providers.yaml',
    content: 'providers:\n  - id: acme-mail\n    name: ACME Mail\n    values: {network.latency: 20}\n',
    args: (p) => ['score', '--providers', p],
    at: '2:5',
    says: /provider acme-mail is not complete: .*missing required key 'kind'/,
  },
  {
    name: 'unknown provider in `only`',
    file: 'providers.yaml',
    content: 'providers:\n  - id: m365\n    values: {network.latency: 20}\nonly: [m365, gmail]\n',
    args: (p) => ['score', '--providers', p],
    at: '4:14',
    says: /unknown provider 'gmail'; known: m365, google-workspace/,
  },
  {
    name: 'latency report of the wrong shape',
    file: 'latency.json',
    content: '{"measuredAt": "2026-11-22T10:00:00Z",\n "targets": [{"id": "x", "host": "h", "probe": "udp", "stats": {}}]}\n',
    args: (p) => ['score', '--latency', p],
    at: '2:48',
    says: /targets\[0\]\.probe: is "udp"; valid values: "icmp", "tcp", "smtp"/,
  },
]

describe('bad input: clear error, exit code 2, nothing produced', () => {
  it.each(cases)('$name', ({file, content, args, at, says}) => {
    const path = tempFile(file, content)
    const result = mailops(args(path))
    expect(result.code, result.stderr).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`${path}:${at}:`)
    expect(result.stderr).toMatch(says)
  })

  it('gives the same error as JSON with its location under --json', () => {
    const path = tempFile('scenario.yaml', 'seats: 10\nrevenue: -5\n')
    const result = mailops(['tco', '--scenario', path, '--json'])
    expect(result.code).toBe(2)
    const report = result.json()
    expectValid(ErrorReport, report)
    expect(report.error).toMatchObject({code: 'INPUT_INVALID', exit: 2})
    expect(report.error.problems[0].location).toEqual({file: path, line: 2, col: 10, path: '/revenue'})
  })

  it('names a missing file', () => {
    const result = mailops(['tco', '--scenario', '/nonexistent/scenario.yaml'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('cannot read /nonexistent/scenario.yaml: no such file')
  })

  it('rejects bad flag values with exit code 2', () => {
    expect(mailops(['score', '--method', 'electre']).code).toBe(2)
    const start = mailops(['plan', '--start', '2027-02-30'])
    expect(start.code).toBe(2)
    expect(start.stderr).toContain("'2027-02-30' is not a real date")
  })

  it('writes no output file when the input is bad', () => {
    const path = tempFile('plan.yaml', 'tasks:\n  - id: x\n    phase: 9\n    name: X\n    startMonth: 0\n    endMonth: 1\n    raci: {it-lead: AR}\n')
    const output = join(dirname(path), 'plan.ics')
    const result = mailops(['plan', '--plan', path, '--format', 'ics', '--output', output])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('task x is in phase 9, but there are only 4 phases')
    expect(existsSync(output)).toBe(false)
  })

  it('reports in Simplified Chinese with --lang zh-CN', () => {
    const path = tempFile('scenario.yaml', 'seets: 10\n')
    const result = mailops(['tco', '--scenario', path, '--lang', 'zh-CN'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`错误: ${path}:1:1: (top level): 未知的键 'seets'`)
  })

  it("says the flag parser's mistakes and the schema's type names in Simplified Chinese too", () => {
    const cases: Array<[string[], string, string]> = [
      [['tco', '--seat', '5'], '没有这个参数：--seat', 'Nonexistent flag: --seat'],
      [['tco', '--format', 'xx'], '--format=xx 无效；有效值：table, md', 'Expected --format=xx to be one of: table, md'],
      [['tco', '--seats', 'abc'], '--seats 需要整数，收到的是：abc', 'Parsing --seats: Expected an integer but received: abc'],
      [['score', '--method'], '参数 --method 需要以下值之一：wsm, topsis', 'Flag --method expects one of these values: wsm, topsis'],
      [['schema', 'answers', 'extra'], '多余的参数：extra', 'Unexpected argument: extra'],
    ]
    for (const [args, zh, en] of cases) {
      const chinese = mailops([...args, '--lang', 'zh-CN'])
      expect(chinese.code, args.join(' ')).toBe(2)
      expect(chinese.stderr).toContain(`错误: ${zh}\n`)
      expect(chinese.stderr).not.toContain('See more help')
      expect(mailops(args).stderr).toContain(`Error: ${en}\n`)
    }
    const answers = tempFile('answers.yaml', 'seats: abc\n')
    const types = mailops(['assess', '--answers', answers, '--no-prompt', '--lang', 'zh-CN'])
    expect(types.code).toBe(2)
    expect(types.stderr).toContain(`${answers}:1:8: seats: 应为整数，实际为字符串`)
  })
})
