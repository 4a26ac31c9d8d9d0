import {type TSchema, Type} from '@sinclair/typebox'

export const Id = Type.String({pattern: '^[a-z0-9][a-z0-9-]*$', description: 'lower-case letters, digits and dashes'})
export const Currency = Type.String({pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. USD'})
export const IsoDate = Type.String({format: 'date', description: 'YYYY-MM-DD'})
export const NonNegative = Type.Number({minimum: 0})
export const Share = Type.Number({minimum: 0, maximum: 1})

/** An object schema that rejects unknown keys, so typos are reported rather than ignored. */
export function Strict<P extends Record<string, TSchema>>(properties: P, options: {description?: string} = {}) {
  return Type.Object(properties, {additionalProperties: false, ...options})
}
