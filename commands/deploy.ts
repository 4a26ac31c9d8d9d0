import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {type DeployReport, deployInventory} from '../src/deploy/deploy.js'
import {rolloutFlags, rolloutOptions} from '../src/rollout-flags.js'
import {renderDeploy} from '../src/ui/deploy.js'

export default class Deploy extends MailopsCommand {
  static summary = 'Provision inventory nodes over SSH from the bundled blueprints: probe, plan, apply.'
  static description =
    'Per host: one exec probes file hashes, modes, pending restarts, the OS release and the packages (an unsupported release is refused before anything changes); the apply installs the missing Debian packages first (non-interactive, debconf preseeded, apt\'s lock waited for, nothing started on package defaults), then the files, then the services (systemctl enable --now, reload or restart per blueprint, on systemd hosts; service elsewhere); the controller renders and diffs locally; one exec applies only the changes, files carried on stdin and written atomically (temporary file, fsync, rename), each validated; a failed validation or restart puts the previous files back. Compare-and-swap refuses a file changed since the probe. Pending restarts are recorded on the host first, so a re-run after a crash completes them. Cores before edges; canary first, then batches; --max-fail is the failure budget of the whole run. Encryption at rest turned on over a core that already holds mail (the mail_crypt key pair set): the probe counts the stored messages still in plain text, the plan shows "encrypt N stored messages", and the apply, last, encrypts each in place (Dovecot\'s Maildir lock, doveadm fs put through the crypt fs, read back equal, one atomic rename per file; a killed run resumes at the next deploy). An audit record per host goes to a local JSONL file and to /var/log/mailops/audit.jsonl on the host.'

  static examples = [
    {description: 'See exactly what would change', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --dry-run'},
    {description: 'Deploy, tolerating one failed host', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --max-fail 1'},
    {description: 'Slow hosts (many rspamd instances starting on few cores): give each step longer', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --step-timeout 300'},
    {description: 'The local lab', command: '<%= config.bin %> <%= command.id %> -i /var/lib/mailops/lab/default/inventory.yaml'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file.'}),
    hosts: Flags.string({summary: 'Comma-separated host names (default: all).'}),
    blueprint: Flags.string({multiple: true, multipleNonGreedy: true, delimiter: ',', summary: 'Deploy only these blueprints (default: all, by role).'}),
    ...rolloutFlags,
  }

  async run(): Promise<DeployReport> {
    const {flags} = await this.parse(Deploy)
    const {report, exit} = await deployInventory({
      root: this.config.root,
      inventory: flags.inventory,
      hosts: flags.hosts?.split(',').filter(Boolean),
      blueprints: flags.blueprint,
      ...rolloutOptions(flags),
    })
    this.log(renderDeploy(report))
    process.exitCode = exit
    return report
  }
}
