import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

import type {Ajv2020, ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'

import {InputError, type Problem} from '../errors.js'
import {type MessageKey, t} from '../i18n/index.js'
import {createAjv} from './ajv.js'
import {dotted, fromPointer, type SourceDocument} from './source.js'

const require = createRequire(import.meta.url)
/** Where `npm run schemas` writes one standalone validator per registered schema (NAME.cjs). */
const PRECOMPILED = new URL('validators/', import.meta.url)
let ajv: Ajv2020 | undefined
type Schema = Record<string, unknown>
const compiled = new WeakMap<Schema, ValidateFunction>()
const MAX_PROBLEMS = 10

function validatorFor(schema: Schema): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = precompiled(schema) ?? (ajv ??= createAjv()).compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

/** The build's validator for a registered schema ($id urn:mailops:schema:NAME), if there is one. */
function precompiled(schema: Schema): ValidateFunction | undefined {
  const file = new URL(`${schemaName(schema)}.cjs`, PRECOMPILED)
  return existsSync(file) ? (require(fileURLToPath(file)) as ValidateFunction) : undefined
}

/** Validates plain data (e.g. our own --json output) and returns the messages, empty when valid. */
export function schemaErrors(schema: Schema, data: unknown): string[] {
  const validate = validatorFor(schema)
  if (validate(data)) return []
  return (validate.errors ?? []).map((error) => `${dotted(fromPointer(error.instancePath))}: ${describe(error)}`)
}

/**
 * Validates a parsed input file against its schema, filling defaults in place.
 * Throws an InputError listing every problem with file:line:col.
 */
export function validateSource(source: SourceDocument, schema: Schema): unknown {
  if (source.isEmpty) {
    const required = (schema.required as string[] | undefined) ?? []
    throw InputError.at({file: source.file, line: 1, col: 1, path: '/'}, 'input.empty', {needs: required.length > 0 ? required.join(', ') : t('input.emptyAny')}, t('hint.schema', {name: schemaName(schema)}))
  }
  const data = source.toJS()
  const validate = validatorFor(schema)
  if (validate(data)) return data
  const problems = relevant(validate.errors ?? []).map((error): Problem => {
    const path = fromPointer(error.instancePath)
    const unknownKey = error.keyword === 'additionalProperties'
    const location = source.locate(unknownKey ? [...path, error.params.additionalProperty] : path, {key: unknownKey})
    return {message: `${dotted(path)}: ${describe(error)}`, location}
  }).sort((a, b) => a.location!.line - b.location!.line || a.location!.col - b.location!.col)
  const [first] = problems
  const {file, line, col} = first.location!
  const more = problems.length > 1 ? ` ${t('input.moreProblems', {count: problems.length - 1})}` : ''
  throw new InputError(`${file}:${line}:${col}: ${first.message}${more}`, {problems, hint: t('hint.schema', {name: schemaName(schema)})})
}

/** The name `mailops schema` knows a schema by, from its $id (urn:mailops:schema:NAME). */
export function schemaName(schema: Schema): string {
  return String(schema.$id ?? '').split(':').pop() || 'NAME'
}

/** anyOf failures repeat every branch's complaint; keep the summary and drop its branches. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  const kept = errors.filter((e) => e.keyword === 'anyOf' || !anyOfPaths.has(e.instancePath))
  return kept.slice(0, MAX_PROBLEMS)
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value)
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (Number.isInteger(value)) return 'integer'
  return typeof value
}

/** A JSON Schema type name in the user's language ("integer or string"). */
function typeName(types: string): string {
  const known = new Set(['integer', 'number', 'string', 'boolean', 'array', 'object', 'null'])
  return types.split(',').map((type) => (known.has(type) ? t(`type.${type}` as MessageKey) : type)).join(t('type.or'))
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'type': {
      // A YAML number beyond a double's range (1e309) is read as a string: say what is wrong with it.
      if (/number|integer/.test(String(p.type)) && typeof error.data === 'string' && !Number.isFinite(Number(error.data)) && !Number.isNaN(Number(error.data))) {
        return t('validation.tooLarge', {value: error.data})
      }
      return t('validation.type', {expected: typeName(String(p.type)), actual: typeName(typeOf(error.data))})
    }
    case 'required': {
      return t('validation.required', {key: String(p.missingProperty)})
    }
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as {properties?: object}).properties ?? {})
      return t('validation.unknownKey', {key: String(p.additionalProperty), valid: known.join(', ')})
    }
    case 'enum': {
      return t('validation.enum', {value: show(error.data), valid: (p.allowedValues as unknown[]).map(show).join(', ')})
    }
    case 'const': {
      return t('validation.enum', {value: show(error.data), valid: show(p.allowedValue)})
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      return t('validation.range', {value: show(error.data), comparison: String(p.comparison), limit: String(p.limit)})
    }
    case 'minItems':
    case 'minProperties': {
      return t('validation.minItems', {limit: String(p.limit)})
    }
    case 'maxItems':
    case 'maxProperties': {
      return t('validation.maxItems', {limit: String(p.limit)})
    }
    case 'minLength': {
      return t('validation.minLength', {limit: String(p.limit)})
    }
    case 'pattern': {
      return t('validation.pattern', {value: show(error.data), pattern: String(p.pattern)})
    }
    case 'format': {
      return t('validation.format', {value: show(error.data), format: String(p.format)})
    }
    case 'uniqueItems': {
      return t('validation.unique', {i: String(p.i), j: String(p.j)})
    }
    case 'anyOf':
    case 'oneOf': {
      // A union of constants is an enumeration: name the valid values.
      const branches = error.schema as Array<{const?: unknown}>
      if (Array.isArray(branches) && branches.every((b) => 'const' in b)) {
        return t('validation.enum', {value: show(error.data), valid: branches.map((b) => show(b.const)).join(', ')})
      }
      return t('validation.anyOf', {value: show(error.data)})
    }
    default: {
      return error.message ?? error.keyword
    }
  }
}
