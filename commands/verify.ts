import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {progressReporter} from '../src/ui/progress.js'
import {renderVerify} from '../src/ui/verify.js'
import {checkList, verifyFleet, type VerifyReport} from '../src/verify/verify.js'

export default class Verify extends MailopsCommand {
  static summary = 'Check that mail nodes are correct and safe: ports, SMTP, TLS, AUTH, relay, delivery, DNS and host health.'
  static description = `Every check has an id, a severity and a hint (mailops verify --list; docs/verify-checks.md). Nodes are checked at once.

Exit codes: 0 every check passed (warnings allowed unless --strict), 1 a check failed, 2 bad input, 3 a node could not be reached (no mail port answered, or SSH failed).

Without an inventory, the targets (addresses, host names, or domains standing for their MX hosts) get the checks a stranger can make: network, smtp, tls, relay and auth before TLS.`

  static strict = false
  static args = {targets: Args.string({description: 'Hosts or domains to check without an inventory.'})}
  static examples = [
    {description: 'Every node, every check; DNS asked of the resolver your clients use', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --resolver 9.9.9.9'},
    {description: 'The lab (its inventory names the CA, domain and verify account; it serves no DNS)', command: '<%= config.bin %> <%= command.id %> -i /var/lib/mailops/lab/default/inventory.yaml --skip dns'},
    {description: 'In CI: JUnit for the test report, warnings fail too', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --format junit --strict > verify.xml'},
    {description: 'Only TLS and relay, on one node', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --hosts mx1 --only tls,relay'},
    {description: 'Without delivery (sends no mail)', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --skip delivery'},
    {description: 'A host or domain without an inventory', command: '<%= config.bin %> <%= command.id %> mx1.example.com --ca-file ca.pem'},
    {description: 'Every check and what it proves', command: '<%= config.bin %> <%= command.id %> --list'},
    {description: "An auditor's evidence pack for GDPR", command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --skip dns --profile gdpr --evidence evidence-gdpr'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', summary: 'Inventory file (nodes, roles, domain, SSH access, verify account).'}),
    hosts: Flags.string({summary: 'Comma-separated inventory host names (default: all).'}),
    only: Flags.string({multiple: true, delimiter: ',', summary: 'Run only these groups or check ids (e.g. tls,relay.open).'}),
    skip: Flags.string({multiple: true, delimiter: ',', summary: 'Skip these groups or check ids (e.g. delivery).'}),
    strict: Flags.boolean({default: false, summary: 'Warnings fail too.'}),
    format: Flags.option({options: ['table', 'junit'] as const, default: 'table' as const, summary: 'Output: a table per node, or JUnit XML for CI.'})(),
    'ca-file': Flags.string({summary: 'PEM CA bundle to check certificate chains against (default: vars.tls_ca_file, else the system roots).'}),
    resolver: Flags.string({summary: 'DNS server for the dns checks and name lookups, ADDRESS or ADDRESS:PORT (default: the system resolver).'}),
    peer: Flags.string({summary: "ADDRESS:PORT to listen on for outbound mail (where the core's relayhost or the recipient's MX points); without it the outbound checks are skipped."}),
    role: Flags.option({options: ['edge', 'core'] as const, default: 'edge' as const, summary: 'Role of bare targets: which ports they must serve.'})(),
    timeout: Flags.integer({default: 10, min: 1, summary: 'Seconds for each connection and answer.'}),
    'probe-source': Flags.string({summary: 'A second address of this machine that auth.throttle guesses passwords from (default: vars.verify_probe_source; without one it is not run).'}),
    'delivery-timeout': Flags.integer({default: 60, min: 1, summary: 'Seconds a test message may take to arrive.'}),
    parallel: Flags.integer({default: 32, min: 1, summary: 'Nodes checked at once.'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    list: Flags.boolean({summary: 'Print every check, what it proves and how to fix it; check nothing.'}),
    profile: Flags.option({options: ['gdpr', 'pipl', 'hipaa', 'ccpa'] as const, summary: 'Map the results onto the controls of a regime (docs/compliance.md).'})(),
    evidence: Flags.string({summary: 'Write the evidence pack for an auditor into this new folder (needs --profile and -i).', dependsOn: ['profile', 'inventory']}),
    'audit-dir': Flags.string({summary: "Where deploy's signed runs are, for the pack's audit trail (default ~/.local/state/mailops/audit)."}),
  }

  async run(): Promise<VerifyReport | {checks: ReturnType<typeof checkList>['checks']}> {
    const {flags, argv} = await this.parse(Verify)
    if (flags.list) {
      if (!this.jsonEnabled()) this.log(checkList().markdown.trimEnd())
      return {checks: checkList().checks}
    }
    const {report, exit, now} = await verifyFleet({
      root: this.config.root, inventory: flags.inventory, targets: argv as string[], hosts: flags.hosts?.split(',').filter(Boolean),
      only: flags.only, skip: flags.skip, role: flags.role, caFile: flags['ca-file'], resolver: flags.resolver, peer: flags.peer, strict: flags.strict,
      timeoutMs: flags.timeout * 1000, deliveryTimeoutMs: flags['delivery-timeout'] * 1000, probeSource: flags['probe-source'], parallel: flags.parallel, acceptNew: flags['accept-new'], profile: flags.profile,
      evidenceDir: flags.evidence, auditDir: flags['audit-dir'], progress: progressReporter(!this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) this.log(renderVerify(flags.format, report, now))
    process.exitCode = exit
    return report
  }
}
