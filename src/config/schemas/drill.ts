import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'

const Ms = Type.Number({minimum: 0, description: 'milliseconds'})
const MsOrNull = (description: string) => Type.Union([Ms, Type.Null()], {description})
const Ids = (description: string) => Type.Array(Type.String(), {description})

const DrillFigures = Strict({
  smtpMs: MsOrNull('fault → the first canary sent after it delivered on the replica (its INTERNALDATE, whole seconds); null: never during the outage'),
  imapMs: MsOrNull('fault → an IMAP login on the replica that read a canary sent after the fault'),
  submitMs: MsOrNull('fault → a submission (587, AUTH) on the replica accepted'),
  rtoMs: MsOrNull('the largest of the three; null when one never recovered'),
  rpoMs: Type.Number({minimum: 0, description: 'fault → the oldest canary the replica lacked until the repair (0: none lacked); resolution: the canary interval'}),
  rpoAtLeast: Type.Boolean({description: 'the replica lacked even the first canary of the drill (or none was accepted before the fault): the loss may reach further back than rpoMs, and the rpo check fails'}),
  missingAtFault: Ids('canaries accepted before the fault that the replica lacked until the repair'),
  lag: Strict({
    samples: Type.Integer({minimum: 0}),
    p50Ms: MsOrNull('primary → replica, as seen over IMAP (resolution: the 500 ms poll)'),
    p95Ms: MsOrNull(''),
    p99Ms: MsOrNull(''),
    maxMs: MsOrNull(''),
  }),
  resyncMs: MsOrNull('repair → the failed core holding every canary the replica took during the outage'),
  lost: Ids('accepted canaries missing on a core at the end'),
  duplicates: Ids('canaries a core held more than once at the end'),
})

/** `mailops drill --json` */
export const DrillReport = Strict({
  run: Type.String({description: "the drill's id: in every canary's X-Mailops-Drill header and its audit file's name"}),
  failed: Type.String({description: 'the core whose failure was drilled'}),
  replica: Type.String({description: 'the core that took over'}),
  edges: Type.Array(Type.String(), {description: 'the edges canaries went in through'}),
  fault: Type.Literal('services', {description: "what was done to the failed core: its mail services (postfix, dovecot, mailops-replicate) stopped"}),
  startedAt: Type.String({format: 'date-time'}),
  faultAt: Type.String({format: 'date-time', description: 'when the failed core had stopped answering'}),
  repairAt: Type.String({format: 'date-time', description: 'when its services ran again'}),
  endedAt: Type.String({format: 'date-time'}),
  targets: Strict({rtoMs: Ms, rpoMs: Ms}),
  canaries: Strict({
    sent: Type.Integer({minimum: 0}),
    accepted: Type.Integer({minimum: 0}),
    refused: Type.Integer({minimum: 0, description: 'not accepted by the edge or core they were sent to'}),
    intervalMs: Ms,
    firstRefusal: Type.Union([Type.String(), Type.Null()]),
  }),
  figures: DrillFigures,
  replicationAtFault: Type.Union(
    [
      Strict({
        core: Type.String({description: 'the core whose sync loop reported it (the first of the pair syncs with the second)'}),
        peer: Type.String(),
        lastSyncAgeMs: Type.Union([Type.Number({minimum: 0}), Type.Null()], {description: 'how long before the fault the last complete sync began (everything stored before it was on both cores); null: none ever completed'}),
        error: Type.String({description: "the loop's last failed round ('' when the last round was complete)"}),
      }),
      Type.Null(),
    ],
    {description: "the pair's replication state just before the fault, as its sync loop wrote it (/var/lib/mailops/replication/PEER.json); null: neither core had one (replication not deployed)"},
  ),
  uidvalidity: Type.Array(Strict({core: Type.String(), mailbox: Type.String(), before: Type.Integer(), after: Type.Union([Type.Integer(), Type.Null()])})),
  checks: Type.Array(
    Strict({
      id: Type.Union((['rto', 'rpo', 'resync', 'lost', 'duplicates', 'uidvalidity'] as const).map((id) => Type.Literal(id))),
      status: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
      message: Type.String(),
    }),
  ),
  removed: Type.Integer({minimum: 0, description: 'canaries deleted from the mailboxes at the end'}),
  audit: Type.Union([Type.String(), Type.Null()], {description: "the drill's signed audit file"}),
})
export type DrillReport = Static<typeof DrillReport>
export type DrillFigures = Static<typeof DrillFigures>
