import {type Static, Type} from '@sinclair/typebox'

import {Strict} from './common.js'

const Sha256 = Type.String({pattern: '^[0-9a-f]{64}$'})
const Count = Type.Integer({minimum: 0})

const MailboxEntry = Strict({
  user: Type.String({minLength: 1, description: 'the mailbox owner, user@domain'}),
  mailbox: Type.String({minLength: 1, description: 'the folder: INBOX, or its maildir name (Junk, Work)'}),
  messages: Count,
  sha256: Type.String({pattern: '^[0-9a-f]{64}$', description: "SHA-256 of the mailbox's sorted per-message hashes, one a line"}),
  hashes: Type.Array(Sha256, {description: 'SHA-256 of each message as stored (headers and body, decrypted), sorted'}),
})

/** An account as backup and restore take it (the only values their scripts on a core interpolate). */
export const ACCOUNT_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}@[a-z0-9.-]+$'

/** manifest.json inside a backup archive: what restore --verify compares a restored host with. */
export const BackupManifest = Strict({
  format: Type.Literal('mailops-backup/1'),
  run: Type.String({description: "the backup's run id (its audit file's name)"}),
  host: Type.String({description: 'the core the mail came from'}),
  createdAt: Type.String({format: 'date-time', description: 'when the mailboxes were exported; restore --max-age is counted from here'}),
  dovecot: Type.String({description: "the source's Dovecot version"}),
  users: Type.Array(Type.String({pattern: ACCOUNT_PATTERN}), {description: 'every account exported, with or without mail'}),
  mailboxes: Type.Array(MailboxEntry, {description: 'every folder that holds mail'}),
  messages: Count,
  config: Type.Array(Type.String(), {description: 'the configuration and key paths copied from the core (under config/ in the archive)'}),
})
export type BackupManifest = Static<typeof BackupManifest>

const Summary = Strict({user: Type.String(), mailbox: Type.String(), messages: Count})

/** `mailops backup --json` */
export const BackupReport = Strict({
  run: Type.String(),
  host: Type.String(),
  archive: Type.String({description: 'the encrypted archive written (mode 0600)'}),
  bytes: Count,
  sha256: Type.String({pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the archive file as written'}),
  createdAt: Type.String({format: 'date-time'}),
  users: Count,
  messages: Count,
  mailboxes: Type.Array(Summary),
  config: Count,
  ms: Type.Number({minimum: 0, description: 'the whole backup, connection included'}),
  audit: Type.String({description: "the backup's signed audit file"}),
})
export type BackupReport = Static<typeof BackupReport>

/** `mailops restore --json` */
export const RestoreReport = Strict({
  run: Type.String(),
  archive: Type.String(),
  mode: Type.Union([Type.Literal('verify-only'), Type.Literal('dry-run'), Type.Literal('restore'), Type.Literal('verify')], {
    description: 'verify-only: the archive checked on the controller; dry-run: also the scratch host checked, nothing written; restore: restored; verify: restored, then read back and compared',
  }),
  host: Type.Union([Type.String(), Type.Null()], {description: 'the scratch host restored into (null: verify-only)'}),
  source: Type.Union([Type.String(), Type.Null()], {description: "the archive's source host (null: its manifest could not be read)"}),
  createdAt: Type.Union([Type.String({format: 'date-time'}), Type.Null()]),
  ageMs: Type.Union([Type.Number(), Type.Null()], {description: 'age of the backup when restore started'}),
  messages: Count,
  checks: Type.Array(
    Strict({
      id: Type.Union((['decrypt', 'manifest', 'fresh', 'target', 'restore', 'verify'] as const).map((id) => Type.Literal(id))),
      status: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
      message: Type.String(),
    }),
    {description: 'in order; the run stops at the first that fails'},
  ),
  differences: Type.Array(
    Strict({user: Type.String(), mailbox: Type.String(), expected: Count, found: Count, missing: Count, extra: Count}),
    {description: 'mailboxes whose messages differ from the manifest: in the archive (decrypt) or on the restored host (verify)'},
  ),
  ms: Type.Number({minimum: 0}),
  audit: Type.Union([Type.String(), Type.Null()], {description: "the restore's signed audit file"}),
})
export type RestoreReport = Static<typeof RestoreReport>
