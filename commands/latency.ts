import {Flags} from '@oclif/core'

import {MailopsCommand} from '../src/command.js'
import type {LatencyReport} from '../src/config/schemas/latency.js'
import {PROBES, ZONES} from '../src/config/constants.js'
import {t} from '../src/i18n/index.js'
import {latencyCsv, renderLatency} from '../src/latency/latency-tables.js'
import {latencyReport} from '../src/latency/report.js'
import {probeTargets, type RunOptions} from '../src/latency/runner.js'
import {selectTargets} from '../src/latency/targets.js'
import {ExitCode, InputError} from '../src/errors.js'
import {progressReporter} from '../src/ui/progress.js'
import {tabular} from '../src/util/table.js'
import {writeFileAtomic} from '../src/util/fs.js'
import {durationMs, outputFile} from '../src/config/values.js'

export default class Latency extends MailopsCommand {
  static summary = 'Measure latency and loss to regions or hosts: ICMP, TCP connect, or SMTP phase by phase.'
  static description =
    'Samples every target on one schedule (total time ≈ samples × interval however many targets), discards a warm-up sample, and reports n, min, p50, mean, p95, max, stddev, jitter (RFC 3550) and loss; lost and timed-out samples count as loss, never as zero. Percentiles interpolate linearly between closest ranks (numpy\'s default). With no host or file, probes the bundled cloud regions (AWS, Azure, Google Cloud, Alibaba Cloud) in the three economic zones. --inventory probes from every inventory node over SSH (ICMP), one matrix row per node. The JSON feeds `mailops score --latency`.'

  static strict = false
  static examples = [
    {description: 'European regions of all clouds, TCP 443', command: '<%= config.bin %> <%= command.id %> --zone europe'},
    {description: 'Your MX hosts, SMTP phase by phase', command: '<%= config.bin %> <%= command.id %> --probe smtp mx1.example.com mx2.example.com:2525'},
    {description: 'From every deployed node to the lab core, ICMP', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --probe icmp 198.18.0.11'},
    {description: 'Feed the score', command: '<%= config.bin %> <%= command.id %> --json > latency.json && <%= config.bin %> score --latency latency.json'},
    {description: 'The same, written to a file', command: '<%= config.bin %> <%= command.id %> --zone europe --json -o latency.json'},
  ]

  static flags = {
    probe: Flags.option({options: PROBES, multiple: true, multipleNonGreedy: true, delimiter: ',', default: ['tcp'], summary: 'Probe kinds (repeatable).'})(),
    targets: Flags.string({summary: 'Targets file (YAML/JSON).'}),
    region: Flags.string({multiple: true, multipleNonGreedy: true, delimiter: ',', summary: 'Bundled region ids, e.g. aws-eu-central-1 (repeatable).'}),
    zone: Flags.option({options: ZONES, aliases: ['zones'], deprecateAliases: true, multiple: true, multipleNonGreedy: true, delimiter: ',', summary: 'Bundled regions of these zones (repeatable).'})(),
    cloud: Flags.string({multiple: true, multipleNonGreedy: true, delimiter: ',', summary: 'Bundled regions of these clouds: aws, azure, gcp, alibaba (repeatable).'}),
    samples: Flags.integer({default: 10, min: 1, max: 10_000, summary: 'Samples per target (warm-up not counted).'}),
    interval: Flags.string({default: '0.2', summary: 'Seconds between samples, or with a unit: 50ms (at most 60 s).'}),
    timeout: Flags.string({default: '1', summary: 'Seconds before a sample counts as lost, or with a unit: 500ms (at most 60 s).'}),
    warmup: Flags.integer({default: 1, min: 0, max: 100, summary: 'Samples sent first and discarded.'}),
    concurrency: Flags.integer({default: 128, min: 1, summary: 'Targets probed at once.'}),
    inventory: Flags.string({char: 'i', aliases: ['from'], deprecateAliases: true, summary: 'Inventory: probe from each of its nodes over SSH (ICMP).'}),
    'accept-new': Flags.boolean({summary: 'With --inventory: record host keys not in known_hosts yet.'}),
    list: Flags.boolean({summary: 'List the targets and exit without probing.'}),
    format: Flags.option({options: ['table', 'csv'] as const, default: 'table' as const, summary: 'Human output form.'})(),
    output: Flags.string({char: 'o', summary: 'Write the output to this file (atomically).'}),
  }

  async run(): Promise<LatencyReport | {targets: object[]}> {
    const {flags, argv} = await this.parse(Latency)
    if (flags.output) outputFile('--output', flags.output)
    const options: RunOptions = {samples: flags.samples, warmup: flags.warmup, intervalMs: durationMs('--interval', flags.interval, 60), timeoutMs: durationMs('--timeout', flags.timeout, 60), concurrency: flags.concurrency}
    const hosts = (argv as string[]).filter(Boolean)
    const targets = selectTargets({hosts, file: flags.targets, regions: flags.region, zones: flags.zone, clouds: flags.cloud, probes: flags.probe})
    // The SSH engine loads only for --from: a local run starts faster without it.
    const remote = flags.inventory ? await import('../src/latency/remote.js') : undefined
    const inventory = flags.inventory ? (await import('../src/fleet/inventory.js')).loadInventory(flags.inventory) : undefined
    if (inventory && targets.some((target) => target.probe !== 'icmp')) {
      throw new InputError(t('latency.remoteIcmpOnly'), {code: 'USAGE'})
    }
    if (flags.list) {
      this.log(tabular('table', ['id', 'host', 'port', 'probe', 'zone'], targets.map((x) => [x.id, x.host, x.port ?? '', x.probe, x.zone ?? ''])))
      return {targets}
    }
    const progress = progressReporter(!this.jsonEnabled() || Boolean(process.stderr.isTTY))
    const seconds = (((options.samples + options.warmup - 1) * options.intervalMs + options.timeoutMs) / 1000).toFixed(1)
    progress(t('latency.starting', {count: targets.length, samples: options.samples, interval: options.intervalMs, seconds}))
    const measuredAt = new Date()
    const results = inventory && remote
      ? await remote.probeFromNodes(inventory, targets, options, {acceptNew: flags['accept-new']})
      : await probeTargets(targets, options, (done, total) => {
          if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) progress(t('latency.progress', {done, total}))
        })
    const report = latencyReport(results, options, flags.probe, measuredAt)
    const text = flags.format === 'csv' ? latencyCsv(report) : renderLatency(report)
    // Under --json the file gets the JSON (what score --latency reads), not the table.
    if (flags.output) writeFileAtomic(flags.output, this.jsonEnabled() ? JSON.stringify(report, null, 2) + '\n' : flags.format === 'csv' ? text : text + '\n')
    else if (flags.format === 'csv') {
      if (!this.jsonEnabled()) process.stdout.write(text)
    } else this.log(text)
    // Loss is a measurement; only a run where nothing at all answered is a failure to reach.
    if (results.length > 0 && results.every((r) => r.stats.n === 0)) process.exitCode = ExitCode.unreachable
    return report
  }
}
