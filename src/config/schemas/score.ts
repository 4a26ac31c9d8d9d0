import {type Static, Type} from '@sinclair/typebox'

import {DIMENSIONS} from '../../catalog/matrix.js'
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
        consistencyRatio: Type.Number(),
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
    }),
    {minItems: 1},
  ),
  sensitivity: Strict({dimensions: Type.Array(Stability), indicators: Type.Array(Stability)}),
  warnings: Type.Array(Type.String(), {description: 'what was adjusted on the way (also printed on stderr)'}),
})
export type ScoreReport = Static<typeof ScoreReport>
