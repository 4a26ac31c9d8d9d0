import {InputError} from '../errors.js'
import {dkimSelectorOf, domainOf, firstCore, loadInventory} from '../fleet/inventory.js'
import {FleetSession} from '../fleet/session.js'
import {DKIM_KEY_FILE, gatherFacts} from '../fleet/facts.js'
import {t} from '../i18n/index.js'
import {HostError} from '../ssh/errors.js'
import {dnsRecords, mtaStsPolicy, zoneSnippet, type DnsInput, type DnsRecord} from './records.js'

export interface DnsRequest {
  inventory: string
  dmarc: DnsInput['dmarcPolicy']
  acceptNew?: boolean
}

export interface DnsPublication {
  domain: string
  records: DnsRecord[]
  zone: string
  mtaStsPolicy: string
}

/**
 * `mailops dns`: the records to publish for an inventory's domain. The DKIM public key is the
 * first core's own (its dkimPublic fact), so the record always matches the key that signs.
 */
export async function dnsForInventory(request: DnsRequest): Promise<DnsPublication> {
  const inventory = loadInventory(request.inventory)
  const domain = domainOf(inventory)
  if (domain === undefined) throw new InputError(t('dns.noDomain', {file: request.inventory}), {hint: t('dns.noDomainHint')})
  const core = firstCore(inventory.hosts)
  if (!core) throw new InputError(t('dns.noCore', {file: request.inventory}))
  const [result] = await FleetSession.with(inventory, {acceptNew: request.acceptNew}, (session) => session.each([core], (connection) => gatherFacts(connection, {dkimPublic: true})))
  if (!result.ok) throw result.error
  const dkimPublic = result.value.dkimPublic
  if (!dkimPublic) throw new HostError(core.name, 'DKIM_KEY_MISSING', t('dns.dkimMissing', {path: DKIM_KEY_FILE}), t('dns.dkimMissingHint'))
  const input: DnsInput = {domain, nodes: inventory.hosts.map((h) => ({name: h.name, address: h.address, role: h.role})), dkimSelector: dkimSelectorOf(inventory), dkimPublic, dmarcPolicy: request.dmarc}
  const records = dnsRecords(input)
  return {domain, records, zone: zoneSnippet(records), mtaStsPolicy: mtaStsPolicy(input)}
}

/** The zone snippet with the MTA-STS policy as comments: what the command prints. */
export function zoneText(publication: DnsPublication): string {
  const policy = publication.mtaStsPolicy.replaceAll('\r\n', '\n').trimEnd().split('\n').map((l) => `; ${l}`).join('\n')
  return `$ORIGIN ${publication.domain}.\n${publication.zone}\n; https://mta-sts.${publication.domain}/.well-known/mta-sts.txt\n${policy}`
}
