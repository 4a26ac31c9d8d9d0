import {isIP} from 'node:net'

import {REGIONS} from '../catalog/regions.js'
import {loadInput} from '../config/load.js'
import {type PROBES, type Zone, ZONES} from '../config/constants.js'
import {InputError} from '../errors.js'

export type ProbeKind = (typeof PROBES)[number]

export interface Target {
  id: string
  host: string
  port?: number
  probe: ProbeKind
  cloud?: string
  region?: string
  zone?: Zone
}

export const DEFAULT_PORTS: Record<ProbeKind, number | undefined> = {icmp: undefined, tcp: 443, smtp: 25}

export interface TargetSelection {
  /** host[:port] given on the command line */
  hosts?: string[]
  file?: string
  regions?: string[]
  zones?: string[]
  clouds?: string[]
  probes: ProbeKind[]
}

/**
 * The targets of a run, one per probe kind asked for: command-line hosts, a targets file, or
 * the bundled regions (filtered by region, zone, cloud). Every name is checked before probing.
 */
export function selectTargets(selection: TargetSelection): Target[] {
  const expand = (base: Omit<Target, 'probe' | 'port'> & {port?: number; probe?: ProbeKind}) =>
    (base.probe ? [base.probe] : selection.probes).map((probe): Target => {
      const port = probe === 'icmp' ? undefined : (base.port ?? DEFAULT_PORTS[probe])
      return {...base, probe, ...(port === undefined ? {} : {port})}
    })

  const targets: Target[] = []
  for (const spec of selection.hosts ?? []) targets.push(...expand(parseHost(spec)))
  if (selection.file) {
    for (const t of loadInput('targets', selection.file).data.targets) targets.push(...expand(t))
  }
  const filtered = selection.regions || selection.zones || selection.clouds
  if (targets.length === 0 || filtered) {
    checkNames('region', selection.regions, REGIONS.map((r) => r.id))
    checkNames('zone', selection.zones, [...ZONES])
    checkNames('cloud', selection.clouds, [...new Set(REGIONS.map((r) => r.cloud))])
    for (const r of REGIONS) {
      if (selection.regions && !selection.regions.includes(r.id)) continue
      if (selection.zones && !selection.zones.includes(r.zone)) continue
      if (selection.clouds && !selection.clouds.includes(r.cloud)) continue
      targets.push(...expand(r))
    }
  }
  return targets
}

function checkNames(kind: string, given: string[] | undefined, valid: string[]): void {
  for (const name of given ?? []) {
    if (!valid.includes(name)) throw InputError.at(undefined, 'latency.unknownName', {kind, name, valid: valid.join(', ')})
  }
}

/** host, host:port or [v6]:port; the host must be a DNS name or an IP address. */
export function parseHost(spec: string): {id: string; host: string; port?: number} {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec)
  const plain = bracketed || isIP(spec) ? undefined : /^([^:]+)(?::(\d+))?$/.exec(spec)
  const host = bracketed?.[1] ?? plain?.[1] ?? spec
  const portText = bracketed?.[2] ?? plain?.[2]
  const port = portText === undefined ? undefined : Number(portText)
  const validHost = isIP(host) !== 0 || (!bracketed && DNS_NAME.test(host))
  if (!validHost || (port !== undefined && (port < 1 || port > 65_535))) {
    throw InputError.at(undefined, 'latency.badHost', {value: spec})
  }
  return {id: spec, host, ...(port === undefined ? {} : {port})}
}

const DNS_NAME = /^(?=.{1,253}\.?$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/
