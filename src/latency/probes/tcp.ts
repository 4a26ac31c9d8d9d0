import {lookup} from 'node:dns/promises'
import {connect} from 'node:net'

import type {SampleOptions} from './icmp.js'
import {schedule} from './schedule.js'

/** Resolves a name once, timed, so that DNS is never part of a connect sample. */
export async function resolveOnce(host: string): Promise<{address: string; dnsMs: number | null}> {
  const started = performance.now()
  const {address} = await lookup(host)
  return {address, dnsMs: address === host ? null : performance.now() - started}
}

/** Time to a completed TCP handshake (SYN → SYN/ACK → ACK), or null on timeout or refusal. */
export function tcpConnectOnce(address: string, port: number, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = connect({host: address, port})
    const done = (value: number | null) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(value)
    }
    const timer = setTimeout(() => done(null), timeoutMs)
    socket.once('connect', () => done(performance.now() - started))
    socket.once('error', () => done(null))
  })
}

export async function tcpSamples(host: string, port: number, options: SampleOptions): Promise<{samples: Array<number | null>; dnsMs: number | null; error?: string}> {
  let resolved: {address: string; dnsMs: number | null}
  try {
    resolved = await resolveOnce(host)
  } catch (error) {
    return {samples: Array.from({length: options.count}, () => null), dnsMs: null, error: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? error}`}
  }
  const samples = await schedule(options, () => tcpConnectOnce(resolved.address, port, options.timeoutMs))
  return {samples, dnsMs: resolved.dnsMs, ...(samples.every((s) => s === null) ? {error: `no TCP handshake with ${host}:${port}`} : {})}
}
