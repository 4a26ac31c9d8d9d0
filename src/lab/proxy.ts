import {closeSync, openSync, readFileSync, writeFileSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {connect} from 'node:net'
import {join} from 'node:path'

import {APT_PROXY_PORT, DEBIAN_MIRROR} from './image.js'
import type {LabSpec} from './spec.js'

/** Debian's tinyproxy, the hosts' only way out: to the Debian mirror, nothing else. */
const TINYPROXY = '/usr/bin/tinyproxy'
const READY_MS = 10_000

export const proxyFiles = (labDir: string) => ({conf: join(labDir, 'apt-proxy.conf'), filter: join(labDir, 'apt-proxy.filter'), log: join(labDir, 'apt-proxy.log')})

/**
 * tinyproxy on the bridge address only, answering only the lab's subnet, letting through only the
 * mirror's host name (and no CONNECT tunnels: apt speaks plain HTTP to it). It resolves names
 * through the system, which is why it is used here and apt-cacher-ng is not (that one resolves
 * with its own resolver and fails on these machines).
 */
export function proxyConfig(spec: LabSpec, labDir: string): string {
  const files = proxyFiles(labDir)
  return [
    `Port ${APT_PROXY_PORT}`,
    `Listen ${spec.bridgeAddress}`,
    `Allow ${spec.subnet}`,
    'ConnectPort 0',
    `Filter "${files.filter}"`,
    'FilterType ere',
    'FilterDefaultDeny Yes',
    'Timeout 120',
    'MaxClients 200',
    'LogLevel Warning',
    `LogFile "${files.log}"`,
    '',
  ].join('\n')
}

export function mirrorFilter(): string {
  const host = new URL(DEBIAN_MIRROR).hostname
  return `^${host.replaceAll('.', '\\.')}$\n`
}

/** Starts the lab's proxy detached and waits until it accepts connections; returns its PID. */
export async function startAptProxy(spec: LabSpec, labDir: string): Promise<number> {
  const files = proxyFiles(labDir)
  writeFileSync(files.conf, proxyConfig(spec, labDir))
  writeFileSync(files.filter, mirrorFilter())
  const log = openSync(files.log, 'a')
  const child = spawn(TINYPROXY, ['-d', '-c', files.conf], {detached: true, stdio: ['ignore', log, log]})
  closeSync(log)
  child.unref()
  const deadline = Date.now() + READY_MS
  while (!(await accepts(spec.bridgeAddress, APT_PROXY_PORT))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const last = readFileSync(files.log, 'utf8').trim().split('\n').at(-1) ?? ''
      throw new Error(`apt proxy (tinyproxy) on ${spec.bridgeAddress}:${APT_PROXY_PORT} did not start: ${last}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return child.pid!
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    socket.setTimeout(1000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}
