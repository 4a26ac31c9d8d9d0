import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import {defaultAuditDir} from '../../src/audit/run-log.js'
import {type AuditVerdict, verifyAudit} from '../../src/audit/verify.js'
import {renderAuditVerdict} from '../../src/ui/audit.js'

export default class AuditVerify extends MailopsCommand {
  static summary = "Prove the audit trail is whole: every deploy run's hash chain and signed seal, and each host's audit log."
  static description =
    "Every record of a deploy run carries the sha256 of the record before it, and the run ends with a seal signed by the operator's Ed25519 key (~/.config/mailops/audit-key.pem, made on the first deploy; MAILOPS_AUDIT_KEY names another). A host's /var/log/mailops/audit.jsonl is chained the same way, and each signed run records the line it appended there. An edited, removed or reordered line is reported with its file and line; exit 1 if any is found, 3 if a host could not be reached."

  static examples = [
    {description: 'The runs of this controller', command: '<%= config.bin %> <%= command.id %>'},
    {description: "An auditor's check, with the operator's public key, of runs and hosts", command: '<%= config.bin %> <%= command.id %> --key ~/.config/mailops/audit-key.pub.pem -i inventory.yaml --json'},
  ]

  static flags = {
    'audit-dir': Flags.string({summary: 'Folder of the run files deploy wrote (default ~/.local/state/mailops/audit).'}),
    key: Flags.string({summary: "Public key (PEM) the seals must be signed with (default: the operator's key)."}),
    inventory: Flags.string({char: 'i', summary: "Also check every host's audit log (read over SSH)."}),
    hosts: Flags.string({summary: 'Comma-separated host names (default: all; with -i).', dependsOn: ['inventory']}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    'connect-timeout': Flags.integer({default: 10, min: 1, summary: 'Seconds to wait for each SSH handshake.'}),
  }

  async run(): Promise<AuditVerdict> {
    const {flags} = await this.parse(AuditVerify)
    const {verdict, exit} = await verifyAudit({
      dir: flags['audit-dir'] ?? defaultAuditDir(),
      key: flags.key,
      inventory: flags.inventory,
      hosts: flags.hosts?.split(',').filter(Boolean),
      acceptNew: flags['accept-new'],
      connectTimeoutMs: flags['connect-timeout'] * 1000,
    })
    this.log(renderAuditVerdict(verdict))
    process.exitCode = exit
    return verdict
  }
}
