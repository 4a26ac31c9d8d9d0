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
export const LabUpReport = Strict({
  name: Type.String(),
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
