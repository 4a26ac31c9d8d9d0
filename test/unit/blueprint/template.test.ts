import {execFileSync} from 'node:child_process'
import {createPublicKey} from 'node:crypto'
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {blueprintApplies, listBlueprints, loadBlueprint, renderFiles, resolveVariables} from '../../../src/blueprint/load.js'
import {renderTemplate} from '../../../src/blueprint/template.js'
import {SUPPORTED_RELEASES} from '../../../src/config/schemas/blueprint.js'
import {ROOT} from '../../helpers/cli.js'
import {keyAndCert} from '../../helpers/pem.js'

describe('templates', () => {
  it('fills placeholders, lists and conditions, inserting values as they are', () => {
    const out = renderTemplate('a={{a}}\n{{#each list}}- {{this}}\n{{/each}}{{#if on}}on\n{{/if}}{{#if off}}off\n{{/if}}', {a: '$(x) `y` "z" <&>', list: ['p', 'q'], on: true, off: false})
    expect(out).toBe('a=$(x) `y` "z" <&>\n- p\n- q\non\n')
  })

  it('renders in one pass: a value that looks like a template is written literally, never expanded', () => {
    const vars = {domain: 'example.com', tls_key: 'PRIVATE KEY MATERIAL', users: [{name: '{{tls_key}}'}, {name: '{{@root.tls_key}}'}], motd: '{{#each users}}{{name}}{{/each}}'}
    const out = renderTemplate('{{#each users}}{{name}}@{{@root.domain}} OK\n{{/each}}{{motd}}\n', vars)
    expect(out).toBe('{{tls_key}}@example.com OK\n{{@root.tls_key}}@example.com OK\n{{#each users}}{{name}}{{/each}}\n')
    expect(out).not.toContain('PRIVATE KEY')
  })

  it('names an unknown variable, and a broken template', () => {
    expect(() => renderTemplate('{{nope}}', {}, 'main.cf')).toThrow("main.cf uses 'nope', which is not a variable of the blueprint")
    expect(() => renderTemplate('{{#each x}}', {x: []}, 'main.cf')).toThrow('main.cf: not a valid template')
  })
})

describe('variables are checked by meaning before any connection', () => {
  const edge = loadBlueprint(ROOT, 'edge')
  const pem = keyAndCert()
  const given = {domain: 'example.com', host_name: 'mx1', core_nexthops: '[198.18.0.11]:25', core_tls_policy: ['[198.18.0.11]:25 secure match=core1.example.com'], ssh_port: 22, mta_sts_host: 'mta-sts.example.com', mta_sts_policy: 'version: STSv1\r\n', tls_cert: pem.cert}
  const resolve = (vars: Record<string, unknown>, key = pem.key) => () => resolveVariables(edge, 'mx1', {tls_key: key}, {...given, ...vars})

  it('accepts good values', () => {
    expect(resolve({edge_message_size_limit: 10_240_000})()).toMatchObject({edge_message_size_limit: 10_240_000})
  })

  it('refuses integers out of range, fractions and integers no daemon can read', () => {
    for (const value of [-1, 0, 1e30, 2 ** 53, 1.5, '1000']) {
      expect(resolve({edge_message_size_limit: value}), String(value)).toThrow("mx1: variable 'edge_message_size_limit' must be an integer from 1048576 to 1073741824")
    }
  })

  it('refuses a key that is not a key, and a certificate of another key, without quoting either', () => {
    const garbage = '-----BEGIN PRIVATE KEY-----\nnot a key at all\n-----END PRIVATE KEY-----\n'
    expect(resolve({}, garbage)).toThrow("mx1: variable 'tls_key' must be a PEM private key")
    expect(resolve({tls_cert: 'hello'})).toThrow("mx1: variable 'tls_cert' must be a PEM certificate chain")
    const other = keyAndCert()
    let message = ''
    try {
      resolve({}, other.key)()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toBe("mx1: the certificate in 'tls_cert' does not belong to the private key in 'tls_key'")
  })

  it('checks list items against their schema: a mailbox name is a local part, not a template or a new line', () => {
    for (const name of ['{{tls_key}}', 'a\nb@evil OK', 'Caps', '']) {
      expect(resolve({mail_users: [{name, password_hash: '{SHA512-CRYPT}$6$x$y'}]}), JSON.stringify(name)).toThrow("mx1: variable 'mail_users' must be a list whose items match its schema (item 1:")
    }
    expect(resolve({mail_users: [{name: 'ok', password_hash: 'a:b'}]})).toThrow('item 1:')
    expect(resolve({mail_users: [{name: 'ok', password_hash: '{SHA512-CRYPT}$6$x$y', extra: 1}]})).toThrow('item 1:')
  })
})

describe('bundled blueprints', () => {
  it('load, and render with their defaults plus a value for each required variable', () => {
    expect(listBlueprints(ROOT)).toEqual(['acme', 'base', 'core', 'edge', 'outbound', 'replication'])
    const pem = keyAndCert()
    const samples = {string: 'sample', integer: 1, boolean: true, list: []}
    const special: Record<string, string> = {domain: 'example.com', tls_cert: pem.cert, tls_key: pem.key, dkim_private_key: pem.key, acme_directory: 'https://acme.example/dir', acme_email: 'postmaster@example.com', replication: 'on', core_nexthops: '[198.18.0.11]:25, [198.18.0.12]:25', replication_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n', replication_public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 mailops-replication'}
    for (const name of listBlueprints(ROOT)) {
      const blueprint = loadBlueprint(ROOT, name)
      const required = Object.entries(blueprint.variables).filter(([, v]) => v.default === undefined)
      const secrets = Object.fromEntries(required.filter(([, v]) => v.secret).map(([n]) => [n, special[n] ?? 'secret-sample']))
      const given = Object.fromEntries(required.filter(([, v]) => !v.secret).map(([n, v]) => [n, special[n] ?? samples[v.type]]))
      for (const release of SUPPORTED_RELEASES) {
        const files = renderFiles(blueprint, resolveVariables(blueprint, 'h', secrets, given), release)
        expect(files.length).toBeGreaterThan(0)
        for (const f of files) expect(f.content).not.toMatch(/\{\{/)
        // A file rendered from a secret is marked, so that it is never read back or shown.
        for (const f of files) expect(f.sensitive, `${name}: ${f.path}`).toBe(['/etc/mailops/tls/key.pem', '/etc/opendkim/keys/dkim.private', '/etc/mailops/mail-crypt/private.pem', '/etc/mailops/replication/key'].includes(f.path))
      }
    }
  })

  it('take secrets from the environment or the secrets file, never from vars', () => {
    const blueprint = {...loadBlueprint(ROOT, 'base'), variables: {token: {type: 'string' as const, secret: true, description: 'x'}}}
    expect(() => resolveVariables(blueprint, 'mx1', {}, {token: 'from-vars'})).toThrow("mx1: secret 'token' is not set (export MAILOPS_SECRET_TOKEN")
    expect(resolveVariables(blueprint, 'mx1', {token: 'from-secrets-file'}, {token: 'from-vars'})).toEqual({token: 'from-secrets-file'})
    // A host's own entry (HOST/NAME) over the shared one: each lab node has a TLS key of its own.
    const perHost = {token: 'shared', 'mx1/token': 'mx1-only'}
    expect(resolveVariables(blueprint, 'mx1', perHost)).toEqual({token: 'mx1-only'})
    expect(resolveVariables(blueprint, 'mx2', perHost)).toEqual({token: 'shared'})
    process.env.MAILOPS_SECRET_TOKEN = 'from-env'
    try {
      expect(resolveVariables(blueprint, 'mx1', {token: 'from-secrets-file'})).toEqual({token: 'from-env'})
      expect(resolveVariables(blueprint, 'mx1', perHost)).toEqual({token: 'from-env'})
    } finally {
      delete process.env.MAILOPS_SECRET_TOKEN
    }
  })
})

describe('blueprints render for the host\'s release', () => {
  const core = loadBlueprint(ROOT, 'core')
  const pem = keyAndCert()
  const vars = resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, {domain: 'example.com', host_name: 'core1', edge_addresses: [], edge_ipv4: [], edge_ipv6: [], ssh_port: 22, tls_cert: pem.cert})
  const dovecot = (release: (typeof SUPPORTED_RELEASES)[number]) => renderFiles(core, vars, release).find((f) => f.path === '/etc/dovecot/dovecot.conf')!

  it('Dovecot 2.4 on Debian 13, 2.3 on Debian 12: same path, mode, validator and services; every other file the same', () => {
    const [d12, d13] = [dovecot('debian 12'), dovecot('debian 13')]
    expect(d13.content.split('\n').find((l) => l !== '' && !l.startsWith('#'))).toBe('dovecot_config_version = 2.4.1')
    expect(d13.content).toContain('mail_path = /var/mail/vhosts/%{user | domain}/%{user | username}')
    expect(d12.content).not.toContain('dovecot_config_version')
    expect(d12.content).toContain('mail_location = maildir:/var/mail/vhosts/%d/%n')
    const {content: _a, sha256: _b, ...same12} = d12
    const {content: _c, sha256: _d, ...same13} = d13
    expect(same13).toEqual(same12)
    const others = (release: (typeof SUPPORTED_RELEASES)[number]) => renderFiles(core, vars, release).filter((f) => f.path !== '/etc/dovecot/dovecot.conf')
    expect(others('debian 13')).toEqual(others('debian 12'))
  })

  it('the 2.4 configuration carries every setting of the 2.3 one, by its 2.3 name or a comment naming it', () => {
    // Sections and settings of the 2.3 template: "name = value" lines and "section name {" openers.
    const settings = (text: string) =>
      new Set(
        text
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#') && l !== '}')
          .map((l) => (l.match(/^([a-z_]+)\s*=/) ?? l.match(/^([a-z_]+(?: [^{]+?)?)\s*\{/))?.[1] ?? l),
      )
    const old = settings(core.templates['dovecot.conf'])
    const renamed = new Map([
      ['ssl_cert', 'ssl_server_cert_file'],
      ['ssl_key', 'ssl_server_key_file'],
      ['ssl_prefer_server_ciphers', 'ssl_server_prefer_ciphers'],
      ['disable_plaintext_auth', 'auth_allow_cleartext'],
      ['mail_location', 'mail_path'],
      ['passdb', 'passdb passwd-file'],
      ['userdb', 'userdb static'],
      ['driver', 'passdb passwd-file'],
      ['args', 'passwd_file_path'],
      // The Sieve settings of 2.3's plugin block are sieve_script blocks in 2.4.
      ['plugin', 'sieve_script spam-to-junk'],
      ['sieve_before', 'sieve_script spam-to-junk'],
      ['sieve', 'sieve_script personal'],
      // mail_crypt's plugin settings are crypt_* settings of their own in 2.4.
      ['mail_crypt_save_version', 'crypt_write_algorithm'],
      ['mail_crypt_global_public_key', 'crypt_global_public_key_file'],
      ['mail_crypt_global_private_key', 'crypt_global_private_key main'],
    ])
    const next = core.templates['dovecot-2.4.conf']
    const now = settings(next)
    for (const name of old) {
      if (now.has(name)) continue
      expect(renamed.has(name), `2.3 setting '${name}' is neither in dovecot-2.4.conf nor known as renamed`).toBe(true)
      expect(now.has(renamed.get(name)!), `'${name}' → '${renamed.get(name)}'`).toBe(true)
      expect(next, `a comment names the 2.3 setting '${name}'`).toMatch(new RegExp(`^#.*2\\.3:.*\\b${name}\\b`, 'm'))
    }
  })

  it('mail_crypt is on in both releases when the key pair is given, off when neither is; half a pair or a wrong pair is refused before any connection', () => {
    const pair = keyAndCert()
    const publicKey = createPublicKey(pair.key).export({type: 'spki', format: 'pem'}).toString()
    const base = {tls_key: pem.key, dkim_private_key: pem.key}
    const given = {domain: 'example.com', host_name: 'core1', edge_addresses: [], edge_ipv4: [], edge_ipv6: [], ssh_port: 22, tls_cert: pem.cert}
    const render = (secrets: Record<string, string>, extra: Record<string, unknown>) => (release: (typeof SUPPORTED_RELEASES)[number]) =>
      renderFiles(core, resolveVariables(core, 'core1', {...base, ...secrets}, {...given, ...extra}), release)
    const on = render({mail_crypt_private_key: pair.key}, {mail_crypt_public_key: publicKey})
    const conf = (files: ReturnType<ReturnType<typeof render>>) => files.find((f) => f.path === '/etc/dovecot/dovecot.conf')!.content
    expect(conf(on('debian 12'))).toMatch(/^mail_plugins = \$mail_plugins mail_crypt\nplugin \{\n  mail_crypt_save_version = 2\n  mail_crypt_global_public_key = <\/etc\/mailops\/mail-crypt\/public\.pem\n  mail_crypt_global_private_key = <\/etc\/mailops\/mail-crypt\/private\.pem\n\}$/m)
    expect(conf(on('debian 13'))).toMatch(/^mail_plugins \{\n  mail_crypt = yes\n\}$/m)
    expect(conf(on('debian 13'))).toMatch(/^crypt_write_algorithm = aes-256-gcm-sha256$/m)
    expect(conf(on('debian 13'))).toMatch(/^crypt_global_public_key_file = \/etc\/mailops\/mail-crypt\/public\.pem$/m)
    expect(conf(on('debian 13'))).toMatch(/^crypt_global_private_key main \{\n  crypt_private_key_file = \/etc\/mailops\/mail-crypt\/private\.pem\n\}$/m)
    // The global plugin list comes before the protocol sections that extend it ($mail_plugins in 2.3).
    expect(conf(on('debian 12')).indexOf('mail_crypt\n')).toBeLessThan(conf(on('debian 12')).indexOf('protocol lmtp'))
    const privateFile = on('debian 12').find((f) => f.path === '/etc/mailops/mail-crypt/private.pem')!
    expect({content: privateFile.content, mode: privateFile.mode, owner: privateFile.owner, sensitive: privateFile.sensitive}).toEqual({content: `${pair.key}\n`, mode: '0600', owner: 'root', sensitive: true})
    const off = render({}, {})
    for (const release of SUPPORTED_RELEASES) expect(conf(off(release))).not.toMatch(/^[^#\n]*crypt/m)
    expect(() => render({mail_crypt_private_key: pair.key}, {})('debian 12')).toThrow("core1: 'mail_crypt_public_key' and 'mail_crypt_private_key' go together, but only 'mail_crypt_private_key' is set")
    expect(() => render({}, {mail_crypt_public_key: publicKey})('debian 12')).toThrow("only 'mail_crypt_public_key' is set")
    const other = createPublicKey(keyAndCert().key).export({type: 'spki', format: 'pem'}).toString()
    expect(() => render({mail_crypt_private_key: pair.key}, {mail_crypt_public_key: other})('debian 12')).toThrow("core1: the public key in 'mail_crypt_public_key' is not the public half of the private key in 'mail_crypt_private_key'")
    expect(() => render({mail_crypt_private_key: pair.key}, {mail_crypt_public_key: pem.cert})('debian 12')).toThrow("variable 'mail_crypt_public_key' must be a PEM public key")
  })

  it('the core names the variable that turns encryption at rest on; a name that is not a variable is refused at its place', () => {
    expect(core.encryptsStoreWith).toBe('mail_crypt_public_key')
    const root = mkdtempSync(join(tmpdir(), 'mailops-bp-'))
    cpSync(join(ROOT, 'blueprints', 'core'), join(root, 'blueprints', 'core'), {recursive: true})
    const file = join(root, 'blueprints', 'core', 'blueprint.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('encryptsStoreWith: mail_crypt_public_key', 'encryptsStoreWith: mail_crypt_key'))
    expect(() => loadBlueprint(root, 'core')).toThrow(/blueprint\.yaml:\d+:\d+.*encryptsStoreWith uses 'mail_crypt_key', which is not a variable of the blueprint/s)
  })

  it('a template for a release the blueprints do not know is refused at its place in blueprint.yaml', () => {
    const root = mkdtempSync(join(tmpdir(), 'mailops-bp-'))
    cpSync(join(ROOT, 'blueprints', 'base'), join(root, 'blueprints', 'base'), {recursive: true})
    const file = join(root, 'blueprints', 'base', 'blueprint.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('    template: motd\n', "    template: motd\n    templateFor: {'debian 11': motd}\n"))
    expect(() => loadBlueprint(root, 'base')).toThrow(/blueprint\.yaml:\d+:\d+.*templateFor/s)
    writeFileSync(file, readFileSync(file, 'utf8').replace("templateFor: {'debian 11': motd}", "templateFor: {'debian 13': motd-13}"))
    expect(() => loadBlueprint(root, 'base')).toThrow(/blueprint\.yaml:\d+:\d+.*template file missing: .*motd-13/s)
  })
})

describe("a blueprint's when (one inventory choice, vars.tls_source, picks blueprints, files and variables)", () => {
  const pem = keyAndCert()
  const facts = {domain: 'example.com', host_name: 'mx1', core_nexthops: '[198.18.0.11]:25', core_tls_policy: ['[198.18.0.11]:25 secure match=core1.example.com'], ssh_port: 22, certificate_names: ['mx1.example.com', 'mta-sts.example.com'], mta_sts_host: 'mta-sts.example.com', mta_sts_policy: 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n'}
  const edge = loadBlueprint(ROOT, 'edge')
  const acme = loadBlueprint(ROOT, 'acme')
  const paths = (vars: Record<string, unknown>) => renderFiles(edge, vars, SUPPORTED_RELEASES[1]).map((f) => f.path)

  it('a node on files gets its handed-in certificate and key, and no acme blueprint', () => {
    const vars = resolveVariables(edge, 'mx1', {tls_key: pem.key}, {tls_cert: pem.cert}, facts)
    expect(vars.tls_source).toBe('files')
    expect(paths(vars)).toEqual(expect.arrayContaining(['/etc/mailops/tls/cert.pem', '/etc/mailops/tls/key.pem']))
    expect(blueprintApplies(acme, 'edge', {}, {})).toBe(false)
    expect(blueprintApplies(acme, 'edge', {tls_source: 'files'}, {})).toBe(false)
    // files is still the default: its certificate is required as before.
    expect(() => resolveVariables(edge, 'mx1', {tls_key: pem.key}, {}, facts)).toThrow(/tls_cert/)
  })

  it('an ACME node needs no tls_cert or tls_key, gets no certificate file from deploy, and gets the acme blueprint (host vars over inventory vars)', () => {
    const vars = resolveVariables(edge, 'mx1', {}, {tls_source: 'acme'}, facts)
    expect(vars.tls_cert).toBe('')
    expect(vars.tls_key).toBe('')
    expect(paths(vars)).not.toContain('/etc/mailops/tls/cert.pem')
    expect(paths(vars)).not.toContain('/etc/mailops/tls/key.pem')
    expect(paths(vars)).toContain('/etc/postfix/main.cf')
    expect(blueprintApplies(acme, 'edge', {tls_source: 'acme'}, {})).toBe(true)
    expect(blueprintApplies(acme, 'core', {tls_source: 'files'}, {tls_source: 'acme'})).toBe(true)
    expect(blueprintApplies(acme, 'edge', {tls_source: 'acme'}, {tls_source: 'files'})).toBe(false)
  })

  it('refuses an ACME address or URL that could end the quoted word of the root script it goes into', () => {
    const base = {tls_source: 'acme', acme_directory: 'https://198.18.15.1:14000/dir', acme_email: 'postmaster@example.com'}
    for (const [name, value] of [
      ['acme_email', "a'$(touch /tmp/x)'@example.com"],
      ['acme_email', 'a@example.com\nExecStartPre=/bin/sh'],
      ['acme_directory', "https://acme.example/dir';reboot;'"],
      ['acme_directory', 'https://acme.example/$(id)'],
      ['acme_directory', 'https://acme.example/%n'],
    ]) {
      expect(() => resolveVariables(acme, 'mx1', {}, {...base, [name]: value}, facts), `${name}: ${value}`).toThrow(new RegExp(`variable '${name}' must`))
    }
    for (const url of ['https://acme-v02.api.letsencrypt.org/directory', 'https://acme.zerossl.com/v2/DV90', 'https://dv.acme-v02.api.pki.goog/directory']) {
      expect(resolveVariables(acme, 'mx1', {}, {...base, acme_directory: url}, facts).acme_directory).toBe(url)
    }
  })

  it("asks the ACME server for the node's names with the key kept, and trusts its HTTPS CA only when one is given", () => {
    const vars = resolveVariables(acme, 'mx1', {}, {tls_source: 'acme', acme_directory: 'https://198.18.15.1:14000/dir', acme_email: 'postmaster@example.com', acme_ca_cert: pem.cert}, facts)
    const files = Object.fromEntries(renderFiles(acme, vars, SUPPORTED_RELEASES[1]).map((f) => [f.path, f.content]))
    const obtain = files['/etc/mailops/acme/obtain']
    expect(obtain).toContain("--server 'https://198.18.15.1:14000/dir'")
    expect(obtain).toContain("-d 'mx1.example.com' -d 'mta-sts.example.com'")
    expect(obtain).toContain('--reuse-key')
    expect(obtain).toContain('--deploy-hook /etc/mailops/acme/install')
    expect(obtain).toContain('export REQUESTS_CA_BUNDLE=/etc/mailops/acme/ca.pem')
    expect(files['/etc/systemd/system/certbot.service.d/mailops.conf']).toContain('Environment=REQUESTS_CA_BUNDLE=/etc/mailops/acme/ca.pem')
    expect(files['/etc/mailops/acme/check']).toContain("for name in 'mx1.example.com' 'mta-sts.example.com'; do")
    const publicCa = resolveVariables(acme, 'mx1', {}, {tls_source: 'acme', acme_directory: 'https://acme.example/dir', acme_email: 'postmaster@example.com', replication: 'on', core_nexthops: '[198.18.0.11]:25, [198.18.0.12]:25', replication_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n', replication_public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 mailops-replication'}, facts)
    const rendered = Object.fromEntries(renderFiles(acme, publicCa, SUPPORTED_RELEASES[1]).map((f) => [f.path, f.content]))
    expect(rendered['/etc/mailops/acme/obtain']).not.toContain('REQUESTS_CA_BUNDLE')
    expect(rendered['/etc/systemd/system/certbot.service.d/mailops.conf']).not.toContain('Environment=')
  })
})

describe('outbound routes (the route plan the inventory names) in the core and edge blueprints', () => {
  const pem = keyAndCert()
  const core = loadBlueprint(ROOT, 'core')
  const edge = loadBlueprint(ROOT, 'edge')
  const coreFacts = {domain: 'example.com', host_name: 'core1', edge_addresses: ['198.18.0.12'], edge_ipv4: ['198.18.0.12'], edge_ipv6: [], ssh_port: 22, tls_cert: pem.cert}
  const edgeFacts = {domain: 'example.com', host_name: 'mx1', core_nexthops: '[198.18.0.11]:25', core_tls_policy: ['[198.18.0.11]:25 secure match=core1.example.com'], ssh_port: 22, mta_sts_host: 'mta-sts.example.com', mta_sts_policy: 'version: STSv1\r\n', tls_cert: pem.cert}
  const file = (files: ReturnType<typeof renderFiles>, path: string) => files.find((f) => f.path === path)!.content
  const body = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))

  it("a core's main.cf reads its transport_routes, which holds the plan's lines (none without a plan)", () => {
    const lines = ['example.co.za smtp:[198.18.0.13]:25, [198.18.0.12]:25', 'example.de smtp:[198.18.0.12]:25, example.de']
    const files = renderFiles(core, resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, {...coreFacts, route_transport: lines}), 'debian 12')
    expect(body(file(files, '/etc/postfix/transport_routes'))).toEqual(lines)
    expect(file(files, '/etc/postfix/main.cf')).toMatch(/^transport_maps = texthash:\/etc\/postfix\/transport_routes$/m)
    const none = renderFiles(core, resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, coreFacts), 'debian 12')
    expect(body(file(none, '/etc/postfix/transport_routes'))).toEqual([])
    // A line that is not "DOMAIN smtp:NEXTHOP[, NEXTHOP]" never reaches Postfix.
    expect(() => resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, {...coreFacts, route_transport: ['example.de discard:']})).toThrow("variable 'route_transport' must be a list whose items match its schema")
  })

  it('an edge lets the cores of route_clients relay (mynetworks, so postscreen too) with no milter, and nobody else', () => {
    const files = renderFiles(edge, resolveVariables(edge, 'mx1', {tls_key: pem.key}, {...edgeFacts, route_clients: ['198.18.0.11/32']}), 'debian 12')
    expect(body(file(files, '/etc/postfix/route_clients'))).toEqual(['198.18.0.11/32 DISABLE'])
    const main = file(files, '/etc/postfix/main.cf')
    expect(main).toMatch(/^mynetworks = 127\.0\.0\.0\/8, cidr:\/etc\/postfix\/route_clients$/m)
    expect(main).toMatch(/^smtpd_milter_maps = cidr:\/etc\/postfix\/route_clients$/m)
    expect(main).toMatch(/^smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination$/m)
    expect(main).toMatch(/^postscreen_access_list = permit_mynetworks, cidr:\/etc\/postfix\/core_clients$/m)
    // The core sends as the own domain, which sender_access refuses from anyone else.
    expect(main).toMatch(/^smtpd_sender_restrictions = permit_mynetworks, check_sender_access /m)
    // A destination below the own domain is another domain to route, not a relay domain of the edge.
    expect(main).toMatch(/^parent_domain_matches_subdomains = (?!.*relay_domains).*smtpd_access_maps$/m)
    const none = renderFiles(edge, resolveVariables(edge, 'mx1', {tls_key: pem.key}, edgeFacts), 'debian 12')
    expect(body(file(none, '/etc/postfix/route_clients'))).toEqual([])
  })

  it('every node mail leaves from asks the same TLS policy tables: its own hops verified first, then DANE, then MTA-STS', () => {
    const policy = 'smtp_tls_policy_maps = texthash:/etc/postfix/tls_policy, socketmap:inet:127.0.0.1:8462:dane, socketmap:inet:127.0.0.1:8461:postfix'
    const coreFiles = renderFiles(core, resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, {...coreFacts, edge_tls_policy: ['[198.18.0.12]:25 secure match=mx1.example.com']}), 'debian 12')
    const edgeFiles = renderFiles(edge, resolveVariables(edge, 'mx1', {tls_key: pem.key}, edgeFacts), 'debian 12')
    for (const files of [coreFiles, edgeFiles]) {
      const main = file(files, '/etc/postfix/main.cf')
      expect(main).toContain(`\n${policy}\n`)
      expect(main).toMatch(/^smtp_tls_security_level = dane$/m)
      expect(main).toMatch(/^smtp_dns_support_level = dnssec$/m)
    }
    // The core's hop to an edge (a route's egress) is verified by the edge's name, never opportunistic.
    expect(body(file(coreFiles, '/etc/postfix/tls_policy'))).toEqual(['[198.18.0.12]:25 secure match=mx1.example.com'])
    expect(() => resolveVariables(core, 'core1', {tls_key: pem.key, dkim_private_key: pem.key}, {...coreFacts, edge_tls_policy: ['[198.18.0.12]:25 may']})).toThrow("variable 'edge_tls_policy' must be a list whose items match its schema")
    // The maps themselves: one blueprint for both roles.
    const outbound = loadBlueprint(ROOT, 'outbound')
    expect(outbound.roles).toEqual(['core', 'edge'])
    expect(Object.keys(outbound.services)).toEqual(['mailops-dane-policy', 'postfix-mta-sts-resolver'])
  })

  it("an edge's postscreen lets every core in, plan or not: a core's SMTP probe must not wait out the pregreet test (latency --probe smtp's 1 s)", () => {
    const files = renderFiles(edge, resolveVariables(edge, 'mx1', {tls_key: pem.key}, {...edgeFacts, core_networks: ['198.18.0.11/32', '2001:db8::11/128']}), 'debian 12')
    expect(body(file(files, '/etc/postfix/core_clients'))).toEqual(['198.18.0.11/32 permit', '2001:db8::11/128 permit'])
    // Let in by postscreen only: relaying stays for the cores of route_clients.
    expect(body(file(files, '/etc/postfix/route_clients'))).toEqual([])
  })
})
