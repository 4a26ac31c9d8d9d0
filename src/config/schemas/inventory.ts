import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'

const HostName = Type.String({pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$', description: 'inventory name of the host'})
const Port = Type.Integer({minimum: 1, maximum: 65_535})
const User = Type.String({pattern: '^[a-z_][a-z0-9_-]*$', description: 'login user; not root means commands run with sudo -n'})
const KeyPath = Type.String({minLength: 1, description: 'private key file, relative to the inventory'})
const Vars = Type.Record(Type.String(), Type.Unknown(), {description: 'variables for blueprints'})
/** The inventory's own vars: those of the blueprints, and the domain's that mailops itself reads. */
const DomainVars = Type.Object(
  {
    caa_issuers: Type.Optional(
      Type.Array(Type.String({pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$', description: "a CA's issuer domain, e.g. letsencrypt.org"}), {
        uniqueItems: true,
        description: 'The CAs allowed to issue certificates for the domain: mailops dns publishes a CAA issue record for each (RFC 8659), verify dns.caa expects them. Empty or absent: no CAA record, and dns.caa warns.',
      }),
    ),
    backup_recipient: Type.Optional(
      Type.String({
        pattern: '^age1[02-9ac-hj-np-z]{58}$',
        description: 'The age public key (age-keygen -y IDENTITY) `mailops backup` encrypts archives to, on the core; restore --identity takes the private key (docs/backup.md).',
      }),
    ),
    route_plan: Type.Optional(
      Type.String({
        minLength: 1,
        description: "The route plan the fleet's outbound mail follows (a `mailops route plan -o FILE` file, relative to the inventory): every deploy renders its transport entries on the cores and lets the cores relay through its egress edges (docs/routing.md). Absent: mail leaves the cores directly.",
      }),
    ),
  },
  {additionalProperties: true, description: 'variables for blueprints, and the domain\'s own (caa_issuers, route_plan, backup_recipient)'},
)

const Connection = {
  port: Type.Optional(Port),
  user: Type.Optional(User),
  key: Type.Optional(KeyPath),
  jump: Type.Optional(Type.String({description: 'name of the jump host (bastion) to reach this one through'})),
}

/** An inventory: the nodes mailops deploys to, verifies and probes from. */
export const Inventory = Strict({
  knownHosts: Type.Optional(Type.String({description: 'known_hosts file (default ~/.ssh/known_hosts), relative to the inventory'})),
  secretsFile: Type.Optional(Type.String({description: 'YAML map of secret values, mode 0600 (environment MAILOPS_SECRET_<NAME> wins), relative to the inventory'})),
  defaults: Type.Optional(Strict(Connection)),
  vars: Type.Optional(DomainVars),
  jumpHosts: Type.Optional(
    Type.Array(Strict({name: HostName, address: Type.String({minLength: 1}), ...Connection}), {description: 'bastions that are not mail nodes'}),
  ),
  hosts: Type.Array(
    Strict({
      name: HostName,
      address: Type.String({minLength: 1, description: 'IP address or DNS name'}),
      ...Connection,
      role: Type.Union([Type.Literal('core'), Type.Literal('edge')]),
      region: Type.Optional(Type.String()),
      vars: Type.Optional(Vars),
    }),
    {minItems: 1},
  ),
})
export type Inventory = Static<typeof Inventory>
