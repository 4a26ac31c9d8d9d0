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
const knownList = JSON.parse(readFileSync(join(root, KNOWN), 'utf8'))
const known = new Set(knownList.map(key))
// A folder cycle that runs through the folder edge of a known import (e.g. matrix → ui) is that
// known import's, whatever other path it takes: it goes when that import goes.
const knownEdges = new Set(knownList.filter((v) => v.rule.name !== 'no-folder-cycles').flatMap((v) => (v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)] : [v.from, v.to]).map((f) => dirname(f)).flatMap((f, i, all) => (i > 0 ? [`${all[i - 1]}>${f}`] : []))))
const viaKnown = (v) => {
  const folders = [v.from, ...(v.cycle ?? []).map((c) => c.name)]
  return v.rule.name === 'no-folder-cycles' && folders.some((f, i) => i > 0 && knownEdges.has(`${folders[i - 1]}>${f}`))
}
const comments = Object.fromEntries(summary.ruleSetUsed.forbidden.map((r) => [r.name, r.comment]))
const fresh = summary.violations.filter((v) => v.rule.severity === 'error' && !known.has(key(v)) && !viaKnown(v))
for (const v of fresh) {
  const path = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`
  console.error(`layers: ${v.rule.name}: ${path}\n  ${comments[v.rule.name] ?? ''}`)
}
console.log(`layers: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports; ${fresh.length} violations, ${known.size} known (see docs/architecture.md)`)
process.exit(fresh.length === 0 ? 0 : 1)
