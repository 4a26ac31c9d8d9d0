import {type Static, Type} from '@sinclair/typebox'

import {PROBES, ZONES} from '../constants.js'
import {Strict} from './common.js'


/** A targets file for `mailops latency --targets`. */
export const TargetsFile = Strict({
  targets: Type.Array(
    Strict({
      id: Type.String({pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$'}),
      host: Type.String({minLength: 1, description: 'IP address or DNS name'}),
      port: Type.Optional(Type.Integer({minimum: 1, maximum: 65_535, description: 'for tcp (default 443) and smtp (default 25)'})),
      probe: Type.Optional(Type.Union(PROBES.map((p) => Type.Literal(p)), {description: 'default: the --probe flag'})),
      cloud: Type.Optional(Type.String()),
      region: Type.Optional(Type.String()),
      zone: Type.Optional(Type.Union(ZONES.map((z) => Type.Literal(z)))),
    }),
    {minItems: 1},
  ),
})
export type TargetsFile = Static<typeof TargetsFile>
