import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {type DrillReport, runDrill} from '../src/drill/drill.js'
import {drillJunit, renderDrill} from '../src/ui/drill.js'

export default class Drill extends MailopsCommand {
  static summary = 'Fail a core on purpose and measure the failover: RTO, RPO, replication lag, and a clean failback.'

  static description = `The failed core's mail services (postfix, dovecot, mailops-replicate) are stopped after --before, for --outage, then started again. Canaries go in through every edge all along (one per edge each --interval) and are watched over IMAP on both cores: RTO is the longest of mail delivered on the replica, read there over IMAP, and submission there; RPO the age at the fault of the oldest canary the replica lacked; replication lag primary → replica. After the repair both cores must hold every canary once, with UIDVALIDITY unchanged. The canaries are deleted at the end; each drill is a signed audit record (mailops audit verify). docs/drill.md.

Exit codes: 0 every target met, 1 a target missed or a canary lost or duplicated, 2 bad input (nothing touched), 3 a node could not be reached or was not healthy before the fault, 130 interrupted (the core is started again first).`

  static examples = [
    {description: 'Fail the primary for a minute; the source material floor: RTO 15 min, RPO 5 min', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --fail core1'},
    {description: "The lab's targets, in CI as JUnit", command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --fail core1 --rto 60s --rpo 30s --outage 30s --format junit > drill.xml'},
    {description: 'As data', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --fail core1 --replica core2 --json'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file: two or more cores (the first is the primary), the edges, the verify account.'}),
    fail: Flags.string({required: true, summary: 'The core to fail.'}),
    replica: Flags.string({summary: 'The core expected to take over (default: the first other core).'}),
    interval: Flags.string({default: '2', summary: 'Seconds between canaries through each edge, or with a unit: 500ms.'}),
    before: Flags.string({default: '10', summary: 'Seconds of canaries before the fault (the lag is measured on them), or with a unit: 1m.'}),
    outage: Flags.string({default: '60', summary: 'Seconds the core stays down, or with a unit: 5m.'}),
    after: Flags.string({default: '10', summary: 'Seconds of canaries after the repair, or with a unit: 1m.'}),
    settle: Flags.string({default: '120', summary: 'Seconds both cores may take to hold every canary after the repair, or with a unit: 10m.'}),
    rto: Flags.string({default: '15m', summary: 'Recovery time objective, seconds or with a unit (60s, 15m): the drill fails above it.'}),
    rpo: Flags.string({default: '5m', summary: 'Recovery point objective, seconds or with a unit (30s, 5m): the drill fails above it.'}),
    timeout: Flags.integer({default: 10, min: 1, summary: 'Seconds for each connection and answer.'}),
    format: Flags.option({options: ['table', 'junit'] as const, default: 'table' as const, summary: 'Output: a table, or JUnit XML for CI.'})(),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    'audit-dir': Flags.string({summary: 'Where the signed drill record goes (default ~/.local/state/mailops/audit).'}),
  }

  async run(): Promise<DrillReport> {
    const {flags} = await this.parse(Drill)
    const {report, exit} = await runDrill({...flags, timeoutMs: flags.timeout * 1000, acceptNew: flags['accept-new'], auditDir: flags['audit-dir'], progress: this.progress(!this.jsonEnabled())})
    if (!this.jsonEnabled()) this.log(flags.format === 'junit' ? drillJunit(report) : renderDrill(report))
    process.exitCode = exit
    return report
  }
}
