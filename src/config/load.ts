import type {Static, TSchema} from '@sinclair/typebox'

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
export function loadInput<S extends TSchema>(schema: S, path?: string): Loaded<Static<S>> {
  const source = path ? SourceDocument.read(path) : SourceDocument.parse('(defaults)', '{}')
  return {data: validateSource(source, schema), source: path ? source : undefined}
}

/** Reads an optional input file, or nothing when no path was given. */
export function loadOptional<S extends TSchema>(schema: S, path?: string): Loaded<Static<S> | undefined> {
  return path ? loadInput(schema, path) : {data: undefined}
}
