import * as Flags from '@oclif/core/flags'

import {INDICATORS} from '../src/catalog/matrix.js'
import {MailopsCommand} from '../src/command.js'
import {local} from '../src/i18n/text.js'
import {renderMatrix} from '../src/matrix/score-tables.js'

export default class Matrix extends MailopsCommand {
  static summary = 'List the 20 indicators of the provider selection matrix.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --format md --lang zh-CN',
  ]

  static flags = {
    format: Flags.option({options: ['table', 'md'] as const, default: 'table' as const, summary: 'Human output form.'})(),
  }

  async run() {
    const {flags} = await this.parse(Matrix)
    this.log(renderMatrix(flags.format))
    return {
      indicators: INDICATORS.map((i) => ({...i, name: local(i.name), rationale: local(i.rationale)})),
    }
  }
}
