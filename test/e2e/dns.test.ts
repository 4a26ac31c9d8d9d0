import {Resolver} from 'node:dns/promises'
import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, inject, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {readState} from '../../src/lab/state.js'
import {mailops} from '../helpers/cli.js'

const lab = inject('lab')
const spec = readState(lab.name)!.spec
const resolver = new Resolver({timeout: 1000, tries: 1})
resolver.setServers([spec.bridgeAddress])

describe("the lab's DNS (lab up starts it, on the bridge)", () => {
  it("answers the lab's names and PTRs through its resolver, and hosts resolve through it", async () => {
    const [core, edge] = spec.hosts
    expect(await resolver.resolve4(core.fqdn)).toEqual([core.address])
    expect(await resolver.reverse(edge.address)).toEqual([edge.fqdn])
    // ns.DOMAIN is in no host's /etc/hosts: only the lab's DNS knows it.
    const result = mailops(['lab', 'ssh', '--name', lab.name, edge.name, '--', `cat /etc/resolv.conf; getent ahostsv4 ns.${spec.domain} | head -1`])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`nameserver ${spec.bridgeAddress}\n`)
    expect(result.stdout).toMatch(new RegExp(`^${spec.bridgeAddress.replaceAll('.', '\\.')}\\s+STREAM ns\\.`, 'm'))
  })

  it('forwards nothing: a name outside the lab is NXDOMAIN at once, not a query to the internet', async () => {
    for (const name of ['example.com', 'debian.org']) {
      const started = Date.now()
      await expect(resolver.resolve4(name)).rejects.toMatchObject({code: 'ENOTFOUND'})
      expect(Date.now() - started).toBeLessThan(500)
    }
  })

  it('dns --apply refuses a domain no lab serves (exit 2) before it reaches any host', () => {
    const inventory = parse(readFileSync(lab.inventory, 'utf8'))
    inventory.vars.domain = 'example.org'
    // An unreachable core: if --apply reached for hosts first, this would exit 3.
    inventory.hosts = inventory.hosts.map((h: {address: string}) => ({...h, address: '198.18.255.254'}))
    const file = `${lab.dir}/inventory-foreign-domain.yaml`
    writeFileSync(file, stringify(inventory))
    const result = mailops(['dns', '-i', file, '--apply'])
    expect(result.stderr).toContain('no running lab serves the domain example.org')
    expect(result.code, result.stderr).toBe(2)
  })
})

describe('mailops dns', () => {
  // Unreachable hosts: a check that reached for them first would exit 3, not 2.
  const withEdgeVars = (name: string, vars: Record<string, unknown>) => {
    const inventory = parse(readFileSync(lab.inventory, 'utf8'))
    inventory.hosts = inventory.hosts.map((h: {name: string; role: string; vars?: object}) => ({...h, address: '198.18.255.254', ...(h.name === 'node2' ? {vars: {...h.vars, ...vars}} : {})}))
    const file = `${lab.dir}/inventory-${name}.yaml`
    writeFileSync(file, stringify(inventory))
    return file
  }

  it("refuses an edge whose certificate it cannot read a TLSA key from (exit 2) before it reaches any host", () => {
    const missing = mailops(['dns', '-i', withEdgeVars('no-cert', {tls_cert: ''})])
    expect(missing.stderr).toContain('the edge node2 has no vars.tls_cert')
    expect(missing.code, missing.stderr).toBe(2)
    const garbled = mailops(['dns', '-i', withEdgeVars('bad-next-key', {tls_next_public_key: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----'})])
    expect(garbled.stderr).toContain('vars.tls_next_public_key of node2 is not a PEM certificate chain or public key')
    expect(garbled.stderr).toContain('openssl pkey -pubin -noout')
    expect(garbled.code, garbled.stderr).toBe(2)
  })

  // The shared lab is never deployed: its core answers over SSH but holds no DKIM key.
  it('exits 1 (a step failed), not 3 (unreachable), when the core it reached has no DKIM key', () => {
    const result = mailops(['dns', '-i', lab.inventory])
    expect(result.stderr).toContain('no DKIM key at /etc/opendkim/keys/dkim.private')
    expect(result.stderr).toContain('mailops deploy -i inventory.yaml')
    expect(result.code, result.stderr).toBe(1)
  })
})
