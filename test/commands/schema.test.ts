import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'

import {SCHEMAS} from '../../src/config/schemas/index.js'
import {mailops} from '../helpers/cli.js'

describe('mailops schema', () => {
  it('prints every schema as standalone JSON Schema 2020-12 that a strict validator compiles', () => {
    const list = mailops(['schema', '--json']).json()
    expect(list.schemas.map((s: {name: string}) => s.name)).toEqual(Object.keys(SCHEMAS))
    for (const name of Object.keys(SCHEMAS)) {
      const result = mailops(['schema', name])
      expect(result.code).toBe(0)
      const schema = JSON.parse(result.stdout)
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
      expect(() => new Ajv2020({strict: false, validateFormats: false}).compile(schema)).not.toThrow()
    }
  })

  it('rejects an unknown name with exit code 2 and the known names', () => {
    const result = mailops(['schema', 'nope'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('known: answers, answers-complete, weights, providers')
  })
})

describe('schemas.generated.json', () => {
  it('is what the TypeBox definitions generate (run `npm run schemas` after changing one)', async () => {
    const {readFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {generatedSchemas} = await import('../../src/config/schemas/index.js')
    const {ROOT} = await import('../helpers/cli.js')
    expect(readFileSync(join(ROOT, 'src', 'config', 'schemas.generated.json'), 'utf8')).toBe(generatedSchemas())
  })
})
