import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {type CommandOutcome, execOnFleet} from '../src/fleet/session.js'
import {tabular} from '../src/util/table.js'

export default class Exec extends MailopsCommand {
  static summary = 'Run a shell command on inventory hosts over SSH, in parallel.'
  static description =
    "One connection per host, host keys checked against the inventory's known_hosts, output collected per host. Exit code 0 when every command succeeded, 1 when one failed, 3 when a host could not be reached."

  static strict = false
  static examples = [
    {description: 'Uptime of every lab host', command: '<%= config.bin %> <%= command.id %> -i /var/lib/mailops/lab/default/inventory.yaml -- uptime'},
    {description: 'Two hosts, JSON, first contact', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --hosts mx1,mx2 --accept-new --json -- postqueue -p'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file.'}),
    hosts: Flags.string({summary: 'Comma-separated host names (default: all).'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet (never a changed one).'}),
    timeout: Flags.integer({default: 60, min: 1, summary: 'Seconds a command may run.'}),
    'connect-timeout': Flags.integer({default: 10, min: 1, summary: 'Seconds to wait for the SSH handshake.'}),
    parallel: Flags.integer({default: 32, min: 1, summary: 'Hosts worked on at once.'}),
  }

  async run(): Promise<{results: CommandOutcome[]}> {
    const {flags, argv} = await this.parse(Exec)
    const {results, exit} = await execOnFleet({
      inventory: flags.inventory,
      hosts: flags.hosts?.split(',').filter(Boolean),
      command: (argv as string[]).join(' '),
      acceptNew: flags['accept-new'],
      connectTimeoutMs: flags['connect-timeout'] * 1000,
      timeoutMs: flags.timeout * 1000,
      concurrency: flags.parallel,
    })
    for (const r of results) {
      for (const line of r.stdout.split('\n').filter(Boolean)) this.log(`${r.host} | ${line}`)
      for (const line of r.stderr.split('\n').filter(Boolean)) this.logToStderr(`${r.host} ! ${line}`)
    }
    this.log(
      tabular(
        'table',
        ['host', 'exit', 'ms', 'error'],
        results.map((r) => [r.host, r.code ?? '-', Math.round(r.ms), r.error ? `${r.error.message}${r.error.hint ? `\n${r.error.hint}` : ''}` : '']),
      ),
    )
    process.exitCode = exit
    return {results}
  }
}
