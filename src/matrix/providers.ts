import {BUNDLED_PROVIDERS} from '../catalog/providers.js'
import {schemaOf} from '../config/registry.js'
import type {Provider, ProvidersFile} from '../config/schemas/providers.js'
import type {SourceDocument} from '../config/source.js'
import {schemaErrors} from '../config/validate.js'
import {InputError} from '../errors.js'

/**
 * The bundled catalog with a user's file laid over it: an entry whose id is bundled changes
 * only the fields it gives; a new id must be complete.
 */
export function mergeProviders(file?: ProvidersFile, source?: SourceDocument): Provider[] {
  const byId = new Map(BUNDLED_PROVIDERS.map((p) => [p.id, structuredClone(p) as Provider]))
  for (const [index, entry] of (file?.providers ?? []).entries()) {
    const base = byId.get(entry.id)
    const merged = {
      ...base,
      ...entry,
      pricing: {...base?.pricing, ...entry.pricing, perSeatMonth: {...base?.pricing.perSeatMonth, ...entry.pricing?.perSeatMonth}},
      operations: {...base?.operations, ...entry.operations},
      values: {...base?.values, ...entry.values},
      ...(base?.compliance || entry.compliance
        ? {compliance: {...base?.compliance, ...entry.compliance, regimes: {...base?.compliance?.regimes, ...entry.compliance?.regimes}}}
        : {}),
    }
    const problems = schemaErrors(schemaOf('provider'), merged)
    if (problems.length > 0) {
      throw InputError.at(source?.locate(['providers', index]), 'providers.incomplete', {id: entry.id, problems: problems.join('; ')})
    }
    byId.set(entry.id, merged as Provider)
  }
  const only = file?.only
  if (!only) return [...byId.values()]
  for (const [index, id] of only.entries()) {
    if (!byId.has(id)) {
      throw InputError.at(source?.locate(['only', index]), 'providers.unknown', {id, valid: [...byId.keys()].join(', ')})
    }
  }
  return only.map((id) => byId.get(id)!)
}
