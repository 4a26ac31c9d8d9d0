import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {SCHEMA_REGISTRY, type SchemaName} from '../../src/config/registry.js'
import {schemaErrors} from '../../src/config/validate.js'
import {labFiles, readState} from '../../src/lab/state.js'
import {ROOT, userEnv} from '../helpers/cli.js'
import {commandIds, commandOf, documentedExamples, examplesFile, flagValue, foreignHost, segments, tokens, type DocumentedExample} from '../helpers/examples.js'
import {xmllint} from '../helpers/junit.js'

// Every example the documentation shows (README.md and docs/*.md ```sh blocks, every command's
// --help) runs here as a user would type it, unless test/examples-illustrative.yaml lists it with
// the reason it cannot. What the examples need is made for them: a lab of 3 hosts of this test's
// own (deployed once, by the deploy examples), the input files they name in the folder they run
// in, and DNS for the lab's domain. Only what cannot work here is rewritten: lab names, subnets
// and addresses become this test's own, `--hosts mx1` names the lab host standing for mx1.
//
// Every example except the lab's own commands (which must make their bridge in the machine's
// network namespace) runs in a network namespace whose only links are loopback and the lab bridge,
// with the lab's DNS as its resolver: an example naming an internet host cannot send it a packet.

const ids = commandIds()
const documented = documentedExamples()
const listed = examplesFile()
const illustrative = new Map(listed.illustrative.map((e) => [e.example, e.reason]))
const documentedExit = new Map((listed.exits ?? []).map((e) => [e.example, e.exit]))
const runnable = documented.filter((e) => !illustrative.has(e.text))

/** The labs this test may bring up, given out in the order the examples name labs. */
const OWN_LABS = ['examples', 'examples2', 'examples3', 'examples4'].map((name, i) => ({name, subnet: `198.18.${192 + i}.0/24`}))
/** Where the examples run from: its own namespace on the main lab's bridge, at this host number. */
const SANDBOX = {netns: 'examples-ctl', link: 'exctl0', host: 250}
const LAB_ROOT = '/var/lib/mailops/lab'
const HANG_MS = 240_000

const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
const labUpFlags = manifest.commands['lab:up'].flags
const labCommands = ids.filter((id) => id.startsWith('lab '))

/** Each lab name the examples use (the default one first) → one of this test's own, with subnets. */
const labMap = (() => {
  const names = [String(labUpFlags.name.default)]
  const subnets: Record<string, string> = {[names[0]]: String(labUpFlags.subnet.default)}
  for (const {text} of runnable) {
    for (const segment of segments(text)) {
      if (!labCommands.includes(commandOf(segment, ids) ?? '')) continue
      const name = flagValue(tokens(segment), '--name')
      if (name && !names.includes(name)) names.push(name)
      const subnet = flagValue(tokens(segment), '--subnet')
      if (subnet && name) subnets[name] = subnet
    }
  }
  if (names.length > OWN_LABS.length) throw new Error(`the examples name ${names.length} labs (${names.join(', ')}); this test has ${OWN_LABS.length} of its own`)
  return new Map(names.map((name, i) => [name, {...OWN_LABS[i], example: {name, subnet: subnets[name]}}]))
})()
const mainLab = [...labMap.values()][0]
const prefixOf = (subnet: string) => subnet.split('.').slice(0, 3).join('.') + '.'
const mainPrefix = prefixOf(mainLab.subnet)
const bridgeAddress = `${mainPrefix}1`

let work: string
let shims: string

/** The example as it runs here: this test's labs, subnets, addresses and host names. */
function rewrite(text: string): string {
  const labSubcommands = new RegExp(`\\bmailops lab (${labCommands.map((c) => c.slice(4)).join('|')})\\b([^&|;]*)`, 'g')
  let shell = text.replace(labSubcommands, (_, sub: string, rest: string) => {
    const name = flagValue(tokens(rest), '--name')
    const lab = labMap.get(name ?? String(labUpFlags.name.default))!
    let args = name ? rest.replace(`--name ${name}`, `--name ${lab.name}`) : ` --name ${lab.name}${rest}`
    if (sub === 'up' && !flagValue(tokens(rest), '--subnet')) args = ` --subnet ${lab.subnet}${args}`
    return `mailops lab ${sub}${args}`
  })
  for (const lab of labMap.values()) {
    if (lab.example.subnet) shell = shell.replaceAll(new RegExp(`\\b${prefixOf(lab.example.subnet).replaceAll('.', '\\.')}(\\d+)`, 'g'), `${prefixOf(lab.subnet)}$1`)
    shell = shell.replaceAll(`${LAB_ROOT}/${lab.example.name}/`, `${LAB_ROOT}/${lab.name}/`)
  }
  return shell
    .split(/(\s*(?:&&|\|\||;)\s*)/)
    .map((segment) => {
      if (labCommands.includes(commandOf(segment, ids) ?? '')) return segment
      return segment.replace(/(--hosts[ =])(\S+)/, (_, flag: string, hosts: string) => flag + hosts.split(',').map((h) => listed.hostNames[h] ?? h).join(','))
    })
    .join('')
}

interface Run {
  shell: string
  code: number
  stdout: string
  stderr: string
}

/** Runs an example in bash, `mailops` being the built binary, in the folder with its input files. */
function runExample(text: string, input = ''): Run {
  const shell = rewrite(text)
  const foreign = foreignHost(shell, [...labMap.values()].map((l) => prefixOf(l.subnet)))
  if (foreign) throw new Error(`the example names ${foreign}, which is neither loopback nor a lab host: it cannot run here; list it in test/examples-illustrative.yaml with the reason`)
  const lab = segments(shell).some((s) => labCommands.includes(commandOf(s, ids) ?? ''))
  const repository = !/^mailops\b/.test(shell)
  const argv = lab ? ['bash', '-c', shell] : ['ip', 'netns', 'exec', SANDBOX.netns, 'bash', '-c', shell]
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: repository ? ROOT : work,
    encoding: 'utf8',
    env: {...userEnv(), NO_COLOR: '1', HOME: join(work, '..', 'home'), PATH: `${shims}:${process.env.PATH}`},
    input,
    timeout: HANG_MS,
  })
  return {shell, code: result.status ?? -1, stdout: result.stdout, stderr: result.signal ? `${result.stderr}\n[killed by ${result.signal} after ${HANG_MS / 1000} s]` : result.stderr}
}

const FORMATS: Record<string, RegExp> = {
  md: /^(\|.*\||#+ .*)$/m,
  csv: /^[^,\n]+(,[^,\n]*)+\r?$/m,
  ics: /^BEGIN:VCALENDAR\r$/m,
  mermaid: /^\s*gantt\s*$/m,
  junit: /<testsuites[\s>]/,
}

/** The output schema of `mailops ID ... --json`, from what each schema says it describes. */
function outputSchema(id: string, words: string[]): SchemaName | undefined {
  let best: {name: SchemaName; flags: number} | undefined
  for (const [name, entry] of Object.entries(SCHEMA_REGISTRY) as Array<[SchemaName, {description: string}]>) {
    for (const m of entry.description.matchAll(/([a-z]+(?: [a-z]+)?)((?: --[a-z-]+)*) --json(?:: schema ([a-z-]+))?/g)) {
      const flags = m[2].split(' ').filter(Boolean)
      if (m[1] !== id || !flags.every((f) => words.includes(f))) continue
      if (!best || flags.length > best.flags) best = {name: (m[3] ?? name) as SchemaName, flags: flags.length}
    }
  }
  return best?.name
}

/** Every text file under a folder (or the file itself), for what an example promises to write. */
function written(path: string): string {
  if (!existsSync(path)) return ''
  if (statSync(path).isFile()) return readFileSync(path, 'utf8')
  return readdirSync(path, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n')
}

/** The lab's secrets (keys, passwords) as lines long enough to be unmistakable. */
function labSecrets(): string[] {
  const file = join(LAB_ROOT, mainLab.name, 'secrets.yaml')
  if (!existsSync(file)) return []
  const values = Object.values(parse(readFileSync(file, 'utf8')) as Record<string, unknown>).filter((v): v is string => typeof v === 'string')
  return values.flatMap((v) => v.split('\n')).map((l) => l.trim()).filter((l) => l.length >= 12 && !l.startsWith('-----'))
}

const minRttMs = (address: string) => {
  const out = execFileSync('ping', ['-c', '5', '-i', '0.2', '-q', address], {encoding: 'utf8'})
  return Number(/= ([\d.]+)\//.exec(out)![1])
}

/** Runs an example and checks it did what it says: its exit code, and the output its flags promise. */
function expectExampleWorks(example: DocumentedExample): void {
  const id = commandOf(example.text, ids)
  const ssh = id === 'lab ssh' && !tokens(example.text).includes('--')
  const host = ssh ? tokens(example.text).filter((w) => !w.startsWith('-')).at(-1) : undefined
  const run = runExample(example.text, ssh ? 'hostname\n' : '')
  const last = segments(run.shell).at(-1)!
  const words = tokens(last)
  const lastId = commandOf(last, ids)
  const redirect = flagValue(words, '>')
  const outputFile = flagValue(words, '-o', '--output')
  const content = redirect ? written(join(work, redirect)) : outputFile ? written(join(work, outputFile)) : run.stdout
  // What the command wrote to its file is part of what a failure shows (verify --strict's warning is in verify.xml).
  const filed = redirect || outputFile ? `\n--- ${redirect ?? outputFile}\n${content.slice(0, 6000)}` : ''
  const shown = `${example.sources.join(', ')}\n$ ${run.shell}\nexit ${run.code}\n--- stderr\n${run.stderr.slice(-3000)}\n--- stdout\n${run.stdout.slice(0, 3000)}${filed}`
  expect(run.code, shown).toBe(documentedExit.get(example.text) ?? 0)
  for (const secret of labSecrets()) expect(run.stdout + run.stderr, `${shown}\n(prints a secret of the lab)`).not.toContain(secret)

  const outputDir = flagValue(words, '--out-dir')
  const said = redirect || outputFile ? content : run.stdout + run.stderr
  expect(said.trim(), `${shown}\n(prints nothing${redirect || outputFile ? ` in ${redirect ?? outputFile}` : ''})`).not.toBe('')
  if (words.includes('--json') && lastId) {
    let report: unknown
    expect(() => (report = JSON.parse(content)), `${shown}\n(--json: the output is not JSON)`).not.toThrow()
    const schema = outputSchema(lastId, words)
    if (schema) expect(schemaErrors(SCHEMA_REGISTRY[schema].schema, report), `${shown}\n(--json: not valid under schema ${schema})`).toEqual([])
  }
  if (redirect?.endsWith('.json')) expect(() => JSON.parse(content), `${shown}\n(${redirect} is not JSON)`).not.toThrow()
  const format = flagValue(words, '--format')
  if (format && FORMATS[format]) expect(content, `${shown}\n(--format ${format})`).toMatch(FORMATS[format])
  if (format === 'junit') expect(xmllint(content).stderr, `${shown}\n(--format junit: not valid under the Jenkins JUnit schema)`).toMatch(/validates/)
  if (outputDir) expect(readdirSync(join(work, outputDir)).length, `${shown}\n(--out-dir ${outputDir} wrote nothing)`).toBeGreaterThan(0)
  if (flagValue(words, '--lang') === 'zh-CN') {
    expect(content + (outputDir ? written(join(work, outputDir)) : ''), `${shown}\n(--lang zh-CN: no Chinese text)`).toMatch(/[\u4e00-\u9fff]/)
  }
  if (ssh) expect(run.stdout, `${shown}\n(an interactive shell on ${host})`).toContain(host)

  if (lastId === 'lab up') {
    const name = flagValue(words, '--name')!
    const state = readState(name)!
    expect(state.spec.hosts.length, `${shown}\n(hosts)`).toBe(Number(flagValue(words, '--hosts') ?? labUpFlags.hosts.default))
    expect(state.spec.hosts.filter((h) => h.role === 'core').length, `${shown}\n(cores)`).toBe(Number(flagValue(words, '--cores') ?? labUpFlags.cores.default))
    expect(run.stdout, shown).toContain(labFiles(name).inventory)
    for (const delay of words.flatMap((w, i) => (w === '--delay' ? [words[i + 1]] : []))) {
      const [, impaired, ms, loss] = /^([^=]+)=(\d+(?:\.\d+)?)(?:ms)?(?:,(\d+(?:\.\d+)?)%)?$/.exec(delay)!
      expect(state.impairments[impaired], `${shown}\n(--delay ${delay})`).toEqual({delayMs: Number(ms), lossPercent: Number(loss ?? 0)})
      const address = state.spec.hosts.find((h) => h.name === impaired)!.address
      // The delay is a floor: the fastest of 5 pings shows it, noise only adds.
      expect(minRttMs(address), `${shown}\n(round trip to ${impaired})`).toBeGreaterThanOrEqual(Number(ms))
    }
  }
  if (lastId === 'lab down') {
    const name = flagValue(words, '--name')!
    expect(existsSync(labFiles(name).dir), `${shown}\n(the lab's folder is left)`).toBe(false)
    expect(execFileSync('ip', ['netns', 'list'], {encoding: 'utf8'}), `${shown}\n(namespaces are left)`).not.toContain(`mailops-${name}-`)
  }
}

function sh(command: string, ...args: string[]): string {
  return execFileSync(command, args, {encoding: 'utf8'})
}

function sandboxDown(): void {
  spawnSync('ip', ['netns', 'del', SANDBOX.netns])
  spawnSync('ip', ['link', 'del', SANDBOX.link])
  rmSync(`/etc/netns/${SANDBOX.netns}`, {recursive: true, force: true})
}

/** A namespace on the main lab's bridge, no default route, no IPv6, the lab's DNS as resolver. */
function sandboxUp(): void {
  sandboxDown()
  const bridge = readState(mainLab.name)!.spec.bridge
  sh('ip', 'netns', 'add', SANDBOX.netns)
  sh('ip', 'link', 'add', SANDBOX.link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', SANDBOX.netns)
  sh('ip', 'netns', 'exec', SANDBOX.netns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1')
  sh('ip', 'link', 'set', SANDBOX.link, 'master', bridge, 'up')
  sh('ip', '-n', SANDBOX.netns, 'addr', 'add', `${mainPrefix}${SANDBOX.host}/24`, 'dev', 'eth0')
  sh('ip', '-n', SANDBOX.netns, 'link', 'set', 'lo', 'up')
  sh('ip', '-n', SANDBOX.netns, 'link', 'set', 'eth0', 'up')
  mkdirSync(`/etc/netns/${SANDBOX.netns}`, {recursive: true})
  writeFileSync(`/etc/netns/${SANDBOX.netns}/resolv.conf`, `nameserver ${bridgeAddress}\n`)
}

/** The README's weights file, so that the example using it runs the file the README shows. */
function readmeWeights(): string {
  const block = /Weights file:\n```yaml\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  if (!block) throw new Error('README.md has no "Weights file:" yaml block for the score examples')
  return block[1]
}

/** The input files the examples name, written where they run. */
function writeInputs(): void {
  const inputs: Record<string, string> = {
    'answers.yaml': 'company: ACME Trading\nindustry: fmcg\nrevenue: 80000000\nseats: 600\nzones: [apac, europe]\n',
    'scenario.yaml': 'revenue: 120000000\nseats: 800\nindustry: fmcg\n',
    'plan.yaml': [
      'variant: enterprise',
      'start: 2027-03-01',
      'budget: 200000',
      'currency: EUR',
      'roles: {cio: CIO, ops: Mail team}',
      'tasks:',
      '  - {id: scan, phase: 1, name: Baseline scan, startMonth: 0, endMonth: 2, raci: {cio: A, ops: R}}',
      '  - {id: go-live, phase: 4, name: Go live, startMonth: 24, endMonth: 24, milestone: true, raci: {cio: A, ops: R}}',
      '',
    ].join('\n'),
    'providers.yaml': 'providers:\n  - id: zoho-mail\n    values:\n      network.latency: 40\n',
    'weights.yaml': readmeWeights(),
    'w.yaml': readmeWeights(),
  }
  for (const [name, content] of Object.entries(inputs)) writeFileSync(join(work, name), content)
}

/** The lab's inventory as `inventory.yaml`, with the files it names beside it. */
function linkInventory(): void {
  const files = labFiles(mainLab.name)
  const inventory = parse(readFileSync(files.inventory, 'utf8'))
  for (const name of ['inventory.yaml', inventory.knownHosts, inventory.secretsFile, inventory.defaults?.key, inventory.vars?.tls_ca_file].filter(Boolean)) {
    rmSync(join(work, name), {force: true})
    symlinkSync(join(files.dir, name), join(work, name))
  }
  // Measured on the lab, labelled as cloud regions, so that score can be fed a real report.
  const clouds = ['aws', 'azure', 'gcp', 'alibaba']
  const targets = readState(mainLab.name)!.spec.hosts.map((h, i) => `  - {id: ${h.name}, host: ${h.address}, probe: icmp, cloud: ${clouds[i % clouds.length]}, region: lab-${h.name}, zone: ${h.region}}`)
  writeFileSync(join(work, 'targets.yaml'), `targets:\n${targets.join('\n')}\n`)
}

const phase = (e: DocumentedExample) => {
  const id = commandOf(e.text, ids)
  if (id === 'lab up') return 0
  if (id === 'deploy') return 1
  if (id === 'lab down') return 4
  return id === 'dns' ? 2 : 3
}
const byPhase = (n: number) => runnable.filter((e) => phase(e) === n)
// The lab-up examples re-create their lab; the plain one last, so that the others work on 3 hosts.
const labUps = byPhase(0).sort((a, b) => Number(tokens(a.text).length <= 3) - Number(tokens(b.text).length <= 3))
const deploys = byPhase(1).sort((a, b) => Number(!a.text.includes('--dry-run')) - Number(!b.text.includes('--dry-run')))

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'mailops-examples-'))
  work = join(base, 'work')
  shims = join(base, 'bin')
  for (const dir of [work, shims, join(base, 'home')]) mkdirSync(dir)
  writeFileSync(join(shims, 'mailops'), `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin', 'run.js')}' "$@"\n`)
  chmodSync(join(shims, 'mailops'), 0o755)
  writeInputs()
})

afterAll(() => {
  sandboxDown()
  for (const lab of labMap.values()) spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'lab', 'down', '--name', lab.name], {env: userEnv()})
  if (work) rmSync(join(work, '..'), {recursive: true, force: true})
})

describe('every documented example works', {timeout: HANG_MS}, () => {
  for (const example of labUps) it(example.text, () => expectExampleWorks(example))

  it('(the lab the other examples work on: 3 hosts, no delay; a sandbox on its bridge; their input files)', () => {
    const state = readState(mainLab.name)
    if (!state || state.spec.hosts.length !== Number(labUpFlags.hosts.default) || Object.keys(state.impairments).length > 0) {
      const up = runExample(`mailops lab up`)
      expect(up.code, up.stderr).toBe(0)
    }
    sandboxUp()
    // The sandbox reaches the lab and nothing else: no route out (asked of the kernel, nothing is sent).
    expect(spawnSync('ip', ['-n', SANDBOX.netns, 'route', 'get', '9.9.9.9'], {encoding: 'utf8'}).stderr).toMatch(/unreachable/i)
    expect(spawnSync('ip', ['-n', SANDBOX.netns, 'route', 'get', `${mainPrefix}11`]).status).toBe(0)
    linkInventory()
    const made = [
      ['latency.json', 'mailops latency --targets targets.yaml --json'],
      ['tco.json', 'mailops tco --json'],
      // The route examples' matrix (measured from the nodes) and the plan they re-plan against.
      ['matrix.json', 'mailops latency -i inventory.yaml --targets targets.yaml --json'],
      ['routes.json', 'mailops route plan -i inventory.yaml --matrix matrix.json --json'],
    ]
    for (const [file, command] of made) {
      const made = runExample(`${command} > ${file}`)
      expect(made.code, made.stderr).toBe(0)
    }
  })

  for (const example of deploys) it(example.text, () => expectExampleWorks(example))
  for (const example of byPhase(2)) it(example.text, () => expectExampleWorks(example))

  it("(DNS for the lab's domain: the records mailops dns prints, published to the lab's DNS on the bridge)", () => {
    const printed = runExample('mailops dns -i inventory.yaml --apply --json')
    expect(printed.code, printed.stderr).toBe(0)
    expect(JSON.parse(printed.stdout).published.server).toBe(bridgeAddress)
  })

  for (const example of byPhase(3)) it(example.text, () => expectExampleWorks(example))
  for (const example of byPhase(4)) it(example.text, () => expectExampleWorks(example))
})
