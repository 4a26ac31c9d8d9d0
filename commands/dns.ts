import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {dnsForInventory, type DnsPublication, dnsToServer, zoneText} from '../src/dns/publish.js'
import type {PushedUpdate} from '../src/dns/rfc2136.js'
import {t} from '../src/i18n/index.js'
import {dnsToLab, type LabPublication} from '../src/lab/dns.js'

export default class Dns extends MailopsCommand {
  static summary = 'The DNS records to publish for the deployed domain: MX, SPF, DKIM, DMARC, MTA-STS (record and policy host), TLS-RPT, TLSA (DANE), CAA, A and PTR.'
  static description =
    "The DKIM public key is read back from the core over SSH (the key it signs with), so the record always matches; each MX's TLSA 3 1 1 is the SHA-256 of the public key of its vars.tls_cert, and of vars.tls_next_public_key too when a rotation is coming. mta-sts.DOMAIN points at the edges, which serve the policy over HTTPS (deploy installs it); the MTA-STS id is the hash of the policy, so it changes exactly when the policy does. CAA allows the CAs of vars.caa_issuers (none: no record). Prints a zone-file snippet and the MTA-STS policy file; --json gives both as data. --apply also publishes them to the DNS of the lab whose domain it is (mailops lab up runs one per lab, DNSSEC-signed); --apply --server pushes a real domain's records to its primary by RFC 2136 dynamic update, signed with the TSIG key of --tsig-key (a BIND key file: the secret never in argv): it reads what the server has, sends one update with what differs (nothing when nothing does), and reads it back. mailops owns each record set it publishes, except the domain's own TXT set, where it replaces only the SPF record (site verifications stay); PTRs are left to the owner of the addresses."

  static examples = [
    '<%= config.bin %> <%= command.id %> -i inventory.yaml',
    '<%= config.bin %> <%= command.id %> -i inventory.yaml --dmarc reject --json',
    '<%= config.bin %> <%= command.id %> -i inventory.yaml --apply',
    {description: "Push to the domain's primary by RFC 2136, first as a dry run", command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --apply --server 192.0.2.53 --tsig-key mailops.key --dry-run'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file (vars.domain, the core and edge nodes).'}),
    dmarc: Flags.option({options: ['none', 'quarantine', 'reject'] as const, default: 'quarantine' as const, summary: 'DMARC policy.'})(),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    apply: Flags.boolean({summary: "Publish the records: to the lab's DNS server (a lab's domain), or with --server to a primary by RFC 2136."}),
    server: Flags.string({dependsOn: ['apply'], summary: "With --apply: the domain's primary DNS server, ADDRESS[:PORT], updated by RFC 2136."}),
    'tsig-key': Flags.string({dependsOn: ['server'], summary: 'BIND key file (tsig-keygen NAME) that signs the update.'}),
    'dry-run': Flags.boolean({dependsOn: ['server'], summary: 'Show the update (nsupdate commands) without sending it.'}),
  }

  async run(): Promise<DnsPublication & {published?: LabPublication; pushed?: PushedUpdate}> {
    const {flags} = await this.parse(Dns)
    const request = {inventory: flags.inventory, dmarc: flags.dmarc, acceptNew: flags['accept-new']}
    const publication: DnsPublication & {published?: LabPublication; pushed?: PushedUpdate} = flags.server
      ? await dnsToServer({...request, server: flags.server, tsigKey: flags['tsig-key'], dryRun: flags['dry-run']})
      : flags.apply
        ? await dnsToLab(request)
        : await dnsForInventory(request)
    this.log(zoneText(publication))
    if (publication.published) this.logToStderr(t('dns.applied', {...publication.published}))
    if (publication.pushed) {
      if (publication.pushed.script) this.logToStderr(publication.pushed.script.trimEnd())
      const {server, zone, changed, unchanged, skipped, dryRun} = publication.pushed
      this.logToStderr(t(dryRun ? 'dns.pushDryRun' : 'dns.pushed', {server, zone, changed, unchanged, skipped}))
    }
    return publication
  }
}
