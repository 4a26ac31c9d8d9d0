import {type Static, Type} from '@sinclair/typebox'

import {CURRENT_SYSTEMS, VARIANTS} from '../constants.js'
import {Currency, Id, IsoDate, NonNegative, Share, Strict} from './common.js'


const Text = Type.Union([Type.String({minLength: 1}), Strict({en: Type.String(), 'zh-CN': Type.String()})])

export const Task = Strict({
  id: Id,
  phase: Type.Integer({minimum: 1}),
  name: Text,
  startMonth: Type.Integer({minimum: 0, description: 'months after the plan start'}),
  endMonth: Type.Integer({minimum: 0, description: 'month the task ends (exclusive)'}),
  milestone: Type.Optional(Type.Boolean()),
  raci: Type.Record(Id, Type.String({pattern: '^(?!.*(.).*\\1)[RACI]+$', description: 'letters R, A, C, I, each at most once'}), {
    description: 'role id to its letters, e.g. {it-lead: A, mail-ops: R}',
  }),
})
export type Task = Static<typeof Task>

export const Phase = Strict({
  name: Text,
  startMonth: Type.Integer({minimum: 0}),
  endMonth: Type.Integer({minimum: 1}),
  budgetShare: Share,
})
export type Phase = Static<typeof Phase>

/** A plan file: a bundled variant, optionally with its own phases, roles and tasks. */
export const PlanFile = Strict({
  variant: Type.Union(VARIANTS.map((v) => Type.Literal(v)), {default: 'cross-border'}),
  start: Type.Optional(IsoDate),
  currency: Type.String({pattern: Currency.pattern, default: 'USD'}),
  budget: Type.Optional(Type.Number({exclusiveMinimum: 0, description: 'total programme budget'})),
  revenue: Type.Optional(Type.Number({exclusiveMinimum: 0, description: 'annual revenue; budget = 1.15% of it (mid of 0.8-1.5%)'})),
  migrateFrom: Type.Optional(Type.Union(CURRENT_SYSTEMS.map((c) => Type.Literal(c)), {description: 'current mail system: adds its mailbox migration to the bundled tasks'})),
  phases: Type.Optional(Type.Array(Phase, {minItems: 1})),
  roles: Type.Optional(Type.Record(Id, Text)),
  tasks: Type.Optional(Type.Array(Task, {minItems: 1})),
})
export type PlanFile = Static<typeof PlanFile>

const PlannedTask = Strict({
  id: Id,
  phase: Type.Integer({minimum: 1}),
  name: Type.String(),
  start: IsoDate,
  end: IsoDate,
  milestone: Type.Boolean(),
  raci: Type.Record(Type.String(), Type.String()),
})

/** `mailops plan --json` */
export const PlanReport = Strict({
  variant: Type.String(),
  start: IsoDate,
  end: IsoDate,
  currency: Currency,
  budget: NonNegative,
  roles: Type.Record(Type.String(), Type.String()),
  migrateFrom: Type.Optional(Type.String()),
  phases: Type.Array(
    Strict({
      number: Type.Integer({minimum: 1}),
      name: Type.String(),
      start: IsoDate,
      end: IsoDate,
      months: Type.String(),
      budgetShare: Share,
      budget: NonNegative,
      tasks: Type.Array(PlannedTask),
    }),
  ),
})
export type PlanReport = Static<typeof PlanReport>
