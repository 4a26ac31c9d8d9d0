import {Flags} from '@oclif/core'

import {MailopsCommand} from '../src/command.js'
import {dnsRecords, mtaStsPolicy, zoneSnippet, type DnsRecord} from '../src/dns/records.js'
import {InputError} from '../src/errors.js'
import {HostError} from '../src/ssh/errors.js'
import {loadInventory} from '../src/fleet/inventory.js'
import {SshPool} from '../src/ssh/pool.js'

export default class Dns extends MailopsCommand {
  static summary = 'The DNS records to publish for the deployed domain: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, A and PTR.'
  static description =
    "The DKIM public key is read back from the core over SSH (the key it signs with), so the record always matches. Prints a zone-file snippet and the MTA-STS policy file; --json gives both as data."

  static examples = ['<%= config.bin %> <%= command.id %> -i inventory.yaml', '<%= config.bin %> <%= command.id %> -i inventory.yaml --dmarc reject --json']

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file (vars.domain, the core and edge nodes).'}),
    dmarc: Flags.option({options: ['none', 'quarantine', 'reject'] as const, default: 'quarantine' as const, summary: 'DMARC policy.'})(),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
  }

  async run(): Promise<{domain: string; records: DnsRecord[]; zone: string; mtaStsPolicy: string}> {
    const {flags} = await this.parse(Dns)
    const inventory = loadInventory(flags.inventory)
    const domain = inventory.vars.domain
    if (typeof domain !== 'string') throw new InputError(`${flags.inventory}: vars.domain is not set`, {hint: 'Add vars: {domain: example.com} to the inventory.'})
    const selector = typeof inventory.vars.dkim_selector === 'string' ? inventory.vars.dkim_selector : 'mail'
    const core = inventory.hosts.find((h) => h.role === 'core')
    if (!core) throw new InputError(`${flags.inventory}: no host with role core`)
    const pool = new SshPool({knownHosts: inventory.knownHosts, acceptNew: flags['accept-new']})
    let dkimPublic: string
    try {
      const [result] = await pool.each([core], (c) => c.exec('openssl rsa -in /etc/opendkim/keys/dkim.private -pubout -outform DER 2>/dev/null | base64 -w0'))
      if (!result.ok) throw result.error
      if (result.value.code !== 0 || result.value.stdout === '') throw new HostError(core.name, 'DKIM_KEY_MISSING', 'no DKIM key at /etc/opendkim/keys/dkim.private', 'Deploy the core first: mailops deploy -i inventory.yaml')
      dkimPublic = result.value.stdout.trim()
    } finally {
      await pool.close()
    }
    const input = {domain, nodes: inventory.hosts.map((h) => ({name: h.name, address: h.address, role: h.role})), dkimSelector: selector, dkimPublic, dmarcPolicy: flags.dmarc}
    const records = dnsRecords(input)
    const zone = zoneSnippet(records)
    const policy = mtaStsPolicy(input)
    this.log(`$ORIGIN ${domain}.\n${zone}\n; https://mta-sts.${domain}/.well-known/mta-sts.txt\n${policy.replaceAll('\r\n', '\n').trimEnd().split('\n').map((l) => `; ${l}`).join('\n')}`)
    return {domain, records, zone, mtaStsPolicy: policy}
  }
}
