import {type SchemaName, type SchemaTypes, schemaOf} from './registry.js'
import {SourceDocument} from './source.js'
import {validateSource} from './validate.js'

export interface Loaded<T> {
  data: T
  source?: SourceDocument
}

/**
 * Reads and validates an input file (YAML or JSON), defaults filled in. Without a path, the
 * schema's defaults alone: every command runs on bundled defaults.
 */
export function loadInput<K extends keyof SchemaTypes & SchemaName>(name: K, path?: string): Loaded<SchemaTypes[K]> {
  const source = path ? SourceDocument.read(path) : SourceDocument.parse('(defaults)', '{}')
  return {data: validateSource(source, schemaOf(name)) as SchemaTypes[K], source: path ? source : undefined}
}

/** Reads an optional input file, or nothing when no path was given. */
export function loadOptional<K extends keyof SchemaTypes & SchemaName>(name: K, path?: string): Loaded<SchemaTypes[K] | undefined> {
  return path ? loadInput(name, path) : {data: undefined}
}
