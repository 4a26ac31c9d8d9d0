import * as Flags from '@oclif/core/flags'

import {type BackupReport, runBackup} from '../src/backup/backup.js'
import {MailopsCommand} from '../src/command.js'
import {renderBackup} from '../src/ui/backup.js'

export default class Backup extends MailopsCommand {
  static summary = "Back up a core's mailboxes and deployed configuration into an archive encrypted with age."

  static description = `On the core: every account of vars.mail_users exported with doveadm backup (plain, whatever mail_crypt does at rest), a manifest of each folder's messages and their SHA-256, the configuration and keys mailops deployed; all packed and encrypted with age to vars.backup_recipient there, so only ciphertext leaves the core. The archive is written into --to atomically, mode 0600, as HOST-RUN.tar.age; a backup that fails anywhere leaves no archive. Each backup is a signed audit record. Check it with mailops restore --verify. docs/backup.md.

Exit codes: 0 archive written, 1 the export or the packing failed on the core, 2 bad input (nothing touched), 3 the core could not be reached.`

  static examples = [
    {description: 'Back up core1 into a folder on this machine', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --host core1 --to /srv/backups'},
    {description: 'As data (the archive name, its size and SHA-256)', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --host core1 --to /srv/backups --json'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file: the core, vars.mail_users, vars.backup_recipient.'}),
    host: Flags.string({required: true, summary: 'The core to back up.'}),
    to: Flags.string({required: true, summary: 'Folder on this machine the archive is written into.'}),
    timeout: Flags.integer({default: 3600, min: 1, summary: 'Seconds the export and the transfer may each take.'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    'audit-dir': Flags.string({summary: 'Where the signed backup record goes (default ~/.local/state/mailops/audit).'}),
  }

  async run(): Promise<BackupReport> {
    const {flags} = await this.parse(Backup)
    const report = await runBackup({inventory: flags.inventory, host: flags.host, to: flags.to, timeoutMs: flags.timeout * 1000, acceptNew: flags['accept-new'], auditDir: flags['audit-dir'], progress: this.progress(!this.jsonEnabled())})
    if (!this.jsonEnabled()) this.log(renderBackup(report))
    return report
  }
}
