import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {loadInput} from '../config/load.js'
import type {Blueprint} from '../config/schemas/blueprint.js'
import {InputError} from '../errors.js'
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
    const path = join(dir, 'templates', f.template)
    if (!existsSync(path)) throw InputError.at(source?.locate(['files', i, 'template']), 'blueprint.noTemplate', {path})
    templates[f.template] = readFileSync(path, 'utf8')
    for (const [j, service] of (f.notify ?? []).entries()) {
      if (!(service in data.services)) throw InputError.at(source?.locate(['files', i, 'notify', j]), 'blueprint.unknownService', {name: service})
    }
  }
  return {...data, dir, templates}
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
}

/**
 * Values for every variable of a blueprint, from host vars over inventory vars over defaults;
 * secrets from the environment or else the inventory's secrets file, never from vars. Each value
 * is checked against its declared type.
 */
export function resolveVariables(
  blueprint: Blueprint,
  host: string,
  secrets: Record<string, string>,
  ...layers: Array<Record<string, unknown>>
): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(blueprint.variables)) {
    const envName = `MAILOPS_SECRET_${name.toUpperCase()}`
    const given = spec.secret ? (process.env[envName] ?? secrets[name]) : layers.reduceRight<unknown>((found, layer) => found ?? layer[name], undefined)
    const value = given ?? spec.default
    if (value === undefined) throw InputError.at(undefined, spec.secret ? 'blueprint.missingSecret' : 'blueprint.missingVariable', {host, name, env: envName})
    const typeOk =
      (spec.type === 'string' && typeof value === 'string' && (!spec.pattern || new RegExp(spec.pattern, 'u').test(value))) ||
      (spec.type === 'integer' && Number.isInteger(value)) ||
      (spec.type === 'boolean' && typeof value === 'boolean') ||
      (spec.type === 'list' && Array.isArray(value))
    if (!typeOk) throw InputError.at(undefined, 'blueprint.badVariable', {host, name, type: spec.type + (spec.pattern ? ` matching ${spec.pattern}` : '')})
    values[name] = value
  }
  return values
}

export function renderFiles(blueprint: LoadedBlueprint, vars: Record<string, unknown>): RenderedFile[] {
  return blueprint.files.map((f) => {
    const content = renderTemplate(blueprint.templates[f.template], vars, f.template)
    return {
      path: f.path,
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
      mode: f.mode.padStart(4, '0'),
      owner: f.owner ?? 'root',
      group: f.group ?? 'root',
      ...(f.validate ? {validate: f.validate} : {}),
      notify: f.notify ?? [],
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
