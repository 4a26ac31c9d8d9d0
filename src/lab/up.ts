import type {LabSystem} from './image.js'
import {labUp, type LabStepReporter} from './lab.js'
import {parseImpairment, parseRegionLink, parseRegionPlacement} from './link.js'
import type {LabTls} from './pki.js'
import {labFiles, labPeers} from './state.js'

export interface LabUpRequest {
  name: string
  hosts: number
  subnet: string
  os: LabSystem
  /** who issues the nodes' certificates */
  tls?: LabTls
  /** HOST=MS or HOST=MS,LOSS%, one per emulated link */
  delays: readonly string[]
  /** HOST=REGION, one per host placed by hand */
  regions?: readonly string[]
  /** REGION:REGION=MS or REGION:REGION=MS,LOSS%, one per pair of regions */
  links?: readonly string[]
  /** destination mail servers beside the hosts */
  peers?: number
  /** how many hosts, from node1 on, are cores */
  cores?: number
}

/** `mailops lab up`: the delays checked, the lab started, and where its inventory, known_hosts and key are. */
export async function bringLabUp(request: LabUpRequest, progress: LabStepReporter) {
  const impairments = Object.fromEntries(request.delays.map(parseImpairment).map((d) => [d.host, d.impairment]))
  const regions = Object.fromEntries((request.regions ?? []).map(parseRegionPlacement).map((r) => [r.host, r.region]))
  const links = (request.links ?? []).map(parseRegionLink)
  const state = await labUp({name: request.name, hosts: request.hosts, subnet: request.subnet, impairments, regions, links, peers: request.peers, cores: request.cores, os: request.os, tls: request.tls}, progress)
  const files = labFiles(request.name)
  return {
    name: request.name,
    os: state.os,
    inventory: files.inventory,
    knownHosts: files.knownHosts,
    key: files.key,
    hosts: state.spec.hosts.map((h) => ({name: h.name, address: h.address, role: h.role, region: h.region, fqdn: h.fqdn})),
    links: state.links ?? [],
    peers: labPeers(state.spec),
  }
}
