import {type Static, Type} from '@sinclair/typebox'

import {COMPLIANCE, CURRENT_SYSTEMS, INDUSTRIES, VARIANTS, ZONES} from '../constants.js'
import {Id, IsoDate, Strict} from './common.js'

/** An enumeration, typed as the union of its values. */
const oneOf = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({type: 'string', enum: [...values]})

/** Every answer of an assessment: what the prompts ask, what flags and answers files give. */
export const Answers = Strict({
  company: Type.String({minLength: 1, maxLength: 200}),
  industry: oneOf(INDUSTRIES),
  revenue: Type.Number({exclusiveMinimum: 0, description: 'annual revenue, in currency'}),
  currency: Type.String({pattern: '^[A-Z]{3}$'}),
  fxRates: Type.Optional(Type.Record(Type.String({pattern: '^[A-Z]{3}$'}), Type.Number({exclusiveMinimum: 0}), {description: 'needed when currency is not USD, e.g. {USD: 7.2} for CNY'})),
  seats: Type.Integer({minimum: 1}),
  seatGrowth: Type.Number({minimum: -0.9, maximum: 10, description: 'yearly, 0.1 = 10%'}),
  zones: Type.Array(oneOf(ZONES), {minItems: 1, uniqueItems: true, description: 'economic zones of the target markets'}),
  compliance: Type.Array(oneOf(COMPLIANCE), {uniqueItems: true}),
  currentSystem: oneOf(CURRENT_SYSTEMS),
  candidates: Type.Array(Id, {minItems: 1, uniqueItems: true, description: 'provider ids to compare'}),
  billing: Type.Union([Type.Literal('annual'), Type.Literal('monthly')]),
  years: Type.Integer({minimum: 1, maximum: 15}),
  start: IsoDate,
  variant: oneOf(VARIANTS),
})
export type Answers = Static<typeof Answers>

/** An answers file: any subset; what it lacks is asked for (or named as missing without a TTY). */
export const AnswersFile = Type.Partial(Answers, {additionalProperties: false})
export type AnswersFile = Static<typeof AnswersFile>
