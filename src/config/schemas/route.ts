import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'
import {DeployReport} from './reports.js'

const Ms = Type.Number({minimum: 0, description: 'milliseconds'})
const OrNull = <T extends ReturnType<typeof Type.Number> | ReturnType<typeof Type.Boolean>>(schema: T) => Type.Union([schema, Type.Null()])

const Candidate = Strict({
  egress: Type.String({description: 'the node mail leaves from: the core itself (direct) or an edge'}),
  probe: Type.String({description: 'the probe the figures come from: smtp, tcp or icmp'}),
  p50: OrNull(Type.Number({minimum: 0})),
  p95: OrNull(Type.Number({minimum: 0})),
  loss: Type.Number({minimum: 0, maximum: 100, description: 'percent'}),
  tls: OrNull(Type.Boolean({description: 'STARTTLS offered on this path (smtp probe); null when the probe cannot tell'})),
  hopMs: OrNull(Type.Number({minimum: 0, description: "an edge's cost of the core → edge hop; null when direct or not measured"})),
  cost: OrNull(Type.Number({minimum: 0, description: 'expected delivery time over this path, ms (docs/routing.md); null when excluded'})),
  excluded: Type.Optional(Type.String({description: 'why this path cannot be chosen'})),
})

const Nexthop = Type.String({description: "Postfix transport(5) nexthop: the destination domain (its MX, direct) or [edge address]:25"})

/** `mailops route plan --json`; its --current reads a previous one (the plan deployed now). */
export const RoutePlan = Strict({
  measuredAt: Type.String({format: 'date-time', description: 'when the matrix was measured'}),
  matrixSha256: Type.String({pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the matrix file the plan was made from'}),
  settings: Strict({
    hysteresisPercent: Type.Number({minimum: 0, maximum: 100}),
    minGainMs: Ms,
    roundTrips: Type.Integer({minimum: 1, description: 'round trips of one SMTP delivery, for tcp and icmp figures'}),
    retransmitMs: Ms,
    deferredRetryMs: Ms,
  }),
  routes: Type.Array(
    Strict({
      core: Type.String({description: 'the core whose outbound mail this route is for'}),
      destination: Type.String({description: 'recipient domain (the matrix target id)'}),
      egress: Type.Union([Type.String(), Type.Null()], {description: 'chosen egress node; null when no path answered (mail goes direct, as without a route)'}),
      nexthop: Type.Union([Nexthop, Type.Null()]),
      fallback: Type.Union([Strict({egress: Type.String(), nexthop: Nexthop}), Type.Null()]),
      cost: OrNull(Type.Number({minimum: 0})),
      kept: Type.Boolean({description: 'the current egress was kept: the best path was not better by the hysteresis threshold'}),
      candidates: Type.Array(Candidate),
    }),
  ),
  transport: Type.Array(Strict({core: Type.String(), entries: Type.Array(Type.String({description: 'a transport(5) line'}))})),
  changes: Type.Array(Strict({core: Type.String(), destination: Type.String(), from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()])})),
  diff: Type.String({description: 'the transport entries that change, per core, as a unified diff'}),
  warnings: Type.Array(Type.String()),
})
export type RoutePlan = Static<typeof RoutePlan>
export type Route = RoutePlan['routes'][number]
export type RouteCandidate = Route['candidates'][number]

/** `mailops route apply --json`: the plan deployed (the one the inventory names) and the deploy of it to the cores and edges. */
export const RouteApplyReport = Strict({
  plan: Strict({
    file: Type.String({description: 'the route plan file the inventory names (vars.route_plan), absolute'}),
    measuredAt: Type.String({format: 'date-time', description: "when the plan's matrix was measured"}),
    matrixSha256: Type.String({pattern: '^[0-9a-f]{64}$'}),
    transport: Type.Array(Strict({core: Type.String(), entries: Type.Array(Type.String({description: 'a transport(5) line'}))}), {description: "each core's transport entries, as /etc/postfix/transport_routes holds them"}),
    relayFor: Type.Record(Type.String(), Type.Array(Type.String()), {description: 'per edge, the cores whose mail leaves through it (relayed, not postscreened, no milter)'}),
  }),
  deploy: DeployReport,
})
