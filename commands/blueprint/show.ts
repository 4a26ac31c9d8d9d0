import * as Args from '@oclif/core/args'

import {MailopsCommand} from '../../src/command.js'
import {loadBlueprint} from '../../src/blueprint/load.js'
import {tabular} from '../../src/util/table.js'

export default class BlueprintShow extends MailopsCommand {
  static summary = 'Show a blueprint: its variables, files with the template each release renders and their validators, services and packages.'
  static examples = [
    {description: "The core's files: which template a Debian 12 and a Debian 13 host get (Dovecot 2.3 and 2.4)", command: '<%= config.bin %> <%= command.id %> core'},
    {description: 'All of it as JSON (templateFor, validators, ready commands)', command: '<%= config.bin %> <%= command.id %> base --json'},
  ]

  static args = {
    name: Args.string({required: true, description: 'blueprint name'}),
  }

  async run() {
    const {args} = await this.parse(BlueprintShow)
    const {dir: _dir, templates: _templates, ...blueprint} = loadBlueprint(this.config.root, args.name)
    this.log(`${blueprint.name}: ${blueprint.summary}\n`)
    if (blueprint.when) this.log(`only for hosts with ${Object.entries(blueprint.when).map(([k, v]) => `vars.${k} = ${v}`).join(', ')}\n`)
    this.log(tabular('table', ['variable', 'type', 'default', 'description'], Object.entries(blueprint.variables).map(([n, v]) => [n + (v.secret ? ' (secret)' : ''), v.type, v.default === undefined ? '(required)' : JSON.stringify(v.default), v.description])))
    // The template every release renders, then the releases that render another one instead.
    const templates = (f: (typeof blueprint.files)[number]) =>
      [f.template, ...Object.entries(f.templateFor ?? {}).map(([release, template]) => `${release}: ${template}`), ...(f.init ? [`(${f.init} hosts only)`] : []), ...(f.when ? [`(when ${Object.entries(f.when).map(([k, v]) => `${k}=${v}`).join(', ')})`] : [])].join('\n')
    this.log(tabular('table', ['file', 'template', 'mode', 'validate', 'notifies'], blueprint.files.map((f) => [f.path, templates(f), f.mode, f.validate ?? '', (f.notify ?? []).join(', ')])))
    const services = Object.entries(blueprint.services).map(([name, s]) => `${name} (${s.reload}${s.init ? `, ${s.init} only` : ''}${s.ready ? ', waits until ready' : ''})`)
    this.log(`packages: ${blueprint.packages.join(' ')}; services: ${services.join(', ')}`)
    if (blueprint.encryptsStoreWith) this.log(`stored mail encrypted (and migrated by deploy) when ${blueprint.encryptsStoreWith} is set`)
    return blueprint
  }
}
