import {createPublicKey} from 'node:crypto'

import {InputError} from '../errors.js'
import {caaIssuersOf, dkimSelectorOf, domainOf, firstCore, type InventoryHost, type LoadedInventory, loadInventory} from '../fleet/inventory.js'
import {egressEdges} from '../fleet/routes.js'
import {FleetSession} from '../fleet/session.js'
import {CERT_FILE, DKIM_KEY_FILE, gatherFacts} from '../fleet/facts.js'
import {t} from '../i18n/index.js'
import {HostError} from '../ssh/errors.js'
import {mtaStsUrl} from './names.js'
import {dnsRecords, type DnsNode, mtaStsPolicy, spkiSha256, tlsaDigest, zoneSnippet, type DnsInput, type DnsRecord} from './records.js'

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
  // An ACME edge's key is made on the node (certbot keeps it across renewals): it is read there, with the core's DKIM key.
  const acmeEdges = inventory.hosts.filter((h) => h.role === 'edge' && (h.vars.tls_source ?? inventory.vars.tls_source) === 'acme')
  // The other certificates' keys are read (and their mistakes reported) before any host is reached.
  const handedIn = new Map(inventory.hosts.filter((h) => h.role === 'edge' && !acmeEdges.includes(h)).map((h) => [h.name, edgeTlsa(inventory, h)]))
  const nextKeys = acmeEdges.map((h) => edgeTlsa(inventory, h, false)?.next)
  const [result, ...fromEdges] = await FleetSession.with(inventory, {acceptNew: request.acceptNew}, (session) =>
    session.each([core, ...acmeEdges], (connection, target) => gatherFacts(connection, target === core ? {dkimPublic: true} : {tlsPublic: true})),
  )
  if (!result.ok) throw result.error
  const fromNodes = new Map(
    fromEdges.map((r, i) => {
      if (!r.ok) throw r.error
      const der = (r.value as {tlsPublic?: string}).tlsPublic
      if (!der) throw new HostError(acmeEdges[i].name, 'TLS_KEY_MISSING', t('dns.tlsMissing', {path: CERT_FILE}), t('dns.tlsMissingHint'))
      const next = nextKeys[i]
      const current = spkiSha256(createPublicKey({key: Buffer.from(der, 'base64'), format: 'der', type: 'spki'}))
      return [acmeEdges[i].name, {current, next: next === current ? undefined : next}]
    }),
  )
  const nodes = inventory.hosts.map((h): DnsNode => ({name: h.name, address: h.address, role: h.role, tlsa: h.role === 'edge' ? (handedIn.get(h.name) ?? fromNodes.get(h.name)) : undefined}))
  const dkimPublic = (result.value as {dkimPublic?: string}).dkimPublic
  if (!dkimPublic) throw new HostError(core.name, 'DKIM_KEY_MISSING', t('dns.dkimMissing', {path: DKIM_KEY_FILE}), t('dns.dkimMissingHint'))
  const input: DnsInput = {domain, nodes, dkimSelector: dkimSelectorOf(inventory), dkimPublic, dmarcPolicy: request.dmarc, caaIssuers: caaIssuersOf(inventory), egressEdges: egressEdges(inventory.routes, inventory.hosts).map((h) => h.name)}
  const records = dnsRecords(input)
  return {domain, records, zone: zoneSnippet(records), mtaStsPolicy: mtaStsPolicy(input)}
}

/**
 * An edge's TLSA data from the inventory, before any connection: the key of the certificate
 * deploy gives it (vars.tls_cert, the host's over the inventory's) and, when a rotation is
 * coming, the next key's (vars.tls_next_public_key, a PEM public key: published first, deployed
 * with its certificate once the record has been out for longer than its TTL). `needsCert` false:
 * an ACME edge, whose current key is read on the node; only its next key comes from here.
 */
function edgeTlsa(inventory: LoadedInventory, host: InventoryHost, needsCert = true): DnsNode['tlsa'] {
  const digest = (name: 'tls_cert' | 'tls_next_public_key') => {
    const value = host.vars[name] ?? inventory.vars[name]
    if (value === undefined || value === '') return undefined
    try {
      if (typeof value !== 'string') throw new TypeError('not a string')
      return tlsaDigest(value)
    } catch {
      throw new InputError(t('dns.badTlsKey', {file: inventory.file, host: host.name, name}), {hint: t('dns.badTlsKeyHint', {name})})
    }
  }
  const current = needsCert ? digest('tls_cert') : ''
  if (current === undefined) throw new InputError(t('dns.noTlsCert', {file: inventory.file, host: host.name}), {hint: t('dns.noTlsCertHint')})
  const next = digest('tls_next_public_key')
  return {current, next: next === current ? undefined : next}
}

/** The zone snippet with the MTA-STS policy as comments: what the command prints. */
export function zoneText(publication: DnsPublication): string {
  const policy = publication.mtaStsPolicy.replaceAll('\r\n', '\n').trimEnd().split('\n').map((l) => `; ${l}`).join('\n')
  return `$ORIGIN ${publication.domain}.\n${publication.zone}\n; ${mtaStsUrl(publication.domain)}\n${policy}`
}
