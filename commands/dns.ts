import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {dnsForInventory, type DnsPublication, zoneText} from '../src/dns/publish.js'
import {t} from '../src/i18n/index.js'
import {dnsToLab, type LabPublication} from '../src/lab/dns.js'

export default class Dns extends MailopsCommand {
  static summary = 'The DNS records to publish for the deployed domain: MX, SPF, DKIM, DMARC, MTA-STS (record and policy host), TLS-RPT, TLSA (DANE), CAA, A and PTR.'
  static description =
    "The DKIM public key is read back from the core over SSH (the key it signs with), so the record always matches; each MX's TLSA 3 1 1 is the SHA-256 of the public key of its vars.tls_cert, and of vars.tls_next_public_key too when a rotation is coming. mta-sts.DOMAIN points at the edges, which serve the policy over HTTPS (deploy installs it); the MTA-STS id is the hash of the policy, so it changes exactly when the policy does. CAA allows the CAs of vars.caa_issuers (none: no record). Prints a zone-file snippet and the MTA-STS policy file; --json gives both as data. --apply also publishes them to the DNS of the lab whose domain it is (mailops lab up runs one per lab, DNSSEC-signed); a real domain's records go to its DNS provider."

  static examples = ['<%= config.bin %> <%= command.id %> -i inventory.yaml', '<%= config.bin %> <%= command.id %> -i inventory.yaml --dmarc reject --json', '<%= config.bin %> <%= command.id %> -i inventory.yaml --apply']

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file (vars.domain, the core and edge nodes).'}),
    dmarc: Flags.option({options: ['none', 'quarantine', 'reject'] as const, default: 'quarantine' as const, summary: 'DMARC policy.'})(),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    apply: Flags.boolean({summary: "Publish the records to the lab's DNS server (a lab's domain only)."}),
  }

  async run(): Promise<DnsPublication & {published?: LabPublication}> {
    const {flags} = await this.parse(Dns)
    const request = {inventory: flags.inventory, dmarc: flags.dmarc, acceptNew: flags['accept-new']}
    const publication: DnsPublication & {published?: LabPublication} = flags.apply ? await dnsToLab(request) : await dnsForInventory(request)
    this.log(zoneText(publication))
    if (publication.published) this.logToStderr(t('dns.applied', {...publication.published}))
    return publication
  }
}
