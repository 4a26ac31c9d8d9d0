import * as Args from '@oclif/core/args'

import {MailopsCommand} from '../../src/command.js'
import {loadBlueprint} from '../../src/blueprint/load.js'
import {tabular} from '../../src/util/table.js'

export default class BlueprintShow extends MailopsCommand {
  static summary = 'Show a blueprint: its variables, files with their validators, services and packages.'
  static examples = ['<%= config.bin %> <%= command.id %> base', '<%= config.bin %> <%= command.id %> base --json']

  static args = {
    name: Args.string({required: true, description: 'blueprint name'}),
  }

  async run() {
    const {args} = await this.parse(BlueprintShow)
    const {dir: _dir, templates: _templates, ...blueprint} = loadBlueprint(this.config.root, args.name)
    this.log(`${blueprint.name}: ${blueprint.summary}\n`)
    this.log(tabular('table', ['variable', 'type', 'default', 'description'], Object.entries(blueprint.variables).map(([n, v]) => [n + (v.secret ? ' (secret)' : ''), v.type, v.default === undefined ? '(required)' : JSON.stringify(v.default), v.description])))
    this.log(tabular('table', ['file', 'mode', 'validate', 'notifies'], blueprint.files.map((f) => [f.path, f.mode, f.validate ?? '', (f.notify ?? []).join(', ')])))
    this.log(`packages: ${blueprint.packages.join(' ')}; services: ${Object.keys(blueprint.services).join(', ')}`)
    return blueprint
  }
}
