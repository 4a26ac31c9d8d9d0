import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {spawnSync} from 'node:child_process'

import {MailopsCommand} from '../../src/command.js'
import {InputError} from '../../src/errors.js'
import {t} from '../../src/i18n/index.js'
import {labFiles, readState} from '../../src/lab/state.js'

export default class LabSsh extends MailopsCommand {
  static summary = "Open a shell on a lab host (or run a command) with OpenSSH and the lab's pinned host key."
  static strict = false
  static examples = [
    {description: 'A shell on node1', command: '<%= config.bin %> <%= command.id %> node1'},
    {description: "One command: Postfix's settings on node2 (once mailops deploy has configured it)", command: '<%= config.bin %> <%= command.id %> node2 -- postconf -n'},
  ]

  static args = {
    host: Args.string({required: true, description: 'host name, e.g. node1'}),
  }

  static flags = {
    name: Flags.string({default: 'default', summary: 'Lab name.'}),
  }

  static enableJsonFlag = false

  async run(): Promise<void> {
    const {args, flags, argv} = await this.parse(LabSsh)
    const state = readState(flags.name)
    if (!state) throw new InputError(t('lab.notUp', {name: flags.name}), {hint: t('hint.labUp')})
    const host = state.spec.hosts.find((h) => h.name === args.host)
    if (!host) {
      const valid = state.spec.hosts.map((h) => h.name).join(', ')
      throw new InputError(t('lab.unknownHost', {host: args.host, name: flags.name, valid}))
    }
    const files = labFiles(flags.name)
    const command = (argv as string[]).slice(1)
    const result = spawnSync(
      'ssh',
      [
        '-i', files.key,
        '-o', `UserKnownHostsFile=${files.knownHosts}`,
        '-o', 'StrictHostKeyChecking=yes',
        '-o', 'IdentitiesOnly=yes',
        '-o', 'BatchMode=yes',
        ...(command.length > 0 ? [] : ['-t']),
        `root@${host.address}`,
        ...command,
      ],
      {stdio: 'inherit'},
    )
    process.exitCode = result.status ?? 1
  }
}
