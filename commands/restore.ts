import * as Flags from '@oclif/core/flags'

import {type RestoreReport, runRestore} from '../src/backup/restore.js'
import {MailopsCommand} from '../src/command.js'
import {renderRestore} from '../src/ui/backup.js'

export default class Restore extends MailopsCommand {
  static summary = 'Restore a backup archive into a scratch core, and with --verify prove it holds every message.'

  static description = `The archive is decrypted on this machine with --identity (mode 0600) and checked first: age's authentication (a flipped or missing byte fails), the manifest against every message in it, and its age against --max-age (a stale backup fails). Then its mail is restored into --host, a core deployed with the same accounts and holding no mail (--force to restore into one that does: its mailboxes are replaced). --verify reads the restored mail back there and compares each folder's messages, by SHA-256, with the manifest. --verify-only checks the archive here and touches no host. Each restore is a signed audit record. docs/backup.md.

Exit codes: 0 every check passed, 1 a check failed (damaged, stale, a scratch core that is not empty, a restore that differs), 2 bad input (nothing touched), 3 the scratch core could not be reached.`

  static examples = [
    {description: 'Restore into a scratch core and compare every message with the manifest', command: '<%= config.bin %> <%= command.id %> -i scratch.yaml --from /srv/backups/core1-20261202T131656.123-6fd8a3.tar.age --identity backup.key --host scratch1 --verify'},
    {description: "Check last night's archive without a host: decrypts, matches its manifest, at most 26 hours old", command: '<%= config.bin %> <%= command.id %> --from /srv/backups/core1-20261202T131656.123-6fd8a3.tar.age --identity backup.key --verify-only'},
    {description: 'What a restore would do, the scratch core checked, nothing written', command: '<%= config.bin %> <%= command.id %> -i scratch.yaml --from /srv/backups/core1-20261202T131656.123-6fd8a3.tar.age --identity backup.key --host scratch1 --dry-run --max-age 7d'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', summary: 'Inventory file with the scratch core (not needed with --verify-only).'}),
    from: Flags.string({required: true, summary: 'The archive (HOST-RUN.tar.age) mailops backup wrote.'}),
    identity: Flags.string({required: true, summary: 'The age identity file the archive was encrypted to; mode 0600, refused otherwise.'}),
    host: Flags.string({summary: 'The scratch core to restore into: the accounts deployed, no mail in them.'}),
    verify: Flags.boolean({summary: 'After the restore, read the mail back on the scratch core and compare it message by message with the manifest.'}),
    'verify-only': Flags.boolean({exclusive: ['host', 'verify', 'dry-run', 'force'], summary: 'Check the archive on this machine only (decrypt, manifest, age); no host is touched.'}),
    'max-age': Flags.string({default: '26h', summary: 'An archive older than this fails as stale, seconds or with a unit (26h, 7d).'}),
    force: Flags.boolean({summary: 'Restore into a core that holds mail (its mailboxes are replaced with the archive).'}),
    'dry-run': Flags.boolean({summary: 'Check the archive and the scratch core; restore nothing.'}),
    timeout: Flags.integer({default: 3600, min: 1, summary: 'Seconds the restore and the read-back may each take.'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    'audit-dir': Flags.string({summary: 'Where the signed restore record goes (default ~/.local/state/mailops/audit).'}),
  }

  async run(): Promise<RestoreReport> {
    const {flags} = await this.parse(Restore)
    const {report, exit} = await runRestore({
      inventory: flags.inventory,
      from: flags.from,
      identity: flags.identity,
      host: flags.host,
      verify: flags.verify,
      verifyOnly: flags['verify-only'],
      dryRun: flags['dry-run'],
      force: flags.force,
      maxAge: flags['max-age'],
      timeoutMs: flags.timeout * 1000,
      acceptNew: flags['accept-new'],
      auditDir: flags['audit-dir'],
      progress: this.progress(!this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) {
      if (exit === 0) this.log(renderRestore(report))
      // A failed restore is loud: on stderr as well, so a cron job's mail or a CI log shows it.
      else process.stderr.write(renderRestore(report) + '\n')
    }
    process.exitCode = exit
    return report
  }
}
