import {MailopsCommand} from '../../src/command.js'
import {listBlueprints, loadBlueprint} from '../../src/blueprint/load.js'
import {tabular} from '../../src/util/table.js'

export default class BlueprintList extends MailopsCommand {
  static summary = 'List the bundled blueprints and the roles they apply to.'
  static examples = ['<%= config.bin %> <%= command.id %>']

  async run() {
    await this.parse(BlueprintList)
    const blueprints = listBlueprints(this.config.root).map((name) => loadBlueprint(this.config.root, name))
    this.log(tabular('table', ['name', 'roles', 'summary'], blueprints.map((b) => [b.name, b.roles.join(', '), b.summary])))
    return {blueprints: blueprints.map((b) => ({name: b.name, roles: b.roles, summary: b.summary}))}
  }
}
