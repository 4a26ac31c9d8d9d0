import type {Readable} from 'node:stream'

import {InputError} from '../errors.js'

/** What an emulated link adds to a round trip between a host and the bridge. */
export interface LinkImpairment {
  /** Added round-trip time, ms: half on the way in, half on the way out. */
  delayMs: number
  /** Share of round trips lost, in percent; IPv4 only, so ARP keeps working. */
  lossPercent: number
}

/** Parses `--delay node2=80,1%` (ms of round trip, optional loss). */
export function parseImpairment(text: string): {host: string; impairment: LinkImpairment} {
  const match = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)(?:ms)?(?:,(\d+(?:\.\d+)?)%)?$/.exec(text)
  const delayMs = match ? Number(match[2]) : Number.NaN
  const lossPercent = match?.[3] === undefined ? 0 : Number(match[3])
  if (!match || delayMs > 10_000 || lossPercent >= 100) {
    throw InputError.at(undefined, 'lab.badDelay', {value: text})
  }
  return {host: match[1], impairment: {delayMs, lossPercent}}
}

/** Per-direction drop probability that gives the asked round-trip loss: 1 − √(1 − p). */
export function perDirectionLoss(lossPercent: number): number {
  return 1 - Math.sqrt(1 - lossPercent / 100)
}

/**
 * The link forwarder (this kernel has no sch_netem): two TAP devices, one for the bridge and one
 * that the lab moves into the host as its eth0, and frames copied between them after a fixed
 * delay, dropping a share of IPv4 frames. Both are made in the root namespace: the caller moves
 * the inner one (a TAP stays bound to its file wherever it goes). One process per impaired host,
 * Debian's python3.
 */
export const FORWARDER_PY = String.raw`
import collections, fcntl, os, random, select, struct, sys, time

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
outer_name, inner_name, one_way_ms, drop = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 2, float(sys.argv[4])

def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd

outer = tap(outer_name)
inner = tap(inner_name)
# One write, and the last on stdout: print() writes "ready" and "\n" apart (these machines set
# PYTHONUNBUFFERED=1), and the lab closes the pipe once it has the line, so a second write would
# kill the forwarder (EPIPE).
os.write(1, b"ready\n")

delay = one_way_ms / 1000.0
# Same delay for every frame of a direction: a FIFO keeps them in order.
queues = {outer: collections.deque(), inner: collections.deque()}
peer = {outer: inner, inner: outer}
while True:
    now = time.monotonic()
    due = [q[0][0] for q in queues.values() if q]
    timeout = max(0.0, min(due) - now) if due else None
    readable, _, _ = select.select([outer, inner], [], [], timeout)
    now = time.monotonic()
    for fd in readable:
        while True:
            try:
                frame = os.read(fd, 65536)
            except BlockingIOError:
                break
            if drop > 0 and frame[12:14] == b"\x08\x00" and random.random() < drop:
                continue
            queues[fd].append((now + delay, frame))
    now = time.monotonic()
    for fd, q in queues.items():
        while q and q[0][0] <= now:
            try:
                os.write(peer[fd], q.popleft()[1])
            except OSError:
                pass
`

/**
 * Resolves once the forwarder's whole ready line has arrived on its stdout (it may come in
 * pieces), rejects if the stream ends first; the caller may close the pipe then, never before.
 */
export function untilReady(stdout: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8')
      if (!seen.includes('\n')) return
      stdout.off('data', onData).off('end', onEnd)
      resolve()
    }
    const onEnd = () => reject(new Error(`the forwarder's output ended before its ready line (${JSON.stringify(seen)})`))
    stdout.on('data', onData).once('end', onEnd)
  })
}
