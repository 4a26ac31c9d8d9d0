import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {PROBES, ZONES} from '../src/config/constants.js'
import {measureLatency} from '../src/latency/latency.js'
import {latencyCsv, renderLatency, targetsTable} from '../src/latency/latency-tables.js'

export default class Latency extends MailopsCommand {
  static summary = 'Measure latency and loss to regions or hosts: ICMP, TCP connect, or SMTP phase by phase.'
  static description =
    'Samples every target on one schedule (total time ≈ samples × interval however many targets), discards a warm-up sample, and reports n, min, p50, mean, p95, max, stddev, jitter (RFC 3550) and loss; lost and timed-out samples count as loss, never as zero. Percentiles interpolate linearly between closest ranks (numpy\'s default). With no host or file, probes the bundled cloud regions (AWS, Azure, Google Cloud, Alibaba Cloud) in the three economic zones. --inventory probes from every inventory node over SSH (ICMP with ping; TCP and SMTP in bash on the node, SMTP up to the reply to STARTTLS), one matrix row per node. The JSON feeds `mailops score --latency`.'

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
    inventory: Flags.string({char: 'i', aliases: ['from'], deprecateAliases: true, summary: 'Inventory: probe from each of its nodes over SSH.'}),
    'accept-new': Flags.boolean({summary: 'With --inventory: record host keys not in known_hosts yet.'}),
    list: Flags.boolean({summary: 'List the targets and exit without probing.'}),
    format: Flags.option({options: ['table', 'csv'] as const, default: 'table' as const, summary: 'Human output form.'})(),
    output: Flags.string({char: 'o', summary: 'Write the output to this file (atomically).'}),
  }

  async run(): Promise<Extract<Awaited<ReturnType<typeof measureLatency>>, {report: unknown}>['report'] | {targets: object[]}> {
    const {flags, argv} = await this.parse(Latency)
    this.checkOutputFile('--output', flags.output)
    const result = await measureLatency({
      hosts: (argv as string[]).filter(Boolean), file: flags.targets, regions: flags.region, zones: flags.zone, clouds: flags.cloud, probes: flags.probe,
      samples: flags.samples, warmup: flags.warmup, interval: flags.interval, timeout: flags.timeout, concurrency: flags.concurrency,
      inventory: flags.inventory, acceptNew: flags['accept-new'], list: flags.list,
    }, this.progress(!this.jsonEnabled() || Boolean(process.stderr.isTTY)))
    if ('targets' in result) {
      this.log(targetsTable(result.targets))
      return {targets: result.targets}
    }
    const text = flags.format === 'csv' ? latencyCsv(result.report) : renderLatency(result.report)
    // Under --json the file gets the JSON (what score --latency reads), not the table.
    const content = flags.output && this.jsonEnabled() ? JSON.stringify(result.report, null, 2) + '\n' : flags.output && flags.format !== 'csv' ? text + '\n' : text
    this.emit(content, {file: flags.output, raw: flags.format === 'csv'})
    process.exitCode = result.exit
    return result.report
  }
}
