import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'

export const ZONES = ['apac', 'europe', 'americas'] as const
const Ms = Type.Union([Type.Number({minimum: 0}), Type.Null()], {description: 'milliseconds; null when no sample arrived'})

/** `mailops latency --json`: what `mailops score --latency` reads. */
export const LatencyReport = Strict({
  measuredAt: Type.String({format: 'date-time'}),
  targets: Type.Array(
    Strict({
      id: Type.String(),
      host: Type.String(),
      cloud: Type.Optional(Type.String()),
      region: Type.Optional(Type.String()),
      zone: Type.Optional(Type.Union(ZONES.map((z) => Type.Literal(z)))),
      probe: Type.Union([Type.Literal('icmp'), Type.Literal('tcp'), Type.Literal('smtp')]),
      stats: Strict({
        n: Type.Integer({minimum: 0}),
        min: Ms,
        p50: Ms,
        mean: Ms,
        p95: Ms,
        max: Ms,
        stddev: Ms,
        jitter: Ms,
        loss: Type.Number({minimum: 0, maximum: 100, description: 'percent of samples lost'}),
      }),
    }),
  ),
})
export type LatencyReport = Static<typeof LatencyReport>
