#!/usr/bin/env node
// Figures for the layer map (.dependency-cruiser.cjs): folder-level arrows, the ones pointing
// upward, mutual folder pairs, and each command's size. Usage: node scripts/deps-report.mjs [checkout]
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(process.argv[2] ?? here)
const json = execFileSync(join(here, 'node_modules/.bin/depcruise'), ['src', 'commands', '--config', join(here, '.dependency-cruiser.cjs'), '--output-type', 'json', '--no-progress'], {
  cwd: root,
  maxBuffer: 256 * 1024 * 1024,
}).toString()
const {modules} = JSON.parse(json)

const folderOf = (path) => (path.startsWith('commands/') ? 'commands' : path.split('/').length === 2 ? path.replace(/\.ts$/, '') : path.split('/').slice(0, 2).join('/'))
const FEATURES = new Set(['assess', 'latency', 'matrix', 'tco', 'rollout', 'report', 'deploy', 'verify', 'dns', 'lab', 'blueprint', 'drill', 'route', 'audit', 'trace', 'evidence'])
const rank = (folder) => {
  if (folder === 'commands') return 5
  if (folder === 'src/ui' || folder === 'src/command') return 4
  const name = folder.slice(4)
  if (FEATURES.has(name)) return 3
  if (name === 'fleet') return 2
  return 1
}

const arrows = new Set()
const commandImports = new Map()
for (const m of modules) {
  if (!/^(src|commands)\//.test(m.source)) continue
  for (const d of m.dependencies) {
    if (!/^(src|commands)\//.test(d.resolved)) continue
    const from = folderOf(m.source)
    const to = folderOf(d.resolved)
    if (from !== to) arrows.add(`${from} -> ${to}`)
    if (m.source.startsWith('commands/')) commandImports.set(m.source, (commandImports.get(m.source) ?? new Set()).add(d.resolved))
  }
}
const pairs = [...arrows].map((a) => a.split(' -> '))
const upward = pairs.filter(([a, b]) => rank(b) > rank(a))
const mutual = pairs.filter(([a, b]) => a < b && arrows.has(`${b} -> ${a}`))
const folders = new Set(pairs.flat().filter((f) => f.startsWith('src/')))
const tied = new Set(mutual.flat().filter((f) => f.startsWith('src/')))

const commands = readdirSync(join(root, 'commands'), {recursive: true})
  .filter((f) => String(f).endsWith('.ts'))
  .map((f) => `commands/${f}`)
  .map((f) => ({file: f, lines: readFileSync(join(root, f), 'utf8').split('\n').filter((l) => l.trim() !== '').length, imports: commandImports.get(f)?.size ?? 0}))
  .sort((a, b) => b.lines - a.lines)

console.log(`checkout: ${root}`)
console.log(`folder-level arrows: ${arrows.size}; upward: ${upward.length}; mutual folder pairs: ${mutual.length} (tying ${tied.size} of ${folders.size} src/ folders)`)
for (const [a, b] of upward) console.log(`  upward: ${a} -> ${b}`)
for (const [a, b] of mutual) console.log(`  mutual: ${a} <-> ${b}`)
console.log('commands (non-blank lines, internal imports):')
for (const c of commands) console.log(`  ${c.file.padEnd(28)} ${String(c.lines).padStart(4)} ${String(c.imports).padStart(3)}`)
