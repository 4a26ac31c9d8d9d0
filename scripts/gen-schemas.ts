// Writes src/config/schemas.generated.json from the TypeBox definitions, and one standalone
// validator per schema into src/config/validators/ (npm run schemas; the build runs it and copies
// the validators beside dist's validate.js). Compiling a schema at run time costs ≈100 ms each.
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'

import {_} from 'ajv/dist/compile/codegen/index.js'
import standaloneCode from 'ajv/dist/standalone/index.js'

import {createAjv} from '../src/config/ajv.js'
import {generatedSchemas} from '../src/config/schemas/index.js'

const json = generatedSchemas()
writeFileSync(new URL('../src/config/schemas.generated.json', import.meta.url), json)

const directory = new URL('../src/config/validators/', import.meta.url)
rmSync(directory, {recursive: true, force: true})
mkdirSync(directory)
const ajv = createAjv({source: true, formats: _`require("ajv-formats/dist/formats.js").fullFormats`})
for (const [name, {schema}] of Object.entries(JSON.parse(json) as Record<string, {schema: Record<string, unknown>}>)) {
  writeFileSync(new URL(`${name}.cjs`, directory), standaloneCode(ajv, ajv.compile(schema)))
}
