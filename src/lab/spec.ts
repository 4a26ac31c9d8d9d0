import {InputError} from '../errors.js'

/**
 * Every lab command passes its name through here before it becomes a path: `../../srv/x` never
 * names a folder to create or remove.
 */
export function checkLabName(name: string): string {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) throw InputError.at(undefined, 'lab.badName', {name})
  return name
}

/** Every address a lab may use: 198.18.0.0/15, reserved for benchmarking (RFC 2544). */
export const LAB_RANGE = {first: ipToInt('198.18.0.0'), last: ipToInt('198.19.255.255')}
export const LAB_NETWORK = '198.18.0.0/15'
export const MAX_HOSTS = 200
/** Host i (1-based) gets .(HOST_OFFSET + i); the bridge is .1. */
const HOST_OFFSET = 10

export interface LabHostSpec {
  index: number
  name: string
  fqdn: string
  address: string
  mac: string
  netns: string
  /** veth end on the bridge, in the root namespace */
  link: string
  role: 'core' | 'edge'
  region: string
}

/**
 * A destination mail server of the lab (`lab up --peers N`): a network namespace on the bridge,
 * in a region like the hosts, with a domain of its own outside the lab's (an edge's relay_domains
 * must not match it) whose MX the lab's DNS serves. Not in the inventory, no sshd, no processes
 * of its own: a test starts what answers on it (`ip netns exec NETNS ...`).
 */
export interface LabPeerSpec {
  index: number
  name: string
  /** the destination domain, e.g. peer1.example */
  domain: string
  /** its MX host, e.g. mx.peer1.example */
  mx: string
  address: string
  mac: string
  netns: string
  link: string
  region: string
}

/** The zone the peers' domains live in: RFC 2606's `example`, never a subdomain of a lab's. */
export const PEER_ZONE = 'example'

export interface LabSpec {
  name: string
  domain: string
  /** the /24 the lab lives in, e.g. 198.18.0.0/24 */
  subnet: string
  bridge: string
  bridgeAddress: string
  /**
   * A second address of the controller on the bridge (.2): verify's auth.throttle guesses
   * passwords from it, so that the penalties it sets off never slow verify's own logins from .1.
   */
  probeAddress: string
  hosts: LabHostSpec[]
  /** absent in a lab made before peers existed */
  peers?: LabPeerSpec[]
}

const ZONES = ['apac', 'europe', 'americas'] as const

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return Number.NaN
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export function inLabRange(ip: string): boolean {
  const n = ipToInt(ip)
  return n >= LAB_RANGE.first && n <= LAB_RANGE.last
}

/**
 * Names, addresses and links of a lab, computed and checked before anything is created.
 * The /24's position in 198.18.0.0/15 (0-511) keeps interface names of different labs apart.
 * `regions` places hosts by name (`--region node1=hq`) instead of by index.
 */
export function labSpec(name: string, hostCount: number, subnet = '198.18.0.0/24', regions: Readonly<Record<string, string>> = {}, peerCount = 0, coreCount = 1): LabSpec {
  checkLabName(name)
  if (!Number.isInteger(hostCount) || hostCount < 1 || hostCount > MAX_HOSTS) {
    throw InputError.at(undefined, 'lab.badHostCount', {count: hostCount, max: MAX_HOSTS})
  }
  if (!Number.isInteger(peerCount) || peerCount < 0 || hostCount + peerCount > MAX_HOSTS) {
    throw InputError.at(undefined, 'lab.badPeerCount', {count: peerCount, max: MAX_HOSTS - hostCount})
  }
  if (!Number.isInteger(coreCount) || coreCount < 1 || coreCount > hostCount) {
    throw InputError.at(undefined, 'lab.badCoreCount', {count: coreCount, hosts: hostCount})
  }
  const match = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet)
  const base = match ? ipToInt(`${match[1]}.0`) : Number.NaN
  if (!match || !inLabRange(`${match[1]}.0`) || Number.isNaN(base)) {
    throw InputError.at(undefined, 'lab.badSubnet', {subnet})
  }
  const slot = (base - LAB_RANGE.first) >>> 8
  const domain = `${name}.mailops.test`
  // Index i (1-based, hosts first, then peers): its address, its fixed, locally administered MAC
  // (re-created hosts keep theirs, so no ARP stalls), its namespace and its link on the bridge.
  const wired = (index: number, endName: string) => ({
    address: intToIp(base + HOST_OFFSET + index),
    mac: ['02', '6d', (slot >> 8).toString(16), (slot & 255).toString(16), '00', index.toString(16)]
      .map((b) => b.padStart(2, '0'))
      .join(':'),
    netns: `mailops-${name}-${endName}`,
    link: `mo${slot}h${index}`,
  })
  const hosts = Array.from({length: hostCount}, (_, i): LabHostSpec => {
    const index = i + 1
    const hostName = `node${index}`
    return {
      index,
      name: hostName,
      fqdn: `${hostName}.${domain}`,
      ...wired(index, hostName),
      // The first nodes hold mailboxes (node1 alone unless --cores); the others are edges spread over the three zones.
      role: index <= coreCount ? 'core' : 'edge',
      region: regions[hostName] ?? ZONES[(index - 1) % ZONES.length],
    }
  })
  const peers = Array.from({length: peerCount}, (_, i): LabPeerSpec => {
    const peerName = `peer${i + 1}`
    const peerDomain = `${peerName}.${PEER_ZONE}`
    return {index: hostCount + i + 1, name: peerName, domain: peerDomain, mx: `mx.${peerDomain}`, ...wired(hostCount + i + 1, peerName), region: regions[peerName] ?? ZONES[i % ZONES.length]}
  })
  const ends = [...hosts, ...peers]
  for (const host of Object.keys(regions)) {
    if (!ends.some((h) => h.name === host)) throw InputError.at(undefined, 'lab.unknownHost', {host, name, valid: ends.map((h) => h.name).join(', ')})
  }
  return {name, domain, subnet, bridge: `mo${slot}br`, bridgeAddress: intToIp(base + 1), probeAddress: intToIp(base + 2), hosts, ...(peerCount > 0 ? {peers} : {})}
}
