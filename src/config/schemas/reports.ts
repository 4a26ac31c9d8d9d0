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
      pid: Type.Optional(Type.Integer()),
      running: Type.Boolean(),
      sshd: Type.Union([Type.String(), Type.Null()]),
      processes: Type.Integer({minimum: 0}),
      pidsLimit: Type.Integer(),
      memoryBytes: Type.Optional(Type.Integer({minimum: 0, description: "the host's cgroup: processes, page cache, tmpfs"})),
      link: Type.Optional(Strict({delayMs: Type.Number({minimum: 0}), lossPercent: Type.Number({minimum: 0, maximum: 100})})),
    }),
  ),
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
      ms: Type.Number({minimum: 0}),
      diff: Type.Optional(Type.String({description: 'unified diff, secrets hidden (dry run)'})),
      error: Type.Optional(HostError),
    }),
  ),
})

/** `mailops dns --json` */
export const DnsReport = Strict({
  domain: Type.String(),
  records: Type.Array(
    Strict({
      name: Type.String(),
      type: Type.Union(['A', 'MX', 'TXT', 'PTR'].map((s) => Type.Literal(s))),
      value: Type.String(),
      priority: Type.Optional(Type.Integer()),
      comment: Type.Optional(Type.String()),
    }),
  ),
  zone: Type.String(),
  mtaStsPolicy: Type.String(),
  published: Type.Optional(Strict({lab: Type.String(), serial: Type.Integer(), server: Type.String({description: "the lab's resolver that now answers with the records"})}, {description: 'dns --apply: where the records were published'})),
})

/** `mailops blueprint list --json` */
export const BlueprintList = Strict({
  blueprints: Type.Array(Strict({name: Type.String(), roles: Type.Array(Type.String()), summary: Type.String()})),
})

const CheckStatus = Type.Union(['pass', 'warn', 'fail', 'skip', 'error'].map((s) => Type.Literal(s)))

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
          id: Type.String({pattern: '^[a-z]+\\.[a-z-]+$'}),
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
})

/** `mailops verify --list --json` */
export const VerifyChecks = Strict({
  checks: Type.Array(Strict({id: Type.String(), scope: Type.Union(['node', 'edge', 'core', 'domain'].map((s) => Type.Literal(s))), perTarget: Type.Optional(Type.Boolean()), proves: Type.String(), fix: Type.String()})),
})
