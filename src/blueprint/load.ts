import {createHash, createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {loadInput} from '../config/load.js'
import type {Blueprint, Release} from '../config/schemas/blueprint.js'
import {InputError} from '../errors.js'
import {schemaErrors} from '../config/validate.js'
import {renderTemplate} from './template.js'

export interface LoadedBlueprint extends Blueprint {
  dir: string
  templates: Record<string, string>
}

/** The bundled blueprints: blueprints/NAME/blueprint.yaml under the package root. */
export function listBlueprints(root: string): string[] {
  const dir = join(root, 'blueprints')
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'blueprint.yaml'))).sort()
}

export function loadBlueprint(root: string, name: string): LoadedBlueprint {
  const dir = join(root, 'blueprints', name)
  const file = join(dir, 'blueprint.yaml')
  if (!existsSync(file)) throw InputError.at(undefined, 'blueprint.unknown', {name, valid: listBlueprints(root).join(', ')})
  const {data, source} = loadInput('blueprint', file)
  const templates: Record<string, string> = {}
  for (const [i, f] of data.files.entries()) {
    const named: Array<[string, Array<string | number>]> = [
      [f.template, ['files', i, 'template']],
      ...Object.entries(f.templateFor ?? {}).map(([release, template]): [string, Array<string | number>] => [template, ['files', i, 'templateFor', release]]),
    ]
    for (const [template, at] of named) {
      const path = join(dir, 'templates', template)
      if (!existsSync(path)) throw InputError.at(source?.locate(at), 'blueprint.noTemplate', {path})
      templates[template] = readFileSync(path, 'utf8')
    }
    for (const [j, service] of (f.notify ?? []).entries()) {
      if (!(service in data.services)) throw InputError.at(source?.locate(['files', i, 'notify', j]), 'blueprint.unknownService', {name: service})
    }
  }
  if (data.encryptsStoreWith !== undefined && !(data.encryptsStoreWith in data.variables)) {
    throw InputError.at(source?.locate(['encryptsStoreWith']), 'blueprint.unknownVariable', {template: 'encryptsStoreWith', name: data.encryptsStoreWith})
  }
  return {...data, dir, templates}
}

/** Whether a blueprint's `when` holds for these values (each named variable has the value given). */
export function holds(when: Record<string, string>, values: Record<string, unknown>): boolean {
  return Object.entries(when).every(([name, value]) => String(values[name] ?? '') === value)
}

/**
 * Whether a blueprint is for this host: its role, and its `when` on the host's variables (host
 * vars over inventory vars over the blueprint's defaults), e.g. the acme blueprint only for a node
 * whose vars.tls_source is acme.
 */
export function blueprintApplies(blueprint: Blueprint, role: 'core' | 'edge', ...layers: Array<Record<string, unknown>>): boolean {
  if (!blueprint.roles.includes(role)) return false
  if (!blueprint.when) return true
  const values = Object.fromEntries(Object.keys(blueprint.when).map((name) => [name, layers.reduceRight<unknown>((found, layer) => found ?? layer[name], undefined) ?? blueprint.variables[name]?.default]))
  return holds(blueprint.when, values)
}

export interface RenderedFile {
  path: string
  content: string
  sha256: string
  mode: string
  owner: string
  group: string
  validate?: string
  notify: string[]
  /** Rendered from a secret: never read back from a host, never shown, diffed by hash only. */
  sensitive: boolean
  /** Only hosts of this init get the file (see the blueprint's init). */
  init?: 'systemd'
}

/**
 * Values for every variable of a blueprint, from host vars over inventory vars over defaults;
 * secrets from the environment or else the inventory's secrets file (its `HOST/NAME` entry over
 * `NAME`, so that each host can have a key of its own), never from vars. Each value
 * is checked by what it means before any connection: its type, a real integer in its range, a
 * string's pattern, list items against their schema, PEM keys and certificates parsed (and a
 * certificate against its key). A message never quotes a secret.
 */
export function resolveVariables(
  blueprint: Blueprint,
  host: string,
  secrets: Record<string, string>,
  ...layers: Array<Record<string, unknown>>
): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  // Unconditional variables first: a condition reads their values.
  const ordered = Object.entries(blueprint.variables).sort(([, a], [, b]) => Number(a.when !== undefined) - Number(b.when !== undefined))
  for (const [name, spec] of ordered) {
    if (spec.when && !holds(spec.when, values)) {
      values[name] = ''
      continue
    }
    const envName = `MAILOPS_SECRET_${name.toUpperCase()}`
    const given = spec.secret ? (process.env[envName] ?? secrets[`${host}/${name}`] ?? secrets[name]) : layers.reduceRight<unknown>((found, layer) => found ?? layer[name], undefined)
    const value = given ?? spec.default
    if (value === undefined) throw InputError.at(undefined, spec.secret ? 'blueprint.missingSecret' : 'blueprint.missingVariable', {host, name, env: envName})
    const problem = variableProblem(spec, value)
    if (problem) throw InputError.at(undefined, 'blueprint.badVariable', {host, name, type: problem})
    values[name] = value
  }
  for (const [name, spec] of Object.entries(blueprint.variables)) {
    if (spec.matchesKey === undefined) continue
    if (spec.format === 'public-key') {
      keyPairProblem(host, name, spec.matchesKey, String(values[name]), String(values[spec.matchesKey]))
      continue
    }
    if (values[name] === '' || values[spec.matchesKey] === '') continue
    const leaf = new X509Certificate(pemBlocks(String(values[name]), 'CERTIFICATE')[0])
    if (!leaf.checkPrivateKey(createPrivateKey(String(values[spec.matchesKey])))) {
      throw InputError.at(undefined, 'blueprint.keyMismatch', {host, name, key: spec.matchesKey})
    }
  }
  return values
}

/** A public key and its private key: both or neither (an empty pair is a feature left off), and a pair. */
function keyPairProblem(host: string, name: string, key: string, publicPem: string, privatePem: string): void {
  if ((publicPem === '') !== (privatePem === '')) throw InputError.at(undefined, 'blueprint.keyPairHalf', {host, name, key, given: publicPem === '' ? key : name})
  if (publicPem === '') return
  const der = (k: ReturnType<typeof createPublicKey>) => k.export({type: 'spki', format: 'der'})
  if (!der(createPublicKey(publicPem)).equals(der(createPublicKey(createPrivateKey(privatePem))))) throw InputError.at(undefined, 'blueprint.publicKeyMismatch', {host, name, key})
}

type VariableSpec = Blueprint['variables'][string]

/** What a value should be, when it is not (undefined when it is fine). */
function variableProblem(spec: VariableSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'integer': {
      const range = `an integer from ${spec.minimum ?? Number.MIN_SAFE_INTEGER} to ${spec.maximum ?? Number.MAX_SAFE_INTEGER}`
      // 1e30 is an integer to JavaScript, but not one a daemon can read: only safe integers pass.
      if (!Number.isSafeInteger(value)) return range
      const n = value as number
      return (spec.minimum !== undefined && n < spec.minimum) || (spec.maximum !== undefined && n > spec.maximum) ? range : undefined
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false'
    case 'list': {
      if (!Array.isArray(value)) return 'a list'
      if (!spec.items) return undefined
      for (const [i, item] of value.entries()) {
        const errors = schemaErrors(spec.items, item)
        if (errors.length > 0) return `a list whose items match its schema (item ${i + 1}: ${errors[0]})`
      }
      return undefined
    }
    case 'string': {
      if (typeof value !== 'string') return 'a string'
      if (spec.pattern && !new RegExp(spec.pattern, 'u').test(value)) return `a string matching ${spec.pattern}`
      if (value === '' || !spec.format) return undefined
      return spec.format === 'private-key' ? pemKeyProblem(value) : spec.format === 'public-key' ? pemPublicKeyProblem(value) : pemChainProblem(value)
    }
  }
}

function pemBlocks(text: string, label: string): string[] {
  return text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g')) ?? []
}

function pemKeyProblem(value: string): string | undefined {
  try {
    createPrivateKey(value)
    return undefined
  } catch {
    return 'a PEM private key (openssl pkey -in FILE -noout must accept it)'
  }
}

function pemPublicKeyProblem(value: string): string | undefined {
  try {
    if (pemBlocks(value, 'PUBLIC KEY').length !== 1) throw new Error('not one PUBLIC KEY block')
    createPublicKey(value)
    return undefined
  } catch {
    return 'a PEM public key (openssl pkey -pubin -in FILE -noout must accept it)'
  }
}

function pemChainProblem(value: string): string | undefined {
  const blocks = pemBlocks(value, 'CERTIFICATE')
  try {
    if (blocks.length === 0) throw new Error('no certificate')
    for (const block of blocks) new X509Certificate(block)
    return undefined
  } catch {
    return 'a PEM certificate chain, leaf first (openssl x509 -in FILE -noout must accept it)'
  }
}

/**
 * The blueprint's files as a host of that release gets them: a file's templateFor[release] when
 * it has one (another daemon version, another syntax), else its template. Paths, modes,
 * validators and services do not depend on the release, so a probe needs no release to ask.
 */
export function renderFiles(blueprint: LoadedBlueprint, vars: Record<string, unknown>, release: Release): RenderedFile[] {
  const secrets = Object.entries(blueprint.variables).filter(([, spec]) => spec.secret).map(([name]) => name)
  return blueprint.files.filter((f) => !f.when || holds(f.when, vars)).map((f) => {
    const name = f.templateFor?.[release] ?? f.template
    const template = blueprint.templates[name]
    const content = renderTemplate(template, vars, name)
    return {
      path: f.path,
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
      mode: f.mode.padStart(4, '0'),
      owner: f.owner ?? 'root',
      group: f.group ?? 'root',
      ...(f.validate ? {validate: f.validate} : {}),
      notify: f.notify ?? [],
      ...(f.init ? {init: f.init} : {}),
      sensitive: secrets.some((name) => new RegExp(`\\{\\{\\s*(@root\\.)?${name}\\s*\\}\\}`).test(template)),
    }
  })
}

/** The secret values among the variables, so that diffs and logs can hide them. */
export function secretValues(blueprint: Blueprint, vars: Record<string, unknown>): string[] {
  return Object.entries(blueprint.variables)
    .filter(([, spec]) => spec.secret)
    .map(([name]) => String(vars[name]))
    .filter((v) => v.length > 0)
}
