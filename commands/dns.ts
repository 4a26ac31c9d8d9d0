import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {dnsForInventory, type DnsPublication, zoneText} from '../src/dns/publish.js'

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

  async run(): Promise<DnsPublication> {
    const {flags} = await this.parse(Dns)
    const publication = await dnsForInventory({inventory: flags.inventory, dmarc: flags.dmarc, acceptNew: flags['accept-new']})
    this.log(zoneText(publication))
    return publication
  }
}
