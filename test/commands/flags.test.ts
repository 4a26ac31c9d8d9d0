import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailops, ROOT, tempFile} from '../helpers/cli.js'
import {tcpSink} from '../helpers/tcp-sink.js'

interface ManifestFlag {
  name: string
  char?: string
  aliases?: string[]
  charAliases?: string[]
  deprecateAliases?: boolean
  summary?: string
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, ManifestFlag>}>}
const everyFlag = Object.entries(manifest.commands).flatMap(([id, command]) => Object.values(command.flags).map((flag) => ({id, ...flag})))
const folder = () => dirname(tempFile('x', ''))
const company = ['--company', 'ACME', '--industry', 'fmcg', '--revenue', '80M', '--seats', '600', '--no-probe', '--json']

describe('a flag means one thing in every command', () => {
  it('-i is the inventory, -o one output file, and an old meaning is only a deprecated alias', () => {
    expect(everyFlag.filter((f) => f.char === 'i').map((f) => `${f.id} --${f.name}`)).toEqual(
      everyFlag.filter((f) => f.name === 'inventory').map((f) => `${f.id} --inventory`),
    )
    expect(everyFlag.filter((f) => f.char === 'o').every((f) => f.name === 'output')).toBe(true)
    for (const flag of everyFlag.filter((f) => (f.aliases ?? []).length > 0 || (f.charAliases ?? []).length > 0)) {
      expect(flag.deprecateAliases, `${flag.id} --${flag.name}`).toBe(true)
    }
  })

  it('zones are --zone everywhere; every timeout and interval is in seconds', () => {
    expect(everyFlag.filter((f) => f.name === 'zones')).toEqual([])
    const durations = everyFlag.filter((f) => /timeout|interval/.test(f.name))
    expect(durations.length).toBeGreaterThan(5)
    for (const flag of durations) expect(flag.summary, `${flag.id} --${flag.name}`).toMatch(/^Seconds/)
  })
})

describe('old spellings keep working and say what to write instead', () => {
  it('assess --out, -o and --zones', () => {
    for (const spelling of ['--out', '-o']) {
      const out = join(folder(), 'report')
      const result = mailops(['assess', ...company, '--zones', 'apac', spelling, out])
      expect(result.code, result.stderr).toBe(0)
      expect(result.json().out).toBe(out)
      expect(existsSync(join(out, 'report.html'))).toBe(true)
      expect(result.stderr).toContain(`Warning: ${spelling} is the old spelling of --out-dir`)
      expect(result.stderr).toContain('Warning: --zones is the old spelling of --zone')
    }
    const out = join(folder(), 'report')
    const current = mailops(['assess', ...company, '--zone', 'apac', '--zone', 'europe', '--out-dir', out])
    expect(current.code, current.stderr).toBe(0)
    expect(current.stderr).not.toContain('Warning')
    expect(current.json().answers.zones).toEqual(['apac', 'europe'])
  })

  it('tco -i/--input and plan -i/--input read the same file as --scenario and --plan, in the user’s language', () => {
    const scenario = tempFile('scenario.yaml', 'seats: 1234\n')
    const seats = (args: string[]) => mailops(['tco', ...args, '--json']).json().assumptions.seats
    expect(seats(['--scenario', scenario])).toBe(1234)
    expect(seats(['-i', scenario])).toBe(1234)
    expect(seats([`--input=${scenario}`])).toBe(1234)
    expect(mailops(['tco', `--input=${scenario}`]).stderr).toContain('--input is the old spelling of --scenario')
    const plan = tempFile('plan.yaml', 'variant: enterprise\n')
    expect(mailops(['plan', '--plan', plan, '--json']).json().variant).toBe('enterprise')
    const old = mailops(['plan', '-i', plan, '--json', '--lang', 'zh-CN'])
    expect(old.json().variant).toBe('enterprise')
    expect(old.stderr).toContain('-i 是 --plan 的旧写法')
  })

  it('latency --from is -i/--inventory', () => {
    const inventory = tempFile('inventory.yaml', 'hosts:\n  - {name: a, address: 127.0.0.1, role: mailbox}\n')
    const result = mailops(['latency', '--from', inventory, '--probe', 'tcp', '127.0.0.1:25', '--list'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--from is the old spelling of --inventory (-i)')
    // The inventory was read: the error is its bad role, at its line.
    expect(result.stderr).toContain(`${inventory}:2:`)
  })
})

describe('latency durations are seconds, or carry their unit', () => {
  const sink = tcpSink()

  it('reads 0.05, 50ms and 1.5s, and refuses an old script’s milliseconds before probing', () => {
    const settings = (...args: string[]) => {
      const result = mailops(['latency', '--probe', 'tcp', `127.0.0.1:${sink.port}`, '--samples', '2', ...args, '--json'])
      expect(result.code, result.stderr).toBe(0)
      return result.json().settings
    }
    expect(settings('--interval', '0.05', '--timeout', '1.5s')).toMatchObject({intervalMs: 50, timeoutMs: 1500})
    expect(settings('--interval', '50ms', '--timeout', '500ms')).toMatchObject({intervalMs: 50, timeoutMs: 500})
    expect(settings()).toMatchObject({intervalMs: 200, timeoutMs: 1000})
    const old = mailops(['latency', '--probe', 'tcp', `127.0.0.1:${sink.port}`, '--timeout', '1000'])
    expect(old.code).toBe(2)
    expect(old.stderr).toContain("--timeout: '1000' must be between 1 ms and 60 s (a bare number is seconds)")
    expect(old.stderr).toContain('e.g. 1000ms')
    expect(old.stdout).toBe('')
    const garbage = mailops(['latency', '--probe', 'tcp', `127.0.0.1:${sink.port}`, '--interval', 'soon'])
    expect(garbage.code).toBe(2)
    expect(garbage.stderr).toContain("--interval: 'soon' is not a duration")
  })
})

describe('amounts read the same in assess, tco and plan', () => {
  it('tco --revenue 120M; plan --revenue, --budget and --currency', () => {
    expect(mailops(['tco', '--revenue', '120M', '--json']).json().budget.mid.amount).toBeCloseTo(1_380_000, 6)
    expect(mailops(['tco', '--revenue', 'lots']).stderr).toContain("--revenue: 'lots' is not a number")
    const plan = (...args: string[]) => mailops(['plan', ...args, '--json'])
    expect(plan('--revenue', '120M').json().budget).toBeCloseTo(1_380_000, 6)
    expect(plan('--budget', '1.5M', '--revenue', '120M').json().budget).toBe(1_500_000)
    expect(plan('--currency', 'EUR', '--budget', '2M').json()).toMatchObject({currency: 'EUR', budget: 2_000_000})
    // The default budget comes from a USD revenue: in euros it would be a wrong number.
    const euros = plan('--currency', 'EUR')
    expect(euros.code).toBe(2)
    expect(euros.json().error.message).toContain('a plan in EUR needs its budget or the revenue it comes from')
    expect(plan('--currency', 'euro').code).toBe(2)
  })

  it('a missing zone names --zone', () => {
    const result = mailops(['assess', '--company', 'ACME', '--industry', 'fmcg', '--revenue', '1M', '--seats', '10', '--no-probe', '--out-dir', join(folder(), 'r')])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--zone\b/)
    expect(result.stderr).not.toContain('--zones')
  })
})
