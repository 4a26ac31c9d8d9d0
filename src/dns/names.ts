import {hostsOfRole} from '../fleet/inventory.js'

/**
 * Where a domain's mail records live and who they name: one place that both `mailops dns` (what
 * to publish) and verify's dns checks (what must be published) read.
 */
export const recordNames = (domain: string, dkimSelector: string) => ({
  dkim: `${dkimSelector}._domainkey.${domain}`,
  dmarc: `_dmarc.${domain}`,
  mtaSts: `_mta-sts.${domain}`,
  tlsRpt: `_smtp._tls.${domain}`,
})

/** Where an MX's TLSA records live: port 25 over TCP at its name (RFC 7672 §3). */
export const tlsaName = (mxName: string) => `_25._tcp.${mxName}`

/** A node's name in the domain: what its A, MX and PTR records say. */
export const nodeFqdn = (node: {name: string}, domain: string) => `${node.name}.${domain}`

/** Where a domain's MTA-STS policy is served from (RFC 8461 §3.3): the edges answer to it. */
export const mtaStsHost = (domain: string) => `mta-sts.${domain}`

/** The policy's path and URL (RFC 8461 §3.3). */
export const MTA_STS_PATH = '/.well-known/mta-sts.txt'
export const mtaStsUrl = (domain: string) => `https://${mtaStsHost(domain)}${MTA_STS_PATH}`

/**
 * MX names the edges (they receive); SPF allows the nodes mail leaves from: the cores, and the
 * egress edges of the route plan the inventory names (they relay the cores' mail, as themselves).
 */
export const mxHosts = <N extends {role: 'core' | 'edge'}>(nodes: readonly N[]) => hostsOfRole(nodes, 'edge')
export const spfSenders = <N extends {role: 'core' | 'edge'}>(nodes: readonly N[], egressEdges: readonly N[] = []) => [...hostsOfRole(nodes, 'core'), ...egressEdges]

/**
 * The DNS names a node's TLS certificate carries, whoever issues it (the lab's private CA or an
 * ACME server): its own name, and on an edge also mta-sts.DOMAIN, where the edges serve the
 * domain's MTA-STS policy over HTTPS (RFC 8461 §3.3) with the same certificate.
 */
export const certificateNames = (node: {name: string; role: 'core' | 'edge'}, domain: string): string[] => [nodeFqdn(node, domain), ...(node.role === 'edge' ? [mtaStsHost(domain)] : [])]
