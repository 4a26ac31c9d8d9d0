import {type Static, Type} from '@sinclair/typebox'

import {DIMENSIONS, INDICATOR_IDS} from '../constants.js'
import {Share, Strict} from './common.js'
import {RANDOM_INDEX_TABLES} from '../constants.js'

const Judgement = Type.Union([
  Type.Number({exclusiveMinimum: 0}),
  Type.String({pattern: '^\\s*\\d+(\\.\\d+)?\\s*/\\s*\\d+(\\.\\d+)?\\s*$', description: 'a fraction such as 1/3'}),
])

const Matrix = Type.Array(Type.Array(Judgement), {
  minItems: DIMENSIONS.length,
  maxItems: DIMENSIONS.length,
  description: `pairwise judgements, rows and columns in the order ${DIMENSIONS.join(', ')}`,
})

/** How the matrix is weighted: direct dimension weights or AHP judgements, plus indicator shares. */
export const WeightsFile = Strict({
  dimensions: Type.Optional(
    Strict(Object.fromEntries(DIMENSIONS.map((d) => [d, Share])), {description: 'weight per dimension; they sum to 1'}),
  ),
  ahp: Type.Optional(
    Strict({
      randomIndex: Type.Optional(Type.Union(RANDOM_INDEX_TABLES.map((k) => Type.Literal(k)))),
      matrix: Type.Optional(Matrix),
      stakeholders: Type.Optional(
        Type.Array(
          Strict({
            name: Type.String({minLength: 1}),
            weight: Type.Optional(Type.Number({exclusiveMinimum: 0, description: 'how much this judge counts (default 1 each)'})),
            matrix: Matrix,
          }),
          {minItems: 2, description: "group AHP: each stakeholder's own matrix, aggregated cell by cell by the weighted geometric mean (AIJ)"},
        ),
      ),
    }, {description: 'either matrix (one judge) or stakeholders (a group)'}),
  ),
  indicators: Type.Optional(
    Strict(Object.fromEntries(INDICATOR_IDS.map((id) => [id, Type.Optional(Type.Number({exclusiveMinimum: 0}))])), {
      description: 'relative importance of an indicator within its dimension (default 1 each); any subset',
    }),
  ),
})
export type WeightsFile = Static<typeof WeightsFile>
