import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import type {TargetsFile} from '../../src/config/schemas/targets.js'
import {t} from '../../src/i18n/index.js'
import {routeTargets} from '../../src/route/targets.js'
import {renderRouteTargets} from '../../src/ui/route.js'

export default class RouteTargetsCommand extends MailopsCommand {
  static summary = 'The destinations that matter, from the nodes\' outbound Postfix logs: a targets file for `mailops latency -i`.'

  static description =
    "Reads the current /var/log/postfix.log of every node over SSH (summed up on the node: one line per destination, relay and status crosses the wire) and ranks the recipient domains outside the inventory's by deliveries — sent, deferred and bounced — counting each where it left the fleet (a core's hop to an edge is counted at the edge, once). Each domain's probe host is the MX its mail reached most. Writes a targets file (schema targets) of the top domains, probed by SMTP, and of every edge (the core → edge hop the route planner adds). A domain or relay that is not a plain DNS name — the log holds strangers' addresses — is left out and named, never written."

  static examples = [
    {description: 'The 20 busiest destinations, then measure them from every node and plan', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml -o targets.yaml && <%= config.bin %> latency -i inventory.yaml --targets targets.yaml --samples 5 --json -o matrix.json && <%= config.bin %> route plan -i inventory.yaml --matrix matrix.json'},
    {description: 'The 5 busiest, as data', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --top 5 --json'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file: the nodes whose logs are read.'}),
    top: Flags.integer({default: 20, min: 1, max: 1000, summary: 'How many destinations, the busiest first.'}),
    output: Flags.string({char: 'o', summary: 'Write the targets file here (atomically) instead of printing it.'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
  }

  async run(): Promise<TargetsFile> {
    const {flags} = await this.parse(RouteTargetsCommand)
    this.checkOutputFile('--output', flags.output)
    const result = await routeTargets({inventory: flags.inventory, top: flags.top, acceptNew: flags['accept-new']})
    this.emit(renderRouteTargets(result), {file: flags.output})
    this.logToStderr(t('route.targetsSummary', {count: result.destinations.length, nodes: result.read.join(', '), edges: result.file.targets.length - result.destinations.length}))
    this.warnings([...result.unread.map((u) => t('route.logUnread', u)), ...(result.skipped.length > 0 ? [t('route.targetsSkipped', {names: result.skipped.join(', ')})] : [])])
    return result.file
  }
}
