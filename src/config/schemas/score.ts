import {type Static, Type} from '@sinclair/typebox'

import {DIMENSIONS} from '../constants.js'
import {Id, Share, Strict} from './common.js'

const PerDimension = Strict(Object.fromEntries(DIMENSIONS.map((d) => [d, Type.Number()])))

const Stability = Strict({
  weight: Type.String({description: 'dimension or indicator id'}),
  value: Share,
  min: Share,
  max: Share,
  leaderBelow: Type.Optional(Id),
  leaderAbove: Type.Optional(Id),
})

/** `mailops score --json` */
export const ScoreReport = Strict({
  method: Type.Union([Type.Literal('wsm'), Type.Literal('topsis')]),
  weights: Strict({
    source: Type.Union([Type.Literal('default'), Type.Literal('file'), Type.Literal('ahp')]),
    dimensions: PerDimension,
    indicators: Type.Record(Type.String(), Share),
    ahp: Type.Optional(
      Strict({
        randomIndex: Type.String(),
        lambdaMax: Type.Number(),
        consistencyIndex: Type.Number(),
        consistencyRatio: Type.Number({description: "the group matrix's, for a group"}),
        aggregation: Type.Optional(Type.Literal('aij-geometric-mean', {description: 'group AHP: judgements aggregated cell by cell (weighted geometric mean)'})),
        stakeholders: Type.Optional(
          Type.Array(Strict({name: Type.String(), weight: Share, consistencyRatio: Type.Number(), dimensions: PerDimension})),
        ),
      }),
    ),
  }),
  ranking: Type.Array(
    Strict({
      rank: Type.Integer({minimum: 1}),
      id: Id,
      name: Type.String(),
      score: Share,
      dimensions: PerDimension,
      values: Type.Record(Type.String(), Type.Number()),
      sources: Type.Record(Type.String(), Type.Union([Type.Literal('measured'), Type.Literal('tco')])),
      compliance: Type.Array(
        Strict({regime: Type.String(), status: Type.Union([Type.Literal('gap'), Type.Literal('unknown')]), reason: Type.String()}),
        {description: 'required regimes met only with extra work (gap) or with no catalog data (unknown)'},
      ),
    }),
    {minItems: 1},
  ),
  compliance: Strict({
    required: Type.Array(Type.String(), {description: 'regimes the ranking was asked to meet'}),
    asOf: Type.Optional(Type.String({format: 'date', description: 'oldest date the catalog standing was read'})),
    standings: Type.Array(
      Strict({id: Id, name: Type.String(), asOf: Type.String({format: 'date'}), source: Type.String()}),
      {description: 'when and where each candidate\'s standing was read (empty when no regime is required)'},
    ),
    excluded: Type.Array(
      Strict({id: Id, name: Type.String(), reasons: Type.Array(Strict({regime: Type.String(), reason: Type.String()}))}),
      {description: 'providers not ranked: they cannot meet a required regime'},
    ),
  }),
  sensitivity: Strict({dimensions: Type.Array(Stability), indicators: Type.Array(Stability)}),
  monteCarlo: Strict({
    distribution: Type.Literal('dirichlet', {description: 'dimension weights drawn from Dirichlet(concentration × chosen weights): mean = the chosen weights'}),
    draws: Type.Integer({minimum: 1}),
    concentration: Type.Number({exclusiveMinimum: 0}),
    seed: Type.Integer(),
    providers: Type.Array(
      Strict({id: Id, pFirst: Share, ranks: Type.Array(Share, {description: 'share of draws at rank 1, 2, ...'})}),
      {description: 'in ranking order'},
    ),
  }),
  agreement: Strict({
    other: Type.Union([Type.Literal('wsm'), Type.Literal('topsis')]),
    statistic: Type.Literal('kendall-tau-b'),
    tau: Type.Number({minimum: -1, maximum: 1}),
    otherRanking: Type.Array(Id),
  }),
  warnings: Type.Array(Type.String(), {description: 'what was adjusted on the way (also printed on stderr)'}),
})
export type ScoreReport = Static<typeof ScoreReport>
