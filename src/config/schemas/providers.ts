import {type Static, Type} from '@sinclair/typebox'

import {INDICATOR_IDS} from '../constants.js'
import {COMPLIANCE} from '../constants.js'
import {Currency, Id, IsoDate, NonNegative, Strict} from './common.js'

const LocalText = Strict({en: Type.String(), 'zh-CN': Type.String()})
const Text = Type.Union([Type.String({minLength: 1}), LocalText])

const Values = Strict(Object.fromEntries(INDICATOR_IDS.map((id) => [id, NonNegative])), {
  description: 'one number per matrix indicator, in the indicator unit (none is negative)',
})

const Pricing = Strict({
  currency: Currency,
  asOf: IsoDate,
  source: Type.String({description: 'where the list price was read'}),
  perSeatMonth: Strict({annual: NonNegative, monthly: NonNegative}, {description: 'licence per seat and month, by billing'}),
  includedStorageGb: NonNegative,
  extraStoragePerGbMonth: NonNegative,
})

const Operations = Strict({
  ftePerThousandSeats: Type.Number({minimum: 0, description: 'operations staff needed per 1000 seats'}),
  onboardingPerSeat: Type.Number({minimum: 0, description: 'one-time migration and training per seat'}),
})

const Standing = Strict({
  status: Type.Union([Type.Literal('yes'), Type.Literal('gap'), Type.Literal('no')], {
    description: 'yes: met as offered; gap: met only with extra work (the reason says which); no: cannot be met with this offering',
  }),
  reason: Type.Optional(Text),
})

const Compliance = Strict({
  asOf: IsoDate,
  source: Type.String({description: 'where the standing was read (trust centre, compliance pages)'}),
  regimes: Strict(Object.fromEntries(COMPLIANCE.map((c) => [c, Type.Optional(Standing)])), {description: 'standing per regime; a regime left out is unknown'}),
})

/** A complete provider, as the bundled catalog has it and as scoring needs it. */
export const Provider = Strict({
  id: Id,
  name: Text,
  kind: Type.Union([Type.Literal('saas'), Type.Literal('self-hosted')]),
  cloud: Type.Optional(Type.String({description: 'cloud whose regions measured latency stands for (aws, azure, gcp, alibaba)'})),
  pricing: Pricing,
  operations: Operations,
  values: Values,
  compliance: Type.Optional(Compliance),
})
export type Provider = Static<typeof Provider>

/** A user's providers file: new providers in full, or changes to bundled ones by id. */
export const ProvidersFile = Strict({
  providers: Type.Optional(Type.Array(
    Strict({
      id: Id,
      name: Type.Optional(Text),
      kind: Type.Optional(Provider.properties.kind),
      cloud: Type.Optional(Type.String()),
      pricing: Type.Optional(
        Strict({
          ...Type.Partial(Pricing).properties,
          perSeatMonth: Type.Optional(Type.Partial(Pricing.properties.perSeatMonth, {additionalProperties: false})),
        }),
      ),
      operations: Type.Optional(Type.Partial(Operations)),
      values: Type.Optional(Type.Partial(Values)),
      compliance: Type.Optional(Type.Partial(Compliance, {additionalProperties: false})),
    }),
    {minItems: 1},
  )),
  only: Type.Optional(Type.Array(Id, {minItems: 1, uniqueItems: true, description: 'keep only these providers'})),
})
export type ProvidersFile = Static<typeof ProvidersFile>
