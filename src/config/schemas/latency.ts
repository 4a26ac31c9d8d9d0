import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'
import {PROBES, ZONES} from '../constants.js'

const Ms = Type.Union([Type.Number({minimum: 0}), Type.Null()], {description: 'milliseconds; null when no sample arrived'})

export const Stats = Strict({
  sent: Type.Optional(Type.Integer({minimum: 0, description: 'samples sent, warm-up excluded'})),
  n: Type.Integer({minimum: 0, description: 'samples received'}),
  min: Ms,
  p50: Ms,
  mean: Ms,
  p95: Ms,
  max: Ms,
  stddev: Ms,
  jitter: Ms,
  masd: Type.Optional(Ms),
  loss: Type.Number({minimum: 0, maximum: 100, description: 'percent of samples lost'}),
})

const Probe = Type.Union(PROBES.map((p) => Type.Literal(p)))
const Zone = Type.Union(ZONES.map((z) => Type.Literal(z)))

/** `mailops latency --json`: what `mailops score --latency` reads. */
export const LatencyReport = Strict({
  measuredAt: Type.String({format: 'date-time'}),
  settings: Type.Optional(
    Strict({samples: Type.Integer(), intervalMs: Type.Number(), timeoutMs: Type.Number(), warmup: Type.Integer(), probes: Type.Array(Probe)}),
  ),
  targets: Type.Array(
    Strict({
      id: Type.String(),
      host: Type.String(),
      port: Type.Optional(Type.Integer()),
      cloud: Type.Optional(Type.String()),
      region: Type.Optional(Type.String()),
      zone: Type.Optional(Zone),
      probe: Probe,
      from: Type.Optional(Type.String({description: 'vantage point: "local" or an inventory host'})),
      dnsMs: Type.Optional(Type.Union([Type.Number({minimum: 0}), Type.Null()], {description: 'name resolution, once, before sampling'})),
      error: Type.Optional(Type.String()),
      stats: Stats,
      phases: Type.Optional(Type.Record(Type.String(), Stats, {description: 'smtp: connect, banner, ehlo, starttls, tls, quit'})),
    }),
  ),
  zones: Type.Optional(
    Type.Array(Strict({from: Type.String(), probe: Probe, zone: Zone, best: Type.String({description: 'target id'}), p50: Type.Number()})),
  ),
})
export type LatencyReport = Static<typeof LatencyReport>
export type TargetResult = LatencyReport['targets'][number]
