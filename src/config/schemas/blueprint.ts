import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'

/**
 * The releases the blueprints render for, as a host's probe reports them (os-release ID
 * VERSION_ID). deploy refuses any other before a host is changed; a file's templateFor names
 * only these.
 */
export const SUPPORTED_RELEASES = ['debian 12', 'debian 13'] as const
export type Release = (typeof SUPPORTED_RELEASES)[number]

/**
 * A condition on the inventory: every named variable must have the given value (a variable not
 * set anywhere counts as its blueprint default). Lets one inventory choice, e.g. vars.tls_source,
 * decide which blueprints, files and variables a host gets.
 */
const When = Type.Record(Type.String({pattern: '^[a-z][a-z0-9_]*$'}), Type.String(), {
  minProperties: 1,
  description: "only where each named variable has this value (e.g. {tls_source: acme}); elsewhere it is left out (a variable: neither required nor checked, its value '')",
})

const Variable = Strict({
  type: Type.Union([Type.Literal('string'), Type.Literal('integer'), Type.Literal('boolean'), Type.Literal('list')]),
  default: Type.Optional(Type.Unknown()),
  description: Type.String(),
  secret: Type.Optional(Type.Boolean({description: 'from MAILOPS_SECRET_<NAME>; redacted in diffs, logs and audit'})),
  pattern: Type.Optional(Type.String({description: 'for strings: a regular expression the value must match'})),
  minimum: Type.Optional(Type.Integer({description: 'for integers: the smallest value that works'})),
  maximum: Type.Optional(Type.Integer({description: 'for integers: the largest value that works'})),
  format: Type.Optional(
    Type.Union([Type.Literal('private-key'), Type.Literal('public-key'), Type.Literal('certificate-chain')], {
      description: 'for strings: a PEM private key, a PEM public key, or a PEM certificate chain (leaf first), parsed before any connection',
    }),
  ),
  matchesKey: Type.Optional(Type.String({description: 'for a certificate chain or a public key: the variable holding its private key (a public key and its private key: both given or neither)'})),
  items: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {description: 'for lists: a JSON Schema every item must match'})),
  when: Type.Optional(When),
})

/**
 * A file or service only hosts of this init get: a namespace-only lab host has no init system,
 * so nothing there would load a host firewall or bring it back at boot.
 */
const InitOnly = Type.Literal('systemd', {description: 'only on hosts whose init is systemd (a host without it neither gets the file nor runs the service)'})

/** blueprints/NAME/blueprint.yaml: what a node of a role gets. */
export const Blueprint = Strict({
  name: Type.String({pattern: '^[a-z][a-z0-9-]*$'}),
  summary: Type.String(),
  roles: Type.Array(Type.Union([Type.Literal('core'), Type.Literal('edge')]), {minItems: 1}),
  when: Type.Optional(When),
  packages: Type.Array(Type.String(), {description: 'Debian packages the files and services need'}),
  variables: Type.Record(Type.String({pattern: '^[a-z][a-z0-9_]*$'}), Variable),
  files: Type.Array(
    Strict({
      path: Type.String({pattern: '^/[^\\0]*$'}),
      template: Type.String({description: 'file under templates/'}),
      templateFor: Type.Optional(
        // Unsafe only types it (TypeBox's Partial of a literal-keyed Record is typed {}): the schema is the Record's.
        Type.Unsafe<Partial<Record<Release, string>>>(
          Type.Partial(Type.Record(Type.Union(SUPPORTED_RELEASES.map((release) => Type.Literal(release))), Type.String()), {
            additionalProperties: false,
            description:
              "file under templates/ that replaces template on a release whose daemon reads another syntax (e.g. 'debian 13': dovecot-2.4.conf for Dovecot 2.4); the target path, mode, validator and services stay the same",
          }),
        ),
      ),
      mode: Type.String({pattern: '^0?[0-7]{3}$'}),
      owner: Type.Optional(Type.String()),
      group: Type.Optional(Type.String()),
      validate: Type.Optional(
        Type.String({
          description:
            'shell command that must succeed before the file goes live; it sees the staged file as $STAGED and, when it names $STAGED_DIR, a copy of the file\'s folder with every staged file of that folder in it; every file this run changes is staged next to its target as PATH.mailops-new while validators run',
        }),
      ),
      notify: Type.Optional(Type.Array(Type.String(), {description: 'services to reload when this file changes'})),
      init: Type.Optional(InitOnly),
      when: Type.Optional(When),
    }),
    {minItems: 1},
  ),
  encryptsStoreWith: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_]*$',
      description:
        "variable holding the public key mail is stored encrypted to (Dovecot mail_crypt): when it is set, deploy's probe counts the messages still in plain text and the apply encrypts them in place once the service runs with the key (docs/encryption-at-rest.md)",
    }),
  ),
  services: Type.Record(
    Type.String(),
    Strict({
      reload: Type.Union([Type.Literal('reload'), Type.Literal('restart')], {description: 'what a changed file triggers'}),
      init: Type.Optional(InitOnly),
      daemon: Type.Optional(
        Type.Boolean({description: "false: not a long-running process (a oneshot that runs and exits, a timer), so verify's host.services does not expect it running; deploy still starts it when its ready command fails (default true)"}),
      ),
      ready: Type.Optional(
        Type.String({description: "command that succeeds once the service answers (e.g. its port accepts): after a start or restart, deploy waits for it (bounded) before the next service, so Postfix never hands mail to a milter that is still loading"}),
      ),
    }),
  ),
})
export type Blueprint = Static<typeof Blueprint>
