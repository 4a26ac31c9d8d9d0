#!/usr/bin/env node
// The layer check CI runs (npm run deps): dependency-cruiser with the rules of .dependency-cruiser.cjs.
// Violations listed in .dependency-cruiser-known-violations.json are tolerated (dependency-cruiser's
// --ignore-known softens module-level ones only, so folder-level cycles are matched here too);
// any other violation fails the run, named with its rule and what the rule says.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const KNOWN = '.dependency-cruiser-known-violations.json'
const run = () => {
  try {
    return execFileSync(join(root, 'node_modules/.bin/depcruise'), ['src', 'commands', '--config', '.dependency-cruiser.cjs', '--ignore-known', KNOWN, '--output-type', 'json', '--no-progress'], {cwd: root, maxBuffer: 256 * 1024 * 1024})
  } catch (error) {
    // depcruise exits with the number of errors; its JSON is on stdout all the same.
    if (error.stdout?.length) return error.stdout
    throw error
  }
}
const {summary} = JSON.parse(run().toString())
const key = (v) => `${v.rule.name}|${v.from}|${v.to}`
const known = new Set(JSON.parse(readFileSync(join(root, KNOWN), 'utf8')).map(key))
const comments = Object.fromEntries(summary.ruleSetUsed.forbidden.map((r) => [r.name, r.comment]))
const fresh = summary.violations.filter((v) => v.rule.severity === 'error' && !known.has(key(v)))
for (const v of fresh) {
  const path = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`
  console.error(`layers: ${v.rule.name}: ${path}\n  ${comments[v.rule.name] ?? ''}`)
}
console.log(`layers: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports; ${fresh.length} violations, ${known.size} known (see docs/architecture.md)`)
process.exit(fresh.length === 0 ? 0 : 1)
