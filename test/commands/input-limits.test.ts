import {chmodSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailops, tempFile} from '../helpers/cli.js'

// Input that hangs a parser, exhausts memory or leaks a secret: each is a clear exit 2.
describe('input limits', () => {
  it('refuses a file over 8 MiB before reading it', () => {
    const file = tempFile('huge.yaml', 'a'.repeat(9 * 1024 * 1024))
    const result = mailops(['deploy', '-i', file, '--dry-run'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('it is 9.0 MiB, more than the 8.0 MiB an input file may be')
  })

  it('refuses a billion-laughs document', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (const [i, name] of [...'bcdefghi'].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)
    const result = mailops(['tco', '--scenario', tempFile('bomb.yaml', levels.join('\n') + '\n')])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('bomb.yaml:1:1: its YAML aliases expand it to many times its own size')
  })

  it('refuses an empty file, naming what it needs', () => {
    for (const text of ['', '\n\n', '# only a comment\n']) {
      const result = mailops(['deploy', '-i', tempFile('inventory.yaml', text), '--dry-run'])
      expect(result.code, JSON.stringify(text)).toBe(2)
      expect(result.stderr).toContain('inventory.yaml:1:1: the file is empty; it needs at least: hosts')
    }
  })

  it('refuses duplicate keys in a large map at once, with their place', () => {
    const keys = Array.from({length: 20_000}, (_, i) => `  k${i}: v`)
    keys.push('  k7: again')
    const file = tempFile('inventory.yaml', `hosts:\n  - {name: a, address: 198.18.0.11, role: core}\nvars:\n${keys.join('\n')}\n`)
    const result = mailops(['deploy', '-i', file, '--dry-run'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/inventory\.yaml:20004:\d+: not valid YAML\/JSON: duplicated mapping key/)
  })

  it('a broken secrets file: exit 2 with its place, never its text', () => {
    const inventory = tempFile('inventory.yaml', 'secretsFile: secrets.yaml\nhosts:\n  - {name: a, address: 198.18.0.11, role: core}\n')
    const secrets = join(dirname(inventory), 'secrets.yaml')
    for (const text of ['tls_key: "-----BEGIN PRIVATE KEY-----\nMIIsecretmaterial\n  bad: [indent\n', 'dkim_private_key:\n  nested: MIIsecretmaterial\n']) {
      writeFileSync(secrets, text)
      chmodSync(secrets, 0o600)
      const result = mailops(['deploy', '-i', inventory, '--dry-run'])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toMatch(/secrets\.yaml:\d+:\d+:/)
      expect(result.stderr + result.stdout).not.toContain('MIIsecretmaterial')
      expect(result.stderr).not.toContain('This is a bug')
    }
  })
})
