import type {Readable} from 'node:stream'

import {InputError} from '../errors.js'

/** What an emulated link adds to a round trip between a host and the bridge. */
export interface LinkImpairment {
  /** Added round-trip time, ms: half on the way in, half on the way out. */
  delayMs: number
  /** Share of round trips lost, in percent; IPv4 only, so ARP keeps working. */
  lossPercent: number
  /**
   * Share of new TCP connections lost whole, in percent (`--link …,flows=P%`): a black-holed flow,
   * as behind a dead ECMP member, where frame loss alone is hidden by TCP's resends. Evenly spaced
   * (for 5 %: the 10th, 30th, 50th … connection between the pair), so a count over a few dozen
   * sessions is the same every run.
   */
  flowLossPercent?: number
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

/** A link between every host of one region and every host of another (`--link apac:europe=150,5%`). */
export interface RegionLink {
  /** the two regions, as written; the same region twice links its hosts with each other */
  regions: [string, string]
  /** round-trip time and loss between any host of one and any host of the other */
  delayMs: number
  lossPercent: number
  /** share of the TCP connections between them lost whole (LinkImpairment.flowLossPercent) */
  flowLossPercent?: number
}

/** A lab region's name, as `--region` gives it and `--link` names it. */
const REGION = '[a-z][a-z0-9-]{0,31}'

/**
 * Parses `--link apac:europe=150`, `--link apac:europe=150,5%` or `--link apac:europe=150,5%,flows=5%`
 * (round trip ms, optional frame loss, optional share of TCP connections lost whole).
 */
export function parseRegionLink(text: string): RegionLink {
  const match = new RegExp(`^(${REGION}):(${REGION})=(\\d+(?:\\.\\d+)?)(?:ms)?(?:,(\\d+(?:\\.\\d+)?)%)?(?:,flows=(\\d+(?:\\.\\d+)?)%)?$`).exec(text)
  const delayMs = match ? Number(match[3]) : Number.NaN
  const lossPercent = match?.[4] === undefined ? 0 : Number(match[4])
  const flowLossPercent = match?.[5] === undefined ? undefined : Number(match[5])
  if (!match || delayMs > 10_000 || lossPercent >= 100 || (flowLossPercent ?? 0) >= 100) throw InputError.at(undefined, 'lab.badLink', {value: text})
  return {regions: [match[1], match[2]], delayMs, lossPercent, ...(flowLossPercent === undefined ? {} : {flowLossPercent})}
}

/** Parses `--region node1=hq`: the host's region instead of the one the lab gives it by index. */
export function parseRegionPlacement(text: string): {host: string; region: string} {
  const match = new RegExp(`^([a-z0-9-]+)=(${REGION})$`).exec(text)
  if (!match) throw InputError.at(undefined, 'lab.badRegion', {value: text})
  return {host: match[1], region: match[2]}
}

/** What one host's forwarder adds to the frames between it and one other lab address. */
export type PeerTable = Record<string, LinkImpairment>

/**
 * Each host's table, peer address → impairment, from the region links: every pair of hosts the
 * links join is applied on exactly one of its two forwarders (the host listed first), so that a
 * round trip gets the asked delay and loss once. A region no host is in, or a pair of regions
 * linked twice, is refused.
 */
export function peerTables(hosts: readonly {name: string; address: string; region: string}[], links: readonly RegionLink[]): Record<string, PeerTable> {
  const regions = [...new Set(hosts.map((h) => h.region))]
  const seen = new Set<string>()
  for (const link of links) {
    for (const region of link.regions) {
      if (!regions.includes(region)) throw InputError.at(undefined, 'lab.unknownRegion', {region, valid: regions.join(', ')})
    }
    const key = [...link.regions].sort().join(':')
    if (seen.has(key)) throw InputError.at(undefined, 'lab.linkTwice', {pair: key})
    seen.add(key)
  }
  const tables: Record<string, PeerTable> = {}
  hosts.forEach((a, i) => {
    for (const b of hosts.slice(i + 1)) {
      const link = links.find(({regions: [x, y]}) => (x === a.region && y === b.region) || (x === b.region && y === a.region))
      if (link) (tables[a.name] ??= {})[b.address] = {delayMs: link.delayMs, lossPercent: link.lossPercent, ...(link.flowLossPercent ? {flowLossPercent: link.flowLossPercent} : {})}
    }
  })
  return tables
}

/**
 * The link forwarder (this kernel has no sch_netem): two TAP devices, one for the bridge and one
 * that the lab moves into the host as its eth0, and frames copied between them after a delay,
 * dropping a share of IPv4 frames. The host's own impairment (`--delay`) applies to every frame;
 * its peer table (`--link`, argv[5] as JSON: address → [round-trip ms, per-direction drop,
 * share of TCP connections lost]) adds to the IPv4 frames whose other end is that peer: the
 * source of a frame coming in, the destination of one going out. A lost connection is picked at
 * its first SYN (the n-th new one with that peer goes when round(n × share) steps up, in integer
 * millionths); every frame of its 4-tuple is then dropped both ways, its SYN resends included,
 * for two minutes, so the client sees a connect timeout and its next try, from a new port, is a
 * new connection. Delays differ by peer, so frames wait in a heap of due times
 * (a sequence number keeps equal times in order). Both TAPs are made in the root namespace: the
 * caller moves the inner one (a TAP stays bound to its file wherever it goes). One process per
 * impaired host, Debian's python3.
 */
export const FORWARDER_PY = String.raw`
import fcntl, heapq, itertools, json, os, random, select, socket, struct, sys, time

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
outer_name, inner_name = sys.argv[1], sys.argv[2]
own = (float(sys.argv[3]) / 2000.0, float(sys.argv[4]))
peers = {socket.inet_aton(ip): (e[0] / 2000.0, e[1], round(e[2] * 1e6) if len(e) > 2 else 0) for ip, e in json.loads(sys.argv[5] if len(sys.argv) > 5 else "{}").items()}
connections = {}  # peer address -> new TCP connections seen with it
counted, lost = {}, {}  # 4-tuple (ends sorted) -> when first seen; the lost ones are dropped

def forget(table, now):
    if len(table) > 4096:
        for key in [k for k, t in table.items() if now - t > 120]:
            del table[key]

def connection_lost(frame, peer, share, now):
    if frame[23] != 6:
        return False
    tcp = 14 + (frame[14] & 0x0F) * 4
    key = tuple(sorted((frame[26:30] + frame[tcp:tcp + 2], frame[30:34] + frame[tcp + 2:tcp + 4])))
    if key in lost:
        return True
    if frame[tcp + 13] & 0x12 != 0x02 or key in counted:
        return False
    forget(counted, now)
    forget(lost, now)
    counted[key] = now
    n = connections[peer] = connections.get(peer, 0) + 1
    if (n * share + 500000) // 1000000 > ((n - 1) * share + 500000) // 1000000:
        lost[key] = now
        return True
    return False

def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd

# A wire does not slow down when the hosts' CPUs are busy: the forwarder runs ahead of them, so a
# loaded machine delays frames by the link's delay and not by the wait for a CPU as well.
os.nice(-10)
outer = tap(outer_name)
inner = tap(inner_name)
# One write, and the last on stdout: print() writes "ready" and "\n" apart (these machines set
# PYTHONUNBUFFERED=1), and the lab closes the pipe once it has the line, so a second write would
# kill the forwarder (EPIPE).
os.write(1, b"ready\n")

other = {outer: inner, inner: outer}
due = []
order = itertools.count()
while True:
    timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
    readable, _, _ = select.select([outer, inner], [], [], timeout)
    now = time.monotonic()
    for fd in readable:
        while True:
            try:
                frame = os.read(fd, 65536)
            except BlockingIOError:
                break
            delay, drop = own
            if frame[12:14] == b"\x08\x00":
                address = frame[26:30] if fd == outer else frame[30:34]
                pair = peers.get(address)
                if pair:
                    delay, drop = delay + pair[0], 1 - (1 - drop) * (1 - pair[1])
                    if pair[2] and connection_lost(frame, address, pair[2], now):
                        continue
                if drop > 0 and random.random() < drop:
                    continue
            heapq.heappush(due, (now + delay, next(order), other[fd], frame))
    now = time.monotonic()
    while due and due[0][0] <= now:
        _, _, fd, frame = heapq.heappop(due)
        try:
            os.write(fd, frame)
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
