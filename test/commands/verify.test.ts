import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {VerifyChecks} from '../../src/config/schemas/reports.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('mailops verify --list', () => {
  it('prints the check documentation as docs/verify-checks.md has it, and as JSON', () => {
    const text = mailops(['verify', '--list'])
    expect(text.code).toBe(0)
    expect(text.stdout).toBe(readFileSync(new URL('../../docs/verify-checks.md', import.meta.url), 'utf8'))
    const json = mailops(['verify', '--list', '--json'])
    expectValid(VerifyChecks, json.json())
    expect(json.json().checks.find((c: {id: string}) => c.id === 'relay.open')).toMatchObject({scope: 'node', fix: expect.stringContaining('reject_unauth_destination')})
  })

  it('shows examples in --help', () => {
    const help = mailops(['verify', '--help'])
    expect(help.stdout).toContain('--format junit --strict > verify.xml')
    expect(help.stdout).toContain('Exit codes: 0 every check passed')
  })
})
