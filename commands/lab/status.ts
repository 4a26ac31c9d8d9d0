import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import {labStatus} from '../../src/lab/lab.js'
import {t} from '../../src/i18n/index.js'
import {tabular} from '../../src/util/table.js'

export default class LabStatus extends MailopsCommand {
  static summary = 'Show the hosts of a lab: address, role, whether sshd answers, processes, memory.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name bench --json']

  static flags = {
    name: Flags.string({default: 'default', summary: 'Lab name.'}),
  }

  async run() {
    const {flags} = await this.parse(LabStatus)
    const status = await labStatus(flags.name)
    if (status.hosts.length === 0) {
      this.log(`${t('lab.notUp', {name: flags.name})}. ${t('hint.labUp')}`)
    } else {
      this.log(
        tabular(
          'table',
          ['host', 'address', 'role', 'region', 'link', 'pid', 'sshd', 'processes', 'memory'],
          status.hosts.map((h) => [
            h.name,
            h.address,
            h.role,
            h.region,
            h.link ? `+${h.link.delayMs} ms, ${h.link.lossPercent}% loss` : 'direct',
            h.pid ?? '',
            h.sshd ?? '-',
            `${h.processes}/${h.pidsLimit}`,
            h.memoryBytes === undefined ? '-' : `${(h.memoryBytes / 1024 ** 2).toFixed(1)} MiB`,
          ]),
        ),
      )
      for (const peer of status.peers) this.log(`${peer.name} ${peer.address} ${peer.region}: MX of ${peer.domain}`)
      for (const link of status.links) this.log(`${link.regions.join(' ↔ ')}: +${link.delayMs} ms, ${link.lossPercent}% loss`)
      this.log(status.inventory ?? '')
    }
    return status
  }
}
