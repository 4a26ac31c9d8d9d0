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
  it('load, and render with their defaults plus a value for each required variable', () => {
    expect(listBlueprints(ROOT)).toEqual(['base', 'core', 'edge'])
    const samples = {string: 'sample', integer: 1, boolean: true, list: []}
    for (const name of listBlueprints(ROOT)) {
      const blueprint = loadBlueprint(ROOT, name)
      const required = Object.entries(blueprint.variables).filter(([, v]) => v.default === undefined)
      const secrets = required.filter(([, v]) => v.secret).map(([n]) => `MAILOPS_SECRET_${n.toUpperCase()}`)
      for (const env of secrets) process.env[env] = 'secret-sample'
      try {
        const given = Object.fromEntries(required.map(([n, v]) => [n, n === 'domain' ? 'example.com' : samples[v.type]]))
        const files = renderFiles(blueprint, resolveVariables(blueprint, 'h', {}, given))
        expect(files.length).toBeGreaterThan(0)
        for (const f of files) expect(f.content).not.toMatch(/\{\{/)
      } finally {
        for (const env of secrets) delete process.env[env]
      }
    }
  })

  it('take secrets from the environment or the secrets file, never from vars', () => {
    const blueprint = {...loadBlueprint(ROOT, 'base'), variables: {token: {type: 'string' as const, secret: true, description: 'x'}}}
    expect(() => resolveVariables(blueprint, 'mx1', {}, {token: 'from-vars'})).toThrow("mx1: secret 'token' is not set (export MAILOPS_SECRET_TOKEN")
    expect(resolveVariables(blueprint, 'mx1', {token: 'from-secrets-file'}, {token: 'from-vars'})).toEqual({token: 'from-secrets-file'})
    process.env.MAILOPS_SECRET_TOKEN = 'from-env'
    try {
      expect(resolveVariables(blueprint, 'mx1', {token: 'from-secrets-file'})).toEqual({token: 'from-env'})
    } finally {
      delete process.env.MAILOPS_SECRET_TOKEN
    }
  })
})
