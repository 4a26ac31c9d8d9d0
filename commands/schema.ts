import * as Args from '@oclif/core/args'

import {MailopsCommand} from '../src/command.js'
import {SCHEMA_REGISTRY, type SchemaName} from '../src/config/registry.js'
import {InputError} from '../src/errors.js'
import {tabular} from '../src/util/table.js'

export default class Schema extends MailopsCommand {
  static summary = 'Print the JSON Schema of an input file or of a --json output.'
  static examples = [
    {description: 'List the schemas', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The weights file, for your editor', command: '<%= config.bin %> <%= command.id %> weights > weights.schema.json'},
  ]

  static args = {
    name: Args.string({description: 'schema name; omit to list them'}),
  }

  async run(): Promise<object> {
    const {args} = await this.parse(Schema)
    if (!args.name) {
      this.log(tabular('table', ['name', 'kind', 'used by'], Object.entries(SCHEMA_REGISTRY).map(([n, s]) => [n, s.kind, s.description])))
      return {schemas: Object.entries(SCHEMA_REGISTRY).map(([name, s]) => ({name, kind: s.kind, description: s.description}))}
    }
    if (!(args.name in SCHEMA_REGISTRY)) {
      throw new InputError(`unknown schema '${args.name}'; known: ${Object.keys(SCHEMA_REGISTRY).join(', ')}`, {code: 'USAGE'})
    }
    const {schema} = SCHEMA_REGISTRY[args.name as SchemaName]
    this.log(JSON.stringify(schema, null, 2))
    return schema
  }
}
