import {describe, expect, it} from 'vitest'

import {mailops} from '../helpers/cli.js'

describe('mailops blueprint show', () => {
  it('names the template each release renders: the core is Dovecot 2.3 on Debian 12 and 2.4 on Debian 13', () => {
    const table = mailops(['blueprint', 'show', 'core'])
    expect(table.code, table.stderr).toBe(0)
    // The table wraps a cell inside its column: join the column's pieces before reading it.
    const row = table.stdout.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').map((c) => c.trim()))
    const start = row.findIndex((cells) => cells[1] === '/etc/dovecot/dovecot.conf')
    const end = row.findIndex((cells, i) => i > start && cells[1] !== '')
    expect(row.slice(start, end).map((cells) => cells[2]).join('')).toBe('dovecot.confdebian 13: dovecot-2.4.conf')
    expect(table.stdout).toMatch(/\(systemd hosts only\)/)
    expect(table.stdout).toContain('nftables (reload, systemd only, waits until ready)')

    const json = mailops(['blueprint', 'show', 'core', '--json'])
    expect(json.code, json.stderr).toBe(0)
    const dovecot = json.json().files.find((f: {path: string}) => f.path === '/etc/dovecot/dovecot.conf')
    expect(dovecot).toMatchObject({template: 'dovecot.conf', templateFor: {'debian 13': 'dovecot-2.4.conf'}})
  })

  it("says which inventory choice a blueprint or a file is for (vars.tls_source)", () => {
    const acme = mailops(['blueprint', 'show', 'acme'])
    expect(acme.code, acme.stderr).toBe(0)
    expect(acme.stdout).toContain('only for hosts with vars.tls_source = acme')
    const edge = mailops(['blueprint', 'show', 'edge'])
    const row = edge.stdout.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').map((c) => c.trim()))
    const start = row.findIndex((cells) => cells[1] === '/etc/mailops/tls/cert.')
    expect(row.slice(start, start + 2).map((cells) => cells[2]).join(' ')).toBe('cert.pem (when tls_source=files)')
    expect(mailops(['blueprint', 'show', 'acme', '--json']).json().when).toEqual({tls_source: 'acme'})
  })

  it('shows examples in --help', () => {
    const help = mailops(['blueprint', 'show', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('mailops blueprint show core')
  })
})
