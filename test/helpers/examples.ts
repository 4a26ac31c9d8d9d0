import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {ROOT} from './cli.js'

/** One documented command line, with every place that shows it. */
export interface DocumentedExample {
  /** As a user would type it: continuations joined, comment and `sudo` dropped, spaces collapsed. */
  text: string
  /** Where it is shown: `README.md:42`, `mailops verify --help`. */
  sources: string[]
}

/** The examples the documentation shows, from the README, docs/*.md and every command's --help. */
export function documentedExamples(root = ROOT): DocumentedExample[] {
  const found = new Map<string, DocumentedExample>()
  const add = (text: string, source: string) => {
    const example = found.get(text) ?? {text, sources: []}
    example.sources.push(source)
    found.set(text, example)
  }
  const markdown = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  for (const file of markdown) {
    for (const {line, text} of shellBlockLines(readFileSync(join(root, file), 'utf8'))) add(text, `${file}:${line}`)
  }
  for (const {id, text} of helpExamples(root)) add(text, `mailops ${id} --help`)
  return [...found.values()]
}

/** Each command line of the fenced ```sh blocks, with the line it starts on. */
export function shellBlockLines(markdown: string): Array<{line: number; text: string}> {
  const lines = markdown.split('\n')
  const out: Array<{line: number; text: string}> = []
  let inBlock = false
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```\s*(\S*)/.exec(lines[i])
    if (fence) {
      inBlock = !inBlock && fence[1] === 'sh'
      continue
    }
    if (!inBlock) continue
    const start = i
    let joined = lines[i]
    while (/\\\s*$/.test(withoutComment(joined)) && i + 1 < lines.length) joined = withoutComment(joined).replace(/\\\s*$/, ' ') + lines[++i]
    const text = normalise(joined)
    if (text) out.push({line: start + 1, text})
  }
  return out
}

/** The examples of every command in the oclif manifest (`npm run build` writes it), rendered as --help shows them. */
export function helpExamples(root = ROOT): Array<{id: string; text: string}> {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {examples?: Array<string | {command: string}>}>
  }
  const out: Array<{id: string; text: string}> = []
  for (const [key, command] of Object.entries(manifest.commands)) {
    const id = key.replaceAll(':', ' ')
    for (const example of command.examples ?? []) {
      const template = typeof example === 'string' ? example : example.command
      const rendered = template.replaceAll('<%= config.bin %>', 'mailops').replaceAll('<%= command.id %>', id)
      if (rendered.includes('<%')) throw new Error(`mailops ${id} --help: example with a template this test does not know: ${template}`)
      for (const {text} of shellBlockLines('```sh\n' + rendered + '\n```')) out.push({id, text})
    }
  }
  return out
}

/** A line without its shell comment: a `#` that starts a word outside quotes. */
function withoutComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i)
  }
  return line
}

function normalise(line: string): string {
  return withoutComment(line)
    .replace(/(^|&&|\|\||;|\|)\s*sudo\s+/g, '$1 ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** test/examples-illustrative.yaml: what cannot run on a test machine, and the names examples use for hosts. */
export interface ExamplesFile {
  illustrative: Array<{example: string; reason: string}>
  exits?: Array<{example: string; exit: number; reason: string}>
  hostNames: Record<string, string>
}

export function examplesFile(root = ROOT): ExamplesFile {
  return parse(readFileSync(join(root, 'test', 'examples-illustrative.yaml'), 'utf8')) as ExamplesFile
}

/** The command words of a mailops invocation (`lab up`, `verify`), or undefined for another program. */
export function commandOf(text: string, known: readonly string[]): string | undefined {
  const words = /^mailops((?: [a-z][a-z-]*)*)/.exec(text)?.[1].trim().split(' ') ?? []
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(' ')
    if (known.includes(id)) return id
  }
  return undefined
}

/** The command ids of the manifest, space-separated as a user types them. */
export function commandIds(root = ROOT): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
  return Object.keys(manifest.commands).map((k) => k.replaceAll(':', ' '))
}

/** The commands of a chain (`a && b`, `a; b`). */
export function segments(text: string): string[] {
  return text.split(/\s*(?:&&|\|\||;)\s*/)
}

/** Shell words, quotes removed (the examples use plain double or single quotes only). */
export function tokens(segment: string): string[] {
  return [...segment.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
}

/** The value after a flag (`--out-dir DIR`, `--out-dir=DIR`, `> FILE`). */
export function flagValue(words: string[], ...names: string[]): string | undefined {
  const i = words.findIndex((w) => names.includes(w))
  if (i >= 0) return words[i + 1]
  const joined = words.find((w) => names.some((n) => w.startsWith(`${n}=`)))
  return joined?.slice(joined.indexOf('=') + 1)
}

/**
 * The first word naming a host that is neither loopback nor in one of the given lab prefixes
 * (`198.18.192.`): a host name, or an IPv4 address with or without a port.
 */
export function foreignHost(shell: string, labPrefixes: readonly string[]): string | undefined {
  for (const word of tokens(shell)) {
    const host = word.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && !host.startsWith('127.') && !labPrefixes.some((p) => host.startsWith(p))) return word
    if (/^(?:[a-z0-9-]+\.)+[a-z]{2,}$/i.test(host) && !/\.(ya?ml|json|csv|ics|xml|pem|md|html|js|ts|txt)$/i.test(host)) return word
  }
  return undefined
}
