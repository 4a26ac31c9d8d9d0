import {type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument} from 'yaml'
import {readFileSync} from 'node:fs'

import {InputError, type SourceLocation} from '../errors.js'

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
}

export type DataPath = ReadonlyArray<string | number>

/** A parsed YAML/JSON input file that can say where any value in it came from. */
export class SourceDocument {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): SourceDocument {
    const lines = new LineCounter()
    // JSON is YAML 1.2, so one parser serves both and gives positions for both.
    const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false, uniqueKeys: true})
    const source = new SourceDocument(file, doc, lines)
    const syntax = doc.errors[0]
    if (syntax) {
      const [offset] = syntax.pos
      throw InputError.at(source.at(offset, '/'), 'input.syntax', {detail: syntax.message.split('\n')[0]})
    }
    return source
  }

  static read(file: string): SourceDocument {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      const reason = READ_ERRORS[code] ?? (error as Error).message
      throw InputError.at(undefined, 'input.unreadable', {file, reason})
    }
    return SourceDocument.parse(file, text)
  }

  toJS(): unknown {
    return this.doc.toJS() ?? {}
  }

  /**
   * Location of the value at `path` (or of its key, for unknown-key errors); the deepest
   * existing ancestor when the path does not exist, e.g. for a missing required key.
   */
  locate(path: DataPath, options: {key?: boolean} = {}): SourceLocation {
    let node: Node | null | undefined = this.doc.contents
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

  private at(offset: number, path: string): SourceLocation {
    const {line, col} = this.lines.linePos(offset)
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
