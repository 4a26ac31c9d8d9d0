import {Type} from '@sinclair/typebox'

import {Strict} from './common.js'

/** `mailops matrix --json` */
export const MatrixReport = Strict({
  indicators: Type.Array(
    Strict({
      id: Type.String(),
      dimension: Type.String(),
      name: Type.String(),
      unit: Type.String(),
      direction: Type.Union([Type.Literal('benefit'), Type.Literal('cost')]),
      weight: Type.Number({minimum: 0, maximum: 1}),
      rationale: Type.String(),
    }),
    {minItems: 20, maxItems: 20},
  ),
})

/** `mailops exec --json` */
export const ExecReport = Strict({
  results: Type.Array(
    Strict({
      host: Type.String(),
      ok: Type.Boolean(),
      code: Type.Union([Type.Integer(), Type.Null()], {description: 'exit code; null when the host was not reached'}),
      stdout: Type.String(),
      stderr: Type.String(),
      ms: Type.Number({minimum: 0}),
      error: Type.Optional(Strict({code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String())})),
    }),
  ),
})

const LabHost = Strict({name: Type.String(), address: Type.String(), role: Type.String(), region: Type.String(), fqdn: Type.String()})

const LabRegionLink = Strict(
  {
    regions: Type.Array(Type.String(), {minItems: 2, maxItems: 2}),
    delayMs: Type.Number({minimum: 0, description: 'added to the round trips between any host of one region and any host of the other'}),
    lossPercent: Type.Number({minimum: 0, maximum: 100, description: 'share of those round trips lost'}),
    flowLossPercent: Type.Optional(Type.Number({minimum: 0, maximum: 100, description: 'share of the TCP connections between them lost whole (flows=P%), evenly spaced'})),
  },
  {description: 'lab up --link'},
)

const LabPeer = Strict(
  {
    name: Type.String(),
    domain: Type.String({description: 'the destination domain, outside the lab domain'}),
    mx: Type.String({description: "its MX host, served by the lab's DNS"}),
    address: Type.String(),
    region: Type.String(),
    netns: Type.String({description: 'where a test starts the server that answers for it (ip netns exec)'}),
  },
  {description: 'lab up --peers: a destination mail server, not in the inventory'},
)

/** `mailops lab up --json` */
const LabSystem = Type.Union([Type.Literal('debian13'), Type.Literal('debian12'), Type.Literal('controller')], {
  description: 'booted Debian 13 or 12 hosts, or light hosts sharing the controller\'s own system',
})

export const LabUpReport = Strict({
  name: Type.String(),
  os: LabSystem,
  inventory: Type.String(),
  knownHosts: Type.String(),
  key: Type.String(),
  hosts: Type.Array(LabHost),
  links: Type.Array(LabRegionLink),
  peers: Type.Array(LabPeer),
})

/** `mailops lab down --json` */
export const LabDownReport = Strict({
  name: Type.String(),
  killed: Type.Array(Type.Integer()),
  namespaces: Type.Array(Type.String()),
  links: Type.Array(Type.String()),
  cgroups: Type.Array(Type.String()),
})

/** `mailops lab status --json` */
export const LabStatusReport = Strict({
  name: Type.String(),
  os: Type.Union([LabSystem, Type.Null()]),
  inventory: Type.Union([Type.String(), Type.Null()]),
  hosts: Type.Array(
    Strict({
      name: Type.String(),
      address: Type.String(),
      role: Type.String(),
      region: Type.String(),
      pid: Type.Optional(Type.Integer()),
      running: Type.Boolean(),
      sshd: Type.Union([Type.String(), Type.Null()]),
      processes: Type.Integer({minimum: 0}),
      pidsLimit: Type.Integer(),
      memoryBytes: Type.Optional(Type.Integer({minimum: 0, description: "the host's cgroup: processes, page cache, tmpfs"})),
      link: Type.Optional(Strict({delayMs: Type.Number({minimum: 0}), lossPercent: Type.Number({minimum: 0, maximum: 100})}, {description: 'lab up --delay: added to all its round trips'})),
    }),
  ),
  links: Type.Array(LabRegionLink),
  peers: Type.Array(LabPeer),
})

/** `mailops assess --json` */
export const AssessReport = Strict({
  out: Type.String({description: 'the report folder'}),
  files: Type.Array(Type.String()),
  answers: Type.Record(Type.String(), Type.Unknown(), {description: 'every answer used (schema: answers)'}),
  recommended: Type.String({description: 'provider id ranked first'}),
  cheapestPerSeat: Type.String({description: 'provider id with the lowest cost per seat-year'}),
})

const HostError = Strict({code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String())})

/** `mailops deploy --json` */
export const DeployReport = Strict({
  runId: Type.String(),
  planHash: Type.String({description: 'sha256 of what the run planned (paths, actions, content hashes, handlers)'}),
  dryRun: Type.Boolean(),
  audit: Type.Union([Type.String(), Type.Null()], {description: 'local audit JSONL file; null on a dry run'}),
  hosts: Type.Array(
    Strict({
      host: Type.String(),
      status: Type.Union(['unchanged', 'changed', 'planned', 'failed', 'skipped'].map((s) => Type.Literal(s))),
      packages: Type.Array(Type.String(), {description: 'Debian packages the plan installs (installed when the host changed)'}),
      files: Type.Array(Strict({path: Type.String(), action: Type.String(), before: Type.Union([Type.String(), Type.Null()]), after: Type.String()})),
      restarted: Type.Array(Type.String()),
      encrypt: Type.Optional(
        Strict(
          {
            planned: Type.Integer({minimum: 1, description: 'stored messages in plain text that the plan encrypts'}),
            encrypted: Type.Optional(Type.Integer({minimum: 0, description: 'encrypted by this run'})),
            remaining: Type.Optional(Type.Integer({minimum: 0, description: 'still in plain text after this run (the next deploy goes on)'})),
          },
          {description: 'encryption at rest turned on over existing mail (docs/encryption-at-rest.md)'},
        ),
      ),
      ms: Type.Number({minimum: 0}),
      diff: Type.Optional(Type.String({description: 'unified diff, secrets hidden (dry run)'})),
      error: Type.Optional(HostError),
      hostAudit: Type.Optional(Strict({seq: Type.Integer({minimum: 1}), sha256: Type.String({pattern: '^[0-9a-f]{64}$'})}, {description: "the line this run appended to the host's audit log"})),
    }),
  ),
})

/** `mailops dns --json` */
export const DnsReport = Strict({
  domain: Type.String(),
  records: Type.Array(
    Strict({
      name: Type.String(),
      type: Type.Union(['A', 'AAAA', 'MX', 'TXT', 'TLSA', 'CAA', 'PTR'].map((s) => Type.Literal(s))),
      value: Type.String(),
      priority: Type.Optional(Type.Integer()),
      comment: Type.Optional(Type.String()),
    }),
  ),
  zone: Type.String(),
  mtaStsPolicy: Type.String(),
  published: Type.Optional(Strict({lab: Type.String(), serial: Type.Integer(), server: Type.String({description: "the lab's resolver that now answers with the records"})}, {description: 'dns --apply: where the records were published'})),
  pushed: Type.Optional(
    Strict(
      {
        server: Type.String({description: 'the primary, ADDRESS:PORT'}),
        zone: Type.String(),
        changed: Type.Integer({minimum: 0, description: 'record sets changed (with dryRun: that would be)'}),
        unchanged: Type.Integer({minimum: 0, description: 'record sets already as published'}),
        skipped: Type.Integer({minimum: 0, description: "PTR records, left to the owners of the addresses"}),
        dryRun: Type.Boolean(),
        script: Type.String({description: 'the update as nsupdate commands (empty when nothing changes; no secret: the key stays in its file)'}),
      },
      {description: 'dns --apply --server: the RFC 2136 update sent to the primary'},
    ),
  ),
})

const AuditProblem = Strict({
  line: Type.Integer({minimum: 0, description: '1-based line the problem is about; 0 for the file as a whole'}),
  kind: Type.Union(['unreadable', 'edited', 'removed', 'reordered', 'unsealed', 'bad-signature', 'other-key', 'missing-run', 'truncated'].map((s) => Type.Literal(s))),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {description: 'what the message of its kind names'}),
})

/** `mailops audit verify --json` */
export const AuditVerifyReport = Strict({
  key: Type.String({description: 'fingerprint (SHA256:base64) of the key the seals were checked with'}),
  runs: Type.Array(Strict({run: Type.String(), file: Type.String(), records: Type.Integer({minimum: 0}), sealed: Type.Boolean(), problems: Type.Array(AuditProblem)})),
  hosts: Type.Array(
    Strict({
      host: Type.String(),
      records: Type.Integer({minimum: 0}),
      signedUpTo: Type.Union([Type.Integer(), Type.Null()], {description: 'the last seq of the host log a signed run vouches for'}),
      unsigned: Type.Integer({minimum: 0, description: 'records after it'}),
      problems: Type.Array(AuditProblem),
      error: Type.Optional(HostError),
    }),
  ),
})

/** `mailops trace --json` */
export const TraceReport = Strict({
  messageId: Type.String(),
  events: Type.Array(
    Strict({
      host: Type.String(),
      at: Type.String({description: 'ISO 8601 UTC with milliseconds; digits beyond `precision` are zeros'}),
      precision: Type.Integer({minimum: 0, maximum: 6, description: 'digits after the second the log gave (Postfix: 0)'}),
      program: Type.String(),
      queueId: Type.Optional(Type.String()),
      kind: Type.Union(['received', 'queued', 'filtered', 'relayed', 'delivered', 'deferred', 'bounced', 'rejected', 'stored', 'removed', 'other'].map((s) => Type.Literal(s))),
      text: Type.String({description: 'the log line after its stamp and program'}),
      relay: Type.Optional(Type.String()),
      delaysMs: Type.Optional(Type.Array(Type.Number({minimum: 0}), {minItems: 4, maxItems: 4, description: "Postfix's delays=a/b/c/d in ms"})),
    }),
  ),
  outcome: Type.Union(['stored', 'relayed-out', 'rejected', 'bounced', 'in-transit', 'not-found'].map((s) => Type.Literal(s))),
  hosts: Type.Array(Strict({host: Type.String(), events: Type.Integer({minimum: 0}), error: Type.Optional(HostError)})),
})

/** `mailops blueprint list --json` */
export const BlueprintList = Strict({
  blueprints: Type.Array(Strict({name: Type.String(), roles: Type.Array(Type.String()), summary: Type.String()})),
})

const CheckStatus = Type.Union(['pass', 'warn', 'fail', 'skip', 'error'].map((s) => Type.Literal(s)))

const ControlResult = Strict({
  id: Type.String({description: "the control, as its regime numbers it (e.g. 'Art. 32(1)(a) in transit')"}),
  title: Type.String(),
  source: Type.String({description: 'the article or section it comes from'}),
  status: Type.Union(['met', 'partly', 'not-met', 'not-evidenced'].map((s) => Type.Literal(s))),
  checks: Type.Array(Type.Object({id: Type.String()}, {additionalProperties: Type.Integer({minimum: 0}), description: 'results per status of each check behind the control'})),
  gap: Type.Optional(Type.String({description: 'what mailops does not evidence for it'})),
})
const Profile = Strict({name: Type.Union(['gdpr', 'pipl', 'hipaa', 'ccpa'].map((s) => Type.Literal(s))), title: Type.String(), controls: Type.Array(ControlResult)})

/** `mailops verify --json` */
export const VerifyReport = Strict({
  strict: Type.Boolean({description: 'warnings counted as failures'}),
  summary: Strict({pass: Type.Integer({minimum: 0}), warn: Type.Integer({minimum: 0}), fail: Type.Integer({minimum: 0}), skip: Type.Integer({minimum: 0}), error: Type.Integer({minimum: 0})}),
  nodes: Type.Array(
    Strict({
      name: Type.String(),
      address: Type.String({description: "'-' for the domain's own row"}),
      role: Type.Union(['core', 'edge', 'domain'].map((s) => Type.Literal(s))),
      status: CheckStatus,
      ms: Type.Number({minimum: 0}),
      checks: Type.Array(
        Strict({
          id: Type.String({pattern: '^[a-z]+\\.[a-z0-9-]+$'}),
          group: Type.Union(['network', 'smtp', 'tls', 'auth', 'relay', 'delivery', 'dns', 'host'].map((s) => Type.Literal(s))),
          target: Type.Optional(Type.String({description: 'port or endpoint, for per-port checks'})),
          status: CheckStatus,
          message: Type.String(),
          evidence: Type.Optional(Type.String()),
          hint: Type.Optional(Type.String()),
          ms: Type.Number({minimum: 0}),
        }),
      ),
    }),
  ),
  profile: Type.Optional(Profile),
  evidence: Type.Optional(Strict({dir: Type.String(), files: Type.Array(Type.String())}, {description: 'where --evidence wrote the pack'})),
})

/** `mailops verify --profile P --evidence DIR`: DIR/evidence.json, the pack an auditor is handed */
export const EvidencePack = Strict({
  createdAt: Type.String({format: 'date-time'}),
  profile: Strict({name: Type.String(), title: Type.String(), source: Type.String(), controls: Type.Array(ControlResult)}),
  summary: Strict({pass: Type.Integer({minimum: 0}), warn: Type.Integer({minimum: 0}), fail: Type.Integer({minimum: 0}), skip: Type.Integer({minimum: 0}), error: Type.Integer({minimum: 0})}),
  audit: Strict({
    status: CheckStatus,
    dir: Type.String({description: "the folder of deploy's signed runs"}),
    key: Type.Optional(Type.String({description: 'fingerprint of the key the runs were checked with'})),
    runs: Type.Integer({minimum: 0}),
    problems: Type.Integer({minimum: 0, description: 'runs and hosts whose trail was found broken (mailops audit verify)'}),
    lastRun: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({description: 'why the trail could not be checked'})),
  }),
  configuration: Type.Array(
    Strict({
      host: Type.String(),
      role: Type.String(),
      files: Type.Array(Strict({path: Type.String(), sha256: Type.Union([Type.String({pattern: '^[0-9a-f]{64}$'}), Type.Null()]), mode: Type.Optional(Type.String()), owner: Type.Optional(Type.String()), group: Type.Optional(Type.String())})),
      error: Type.Optional(HostError),
    }),
  ),
  retention: Type.Record(Type.String(), Strict({days: Type.Integer({minimum: 1}), from: Type.Union([Type.Literal('inventory'), Type.Literal('blueprint default')])})),
  verify: Type.Literal('verify.json', {description: 'the full verify report, next to this file'}),
})

/** `mailops verify --list --json` */
export const VerifyChecks = Strict({
  checks: Type.Array(Strict({id: Type.String(), scope: Type.Union(['node', 'edge', 'core', 'domain'].map((s) => Type.Literal(s))), perTarget: Type.Optional(Type.Boolean()), proves: Type.String(), fix: Type.String()})),
})
