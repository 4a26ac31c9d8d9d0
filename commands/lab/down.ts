import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import {labDown} from '../../src/lab/lab.js'
import {progressReporter} from '../../src/ui/progress.js'

export default class LabDown extends MailopsCommand {
  static summary = 'Stop a lab and remove everything it made: processes, namespaces, links, cgroups, files.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name bench']

  static flags = {
    name: Flags.string({default: 'default', summary: 'Lab name.'}),
  }

  async run() {
    const {flags} = await this.parse(LabDown)
    return labDown(flags.name, progressReporter())
  }
}
