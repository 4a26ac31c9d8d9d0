// Replication lag under sustained delivery (issue 16): RATE messages a second for SECONDS through
// the fleet's edges (round robin, one SMTP session each, as the internet sends them), each watched
// for over IMAPS on the primary and on the replica (the drill's own canaries and watches, from
// dist/). Prints one JSON line: what was sent and accepted, the rate reached, and per message the
// lag primary → replica and the time from acceptance at the edge to the primary, as percentiles.
//   node bench/replication-lag.mjs INVENTORY [RATE] [SECONDS]
import {randomBytes} from 'node:crypto'

import {sendThroughEdge} from '../dist/src/drill/canary.js'
import {CoreWatch} from '../dist/src/drill/observe.js'
import {nodeFqdn} from '../dist/src/dns/names.js'
import {domainOf, hostsOfRole, loadInventory, verifyAccountOf} from '../dist/src/fleet/inventory.js'
import {percentile} from '../dist/src/latency/stats.js'

const [file, rateText = '20', secondsText = '60'] = process.argv.slice(2)
const rate = Number(rateText)
const seconds = Number(secondsText)
const inventory = loadInventory(file)
const domain = domainOf(inventory)
const account = verifyAccountOf(inventory)
if (!account) throw new Error('the inventory has no verify account (vars.verify_user, secret verify_password)')
const target = (h) => ({name: h.name, address: h.address, fqdn: nodeFqdn(h, domain)})
const [primary, replica] = hostsOfRole(inventory.hosts, 'core').map(target)
const edges = hostsOfRole(inventory.hosts, 'edge').map(target)
if (!replica || edges.length === 0) throw new Error('the inventory needs two cores and an edge')
const run = `bench-${randomBytes(3).toString('hex')}`
const ctx = {run, user: account.user, password: account.password, helo: 'bench.mailops.invalid', timeoutMs: 30_000}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Postscreen holds a new client for its greet wait once: one message per edge before the clock starts.
await Promise.all(edges.map((edge, i) => sendThroughEdge(edge, `warm${i}`, ctx)))

const watches = {[primary.name]: new CoreWatch(primary, account, run, 30_000), [replica.name]: new CoreWatch(replica, account, run, 30_000)}
const seen = {[primary.name]: new Map(), [replica.name]: new Map()}
let watching = true
const watchers = Object.entries(watches).map(async ([name, watch]) => {
  while (watching) {
    const look = await watch.look().catch(() => undefined)
    for (const found of look?.canaries ?? []) if (!seen[name].has(found.id)) seen[name].set(found.id, look.at)
    await sleep(250)
  }
})

const sent = []
const started = Date.now()
const total = Math.round(rate * seconds)
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / rate
  await sleep(Math.max(0, due - Date.now()))
  sent.push(sendThroughEdge(edges[i % edges.length], String(i), ctx))
}
const canaries = await Promise.all(sent)
const sendSeconds = (Date.now() - started) / 1000
const accepted = canaries.filter((c) => c.accepted)
const deadline = Date.now() + 180_000
while (Date.now() < deadline && !accepted.every((c) => seen[primary.name].has(c.id) && seen[replica.name].has(c.id))) await sleep(500)
watching = false
await Promise.all(watchers)

const stats = (values) => {
  const sorted = values.sort((a, b) => a - b)
  return sorted.length ? {n: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1)} : {n: 0}
}
const both = accepted.filter((c) => seen[primary.name].has(c.id) && seen[replica.name].has(c.id))
console.log(
  JSON.stringify({
    rate,
    seconds,
    sent: canaries.length,
    accepted: accepted.length,
    refused: canaries.length - accepted.length,
    firstRefusal: canaries.find((c) => !c.accepted)?.error ?? null,
    reachedRate: Number((canaries.length / sendSeconds).toFixed(2)),
    onBoth: both.length,
    lagMs: stats(both.map((c) => seen[replica.name].get(c.id) - seen[primary.name].get(c.id))),
    edgeToPrimaryMs: stats(both.map((c) => seen[primary.name].get(c.id) - c.sentAt)),
    pollMs: 250,
  }),
)
for (const watch of Object.values(watches)) {
  await watch.removeCanaries().catch(() => 0)
  await watch.close()
}
