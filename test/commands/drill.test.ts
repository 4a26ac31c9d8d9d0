import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ErrorReport} from '../../src/config/schemas/error.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// Addresses no lab holds: every refusal below comes before any connection (one would time out).
function inventory(hosts: string[], vars = ['  domain: example.net', '  verify_user: demo']): string {
  const file = tempFile('inventory.yaml', ['defaults: {key: id_test}', 'vars:', ...vars, 'hosts:', ...hosts, ''].join('\n'))
  writeFileSync(join(dirname(file), 'id_test'), 'only has to exist')
  writeFileSync(join(dirname(file), 'secrets.yaml'), 'verify_password: not-a-real-one\n', {mode: 0o600})
  return file
}
const TWO_CORES = ['  - {name: core1, address: 198.18.250.11, role: core}', '  - {name: core2, address: 198.18.250.12, role: core}', '  - {name: edge1, address: 198.18.250.13, role: edge}']

describe('mailops drill', () => {
  it('shows its examples and exit codes in --help', () => {
    const help = mailops(['drill', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('drill -i inventory.yaml --fail core1')
    expect(help.stdout).toContain('130 interrupted')
  })

  it('refuses what cannot be drilled with exit 2, saying what would do, before touching a host', () => {
    const cases: Array<[string[], string[], string]> = [
      [TWO_CORES, ['--fail', 'edge1'], '--fail edge1 is not a core of'],
      [TWO_CORES, ['--fail', 'core9'], "no host 'core9' in the inventory"],
      [TWO_CORES, ['--fail', 'core1', '--replica', 'core1'], '--replica core1 is not another core of'],
      [TWO_CORES.filter((h) => !h.includes('core2')), ['--fail', 'core1'], 'has only one core'],
      [TWO_CORES.filter((h) => !h.includes('edge1')), ['--fail', 'core1'], 'has no edge'],
      [TWO_CORES, ['--fail', 'core1', '--outage', 'soon'], '--outage'],
      [TWO_CORES, ['--fail', 'core1', '--rpo', '0'], '--rpo'],
    ]
    for (const [hosts, flags, message] of cases) {
      const started = Date.now()
      const result = mailops(['drill', '-i', inventory(hosts), ...flags])
      expect(result.code, `${flags.join(' ')}: ${result.stderr}`).toBe(2)
      expect(result.stderr, flags.join(' ')).toContain(message)
      expect(Date.now() - started, 'no connection was tried').toBeLessThan(8000)
    }
    const noAccount = mailops(['drill', '-i', inventory(TWO_CORES, ['  domain: example.net']), '--fail', 'core1', '--json'])
    expect(noAccount.code).toBe(2)
    expectValid(ErrorReport, noAccount.json())
    expect(noAccount.json().error.message).toContain('set vars.verify_user and the secret verify_password')
  })
})
