// N commands, one after another, on each host of an inventory, all hosts at once, through
// mailops' SSH engine (one connection per host). Usage: node bench/ssh-engine.mjs INVENTORY N
import {loadInventory} from '../dist/src/fleet/inventory.js'
import {SshPool} from '../dist/src/ssh/pool.js'

const [inventoryPath, count] = process.argv.slice(2)
const inventory = loadInventory(inventoryPath)
const pool = new SshPool({knownHosts: inventory.knownHosts})
const results = await pool.each(inventory.hosts, async (connection) => {
  for (let i = 0; i < Number(count); i++) {
    const result = await connection.exec('true')
    if (result.code !== 0) throw new Error(`exit ${result.code}`)
  }
})
await pool.close()
const failed = results.filter((r) => !r.ok)
if (failed.length > 0) {
  console.error(failed.map((r) => `${r.host}: ${r.error.message}`).join('\n'))
  process.exit(1)
}
