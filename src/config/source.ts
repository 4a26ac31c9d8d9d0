import {type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument} from 'yaml'
import {readFileSync, statSync} from 'node:fs'

import * as jsyaml from 'js-yaml'

import {InputError, type SourceLocation} from '../errors.js'
import {t} from '../i18n/index.js'

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
}

export type DataPath = ReadonlyArray<string | number>

/**
 * The largest input file read. The biggest real inputs (a fleet of thousands of hosts, a
 * catalog of every provider) are well under 1 MiB; past this a file is a mistake or an attack,
 * refused before it is read.
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024
/** Collections a document may expand to through aliases before its tree size is compared at all. */
const MAX_EXPANDED_FLOOR = 10_000

/**
 * A parsed YAML/JSON input file that can say where any value in it came from. The data comes
 * from js-yaml (YAML 1.2 core schema: no dates, no merge keys), which reads an 80,000-key file
 * in a fraction of a second and finds duplicate keys with a hash; yaml's positional document,
 * ten times slower, is built only when a problem has to be located.
 */
export class SourceDocument {
  private positional?: {doc: Document; lines: LineCounter}

  private constructor(
    readonly file: string,
    private readonly text: string,
    private readonly data: unknown,
    /** True for a file with no content at all (empty, blanks or comments only). */
    readonly isEmpty: boolean,
  ) {}

  /**
   * Parses YAML or JSON. `quiet` leaves the parser's own wording out of syntax errors (a secrets
   * file must never be echoed), keeping only where.
   */
  static parse(file: string, text: string, options: {quiet?: boolean} = {}): SourceDocument {
    const empty = /^(\s*(#.*)?\n?)*$/.test(text)
    let data: unknown
    if (!empty) {
      try {
        data = jsyaml.load(text, {schema: jsyaml.CORE_SCHEMA, filename: file})
      } catch (error) {
        const {reason, mark} = error as {reason?: string; mark?: {line: number; column: number}}
        const at = {file, line: (mark?.line ?? 0) + 1, col: (mark?.column ?? 0) + 1, path: '/'}
        throw InputError.at(at, 'input.syntax', {detail: options.quiet ? t('input.syntaxQuiet') : (reason ?? String(error))})
      }
    }
    const source = new SourceDocument(file, text, data, empty || data === null || data === undefined)
    // Without a '*' there is no alias to expand.
    if (text.includes('*')) source.checkAliases()
    return source
  }

  /**
   * js-yaml shares one object for every alias of an anchor, so a "billion laughs" document is
   * small in memory but explodes for whoever walks it as a tree. Its collections as a tree are counted in
   * one pass over the distinct ones (sizes memoised); past ten times the distinct ones (and a
   * floor for small files) it is refused.
   */
  private checkAliases(): void {
    const sizes = new Map<object, number>()
    const sizeOf = (root: unknown): number => {
      // Iterative post-order, so that depth never meets the call stack.
      const stack: Array<{value: object; children?: object[]}> = []
      const push = (value: unknown) => {
        if (typeof value === 'object' && value !== null && !sizes.has(value)) stack.push({value})
      }
      push(root)
      while (stack.length > 0) {
        const top = stack[stack.length - 1]
        if (sizes.has(top.value)) {
          stack.pop()
        } else if (top.children) {
          stack.pop()
          let size = 1
          for (const child of top.children) size += sizes.get(child) ?? 1
          sizes.set(top.value, Math.min(size, Number.MAX_SAFE_INTEGER))
        } else {
          top.children = Object.values(top.value).filter((child): child is object => typeof child === 'object' && child !== null)
          for (const child of top.children) push(child)
        }
      }
      return typeof root === 'object' && root !== null ? sizes.get(root)! : 0
    }
    const expanded = sizeOf(this.data)
    if (expanded > Math.max(10 * sizes.size, MAX_EXPANDED_FLOOR)) throw InputError.at({file: this.file, line: 1, col: 1, path: '/'}, 'input.aliasBomb', {max: MAX_EXPANDED_FLOOR})
  }

  static read(file: string, options: {quiet?: boolean} = {}): SourceDocument {
    let text: string
    try {
      const {size} = statSync(file)
      if (size > MAX_INPUT_BYTES) throw InputError.at(undefined, 'input.tooLarge', {file, size: mib(size), max: mib(MAX_INPUT_BYTES)})
      text = readFileSync(file, 'utf8')
    } catch (error) {
      if (error instanceof InputError) throw error
      const code = (error as NodeJS.ErrnoException).code ?? ''
      const reason = READ_ERRORS[code] ?? (error as Error).message
      throw InputError.at(undefined, 'input.unreadable', {file, reason})
    }
    return SourceDocument.parse(file, text, options)
  }

  toJS(): unknown {
    return this.isEmpty ? {} : this.data
  }

  /**
   * Location of the value at `path` (or of its key, for unknown-key errors); the deepest
   * existing ancestor when the path does not exist, e.g. for a missing required key.
   */
  locate(path: DataPath, options: {key?: boolean} = {}): SourceLocation {
    let node: Node | null | undefined = this.document().doc.contents
    let keyNode: Node | undefined
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment))
        if (!pair) break
        keyNode = pair.key as Node
        node = pair.value as Node | null
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined
        if (item === undefined) break
        keyNode = undefined
        node = item
      } else break
    }
    const target = options.key && keyNode ? keyNode : (node ?? keyNode)
    return this.at(target?.range?.[0] ?? 0, toPointer(path))
  }

  private document(): {doc: Document; lines: LineCounter} {
    if (!this.positional) {
      const lines = new LineCounter()
      this.positional = {doc: parseDocument(this.text, {lineCounter: lines, prettyErrors: false, uniqueKeys: false}), lines}
    }
    return this.positional
  }

  private at(offset: number, path: string): SourceLocation {
    const {line, col} = this.document().lines.linePos(offset)
    return {file: this.file, line, col, path}
  }
}

export function toPointer(path: DataPath): string {
  return '/' + path.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
}

export function fromPointer(pointer: string): Array<string | number> {
  if (pointer === '' || pointer === '/') return []
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

/** Human form of a data path: providers[2].pricing.asOf */
export function dotted(path: DataPath): string {
  if (path.length === 0) return '(top level)'
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('')
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
