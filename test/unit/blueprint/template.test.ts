import {describe, expect, it} from 'vitest'

import {listBlueprints, loadBlueprint, renderFiles, resolveVariables} from '../../../src/blueprint/load.js'
import {renderTemplate} from '../../../src/blueprint/template.js'
import {ROOT} from '../../helpers/cli.js'

describe('templates', () => {
  it('fills placeholders, lists and conditions, inserting values as they are', () => {
    const out = renderTemplate('a={{a}}\n{{#each list}}- {{.}}\n{{/each}}{{#if on}}on\n{{/if}}{{#if off}}off\n{{/if}}', {a: '$(x) `y` "z"', list: ['p', 'q'], on: true, off: false})
    expect(out).toBe('a=$(x) `y` "z"\n- p\n- q\non\n')
  })

  it('names an unknown variable', () => {
    expect(() => renderTemplate('{{nope}}', {}, 'main.cf')).toThrow("main.cf uses 'nope', which is not a variable of the blueprint")
  })
})

describe('bundled blueprints', () => {
  it('load and render with their defaults', () => {
    expect(listBlueprints(ROOT)).toContain('base')
    for (const name of listBlueprints(ROOT)) {
      const blueprint = loadBlueprint(ROOT, name)
      const files = renderFiles(blueprint, resolveVariables(blueprint, 'h', {role: 'core'}))
      expect(files.length).toBeGreaterThan(0)
      for (const f of files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it('take secrets only from the environment', () => {
    const blueprint = {...loadBlueprint(ROOT, 'base'), variables: {token: {type: 'string' as const, secret: true, description: 'x'}}}
    expect(() => resolveVariables(blueprint, 'mx1', {token: 'from-a-file'})).toThrow("mx1: secret 'token' is not set (export MAILOPS_SECRET_TOKEN")
    process.env.MAILOPS_SECRET_TOKEN = 'from-env'
    try {
      expect(resolveVariables(blueprint, 'mx1', {token: 'from-a-file'})).toEqual({token: 'from-env'})
    } finally {
      delete process.env.MAILOPS_SECRET_TOKEN
    }
  })
})
