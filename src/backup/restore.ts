import {createReadStream, mkdirSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {signingKey} from '../audit/key.js'
import {defaultAuditDir, newRunId, RunAuditLog} from '../audit/run-log.js'
import type {BackupManifest, RestoreReport} from '../config/schemas/backup.js'
import {durationMs} from '../config/values.js'
import {ExitCode, type ExitCodeValue, InputError} from '../errors.js'
import {loadInventory} from '../fleet/inventory.js'
import {failureOf, FleetSession, type HostFailure} from '../fleet/session.js'
import {t} from '../i18n/index.js'
import {HostError} from '../ssh/errors.js'
import {ArchiveError, ArchiveSpaceError, decryptArchive, hashUnpacked, mebibytes, UNPACK_HEADROOM_BYTES, unpackArchive} from './archive.js'
import {coreNamed, keepSeconds, onHost, operator} from './backup.js'
import {compareMailboxes, mailboxEntries, manifestProblems, parseHashListing} from './manifest.js'
import {cleanupScript, exportScript, parseExport, parseTarget, parseTargetSpace, restoreScript, targetScript} from './scripts.js'

export type {RestoreReport}

export interface RestoreRequest {
  inventory?: string
  from: string
  /** the age identity file (mode 0600) */
  identity: string
  /** the scratch core; none with verifyOnly */
  host?: string
  verify: boolean
  verifyOnly: boolean
  dryRun: boolean
  force: boolean
  /** --max-age as given (26h, 7d; bare numbers are seconds) */
  maxAge: string
  timeoutMs: number
  acceptNew?: boolean
  auditDir?: string
  now?: () => number
  progress: (message: string) => void
}

type Check = RestoreReport['checks'][number]

/** How far ahead of this machine's clock a backup may say it was made (another controller's clock, a little off). */
const FUTURE_SLACK_MS = 5 * 60_000

/** An identity file others could read is refused: it opens every backup. */
export function checkIdentity(path: string): void {
  const stat = statSync(path, {throwIfNoEntry: false})
  if (!stat?.isFile()) throw InputError.at(undefined, 'restore.noIdentity', {path})
  if ((stat.mode & 0o077) !== 0) throw InputError.at(undefined, 'restore.identityMode', {path, mode: (stat.mode & 0o777).toString(8).padStart(4, '0')})
}

/**
 * `mailops restore`: the archive decrypted and checked on the controller (age's authentication,
 * tar, the manifest against the messages in it, its age against --max-age), then, unless
 * --verify-only, restored into an empty scratch core and, with --verify, read back there and
 * compared with the manifest message by message. Each check passes or fails in the report; the
 * first failure stops the run, and any failure is exit 1.
 */
export async function runRestore(request: RestoreRequest): Promise<{report: RestoreReport; exit: ExitCodeValue}> {
  const started = performance.now()
  const now = request.now ?? Date.now
  const maxAgeMs = durationMs('--max-age', request.maxAge, 3650 * 24 * 3600)
  if (!request.verifyOnly && request.host === undefined) throw InputError.at(undefined, 'restore.needsHost')
  if (!request.verifyOnly && request.inventory === undefined) throw InputError.at(undefined, 'restore.needsInventory')
  const archive = resolve(request.from)
  if (!statSync(archive, {throwIfNoEntry: false})?.isFile()) throw InputError.at(undefined, 'restore.noArchive', {path: request.from})
  checkIdentity(request.identity)
  const inventory = request.inventory === undefined ? undefined : loadInventory(request.inventory)
  const target = inventory && request.host !== undefined ? coreNamed(inventory, request.host, '--host') : undefined

  const mode: RestoreReport['mode'] = request.verifyOnly ? 'verify-only' : request.dryRun ? 'dry-run' : request.verify ? 'verify' : 'restore'
  const run = newRunId()
  const checks: Check[] = []
  const report: RestoreReport = {run, archive, mode, host: target?.name ?? null, source: null, createdAt: null, ageMs: null, messages: 0, checks, differences: [], ms: 0, audit: null}
  const pass = (id: Check['id'], message: string) => checks.push({id, status: 'pass', message})
  const fail = (id: Check['id'], message: string) => checks.push({id, status: 'fail', message})

  const work = mkdtempSync(join(tmpdir(), 'mailops-restore-'))
  try {
    // 1. decrypt and unpack: age's authentication and tar's, on the controller.
    const plainTar = join(work, 'archive.tar')
    mkdirSync(join(work, 'x'))
    let manifest: BackupManifest
    let bytes: number
    try {
      request.progress(t('restore.decrypting', {archive}))
      decryptArchive(archive, request.identity, plainTar)
      ;({manifest, bytes} = await unpackArchive(plainTar, join(work, 'x')))
      pass('decrypt', t('restore.check.decrypt'))
    } catch (error) {
      if (error instanceof ArchiveSpaceError) fail('decrypt', t('restore.check.unpackSpace', {need: mebibytes(error.bytes), dir: error.dir, free: mebibytes(error.free), kept: mebibytes(UNPACK_HEADROOM_BYTES)}))
      else if (error instanceof ArchiveError) fail('decrypt', t('restore.check.decryptFailed', {reason: error.message}))
      else throw error
      return finish()
    }
    report.source = manifest.host
    report.createdAt = manifest.createdAt
    report.messages = manifest.messages

    // 2. the manifest, consistent in itself and with every message in the archive.
    const problems = manifestProblems(manifest)
    const inArchive = compareMailboxes(manifest.mailboxes, mailboxEntries(hashUnpacked(join(work, 'x', 'mail'))))
    if (problems.length > 0 || inArchive.length > 0) {
      report.differences = inArchive
      fail('manifest', t('restore.check.manifestFailed', {problems: [...problems, ...inArchive.map(describe)].slice(0, 10).join('; ')}))
      return finish()
    }
    pass('manifest', t('restore.check.manifest', {messages: manifest.messages, mailboxes: manifest.mailboxes.length, users: manifest.users.length}))

    // 3. fresh enough: a backup that stopped being made is a failure, not an old success.
    report.ageMs = now() - Date.parse(manifest.createdAt)
    if (report.ageMs < -FUTURE_SLACK_MS) {
      fail('fresh', t('restore.check.future', {created: manifest.createdAt}))
      return finish()
    }
    if (!(report.ageMs <= maxAgeMs)) {
      fail('fresh', t('restore.check.stale', {created: manifest.createdAt, age: span(report.ageMs), max: span(maxAgeMs)}))
      return finish()
    }
    pass('fresh', t('restore.check.fresh', {created: manifest.createdAt, age: span(report.ageMs), max: span(maxAgeMs)}))
    if (!target || !inventory) return finish()

    await FleetSession.with(inventory, {acceptNew: request.acceptNew}, async (session) => {
      const connection = await session.connection(target)
      // 4. the scratch core: every account there, no mail in it (a restore replaces what a mailbox holds).
      const probed = await connection.exec(targetScript(manifest.users), {timeoutMs: request.timeoutMs})
      const accounts = parseTarget(probed.stdout)
      const unknown = manifest.users.filter((u) => !accounts.some((a) => a.user === u && a.known))
      const holding = accounts.reduce((n, a) => n + a.messages, 0)
      if (probed.code !== 0 || unknown.length > 0) return void fail('target', t('restore.check.targetAccounts', {host: target.name, users: unknown.join(', ') || probed.stderr.trim()}))
      if (!request.force && (holding > 0 || target.name === manifest.host)) return void fail('target', t('restore.check.targetBusy', {host: target.name, messages: holding, source: manifest.host}))
      // The mail is unpacked in /var/tmp, then copied into the accounts: twice its size when both are one filesystem.
      const space = parseTargetSpace(probed.stdout)
      if (!space) return void fail('target', t('restore.check.targetAccounts', {host: target.name, users: probed.stderr.trim() || 'no free space reported'}))
      const needs = space.sameFilesystem
        ? [{where: '/var/tmp', need: 2 * bytes, free: space.tmpFree}]
        : [{where: '/var/tmp', need: bytes, free: space.tmpFree}, {where: space.home, need: bytes, free: space.homeFree}]
      const lacking = needs.find((n) => n.need + UNPACK_HEADROOM_BYTES > n.free)
      if (lacking) return void fail('target', t('restore.check.targetSpace', {host: target.name, where: lacking.where, need: mebibytes(lacking.need), free: mebibytes(lacking.free), kept: mebibytes(UNPACK_HEADROOM_BYTES)}))
      pass('target', t('restore.check.target', {host: target.name, users: manifest.users.length, messages: holding}))
      if (request.dryRun) return

      // 5. restore: the decrypted archive streamed to the core, which takes its mail/ only.
      request.progress(t('restore.restoring', {host: target.name, messages: manifest.messages}))
      const restored = await connection.exec(restoreScript(manifest.users), {stdin: createReadStream(plainTar), timeoutMs: request.timeoutMs})
      if (restored.code !== 0) return void fail('restore', t('restore.check.restoreFailed', {host: target.name, reason: restored.stderr.trim() || `exit ${restored.code}`}))
      pass('restore', t('restore.check.restore', {host: target.name, messages: manifest.messages}))
      if (!request.verify) return

      // 6. verify: what the core now serves, exported and hashed as the backup was, against the manifest.
      request.progress(t('restore.verifying', {host: target.name}))
      const exported = await connection.exec(exportScript(manifest.users, false, keepSeconds(request.timeoutMs)), {timeoutMs: request.timeoutMs})
      if (exported.code !== 0) throw new HostError(target.name, 'RESTORE_VERIFY', t('backup.exportFailed', {reason: exported.stderr.trim() || `exit ${exported.code}`}))
      const {dir, listing} = onHost(target.name, () => parseExport(exported.stdout))
      await connection.exec(cleanupScript(dir), {timeoutMs: 60_000})
      const differences = compareMailboxes(manifest.mailboxes, mailboxEntries(onHost(target.name, () => parseHashListing(listing))))
      report.differences = differences
      if (differences.length > 0) fail('verify', t('restore.check.verifyFailed', {host: target.name, count: differences.length, which: differences.slice(0, 10).map(describe).join('; ')}))
      else pass('verify', t('restore.check.verify', {host: target.name, messages: manifest.messages, mailboxes: manifest.mailboxes.length}))
    }).catch((error: unknown) => {
      // The scratch core unreachable or failing mid-way: on the record, then the error's own exit code.
      finish(failureOf(error))
      throw error
    })
    return finish()
  } finally {
    rmSync(work, {recursive: true, force: true})
  }

  function finish(failed?: HostFailure): {report: RestoreReport; exit: ExitCodeValue} {
    report.ms = performance.now() - started
    const audit = RunAuditLog.open(request.auditDir ?? defaultAuditDir(), `${run}-restore`, signingKey())
    audit.append({run, operator: operator(), restore: {archive, mode, host: report.host, source: report.source, createdAt: report.createdAt, messages: report.messages, checks: checks.map((c) => `${c.id}:${c.status}`), differences: report.differences.length, ...(failed ? {failed} : {})}})
    audit.seal()
    report.audit = audit.file
    return {report, exit: checks.every((c) => c.status === 'pass') ? ExitCode.ok : ExitCode.checksFailed}
  }
}

/** An age or a bound in the unit that reads best: 40 s, 25 min, 26.0 h, 7.0 d. */
export function span(ms: number): string {
  const s = ms / 1000
  if (s < 120) return `${Math.round(s)} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`
  return `${(s / 86_400).toFixed(1)} d`
}

const describe = (d: RestoreReport['differences'][number]) => t('restore.difference', {user: d.user, mailbox: d.mailbox, expected: d.expected, found: d.found, missing: d.missing, extra: d.extra})
