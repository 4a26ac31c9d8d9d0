import {createHash} from 'node:crypto'
import {accessSync, closeSync, constants, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync} from 'node:fs'
import {hostname, userInfo} from 'node:os'
import {join, resolve} from 'node:path'

import {signingKey} from '../audit/key.js'
import {defaultAuditDir, newRunId, RunAuditLog} from '../audit/run-log.js'
import type {BackupManifest, BackupReport} from '../config/schemas/backup.js'
import {InputError} from '../errors.js'
import {domainOf, hostsOfRole, type InventoryHost, type LoadedInventory, loadInventory} from '../fleet/inventory.js'
import {failureOf, FleetSession} from '../fleet/session.js'
import {t} from '../i18n/index.js'
import {HostError} from '../ssh/errors.js'
import {mailboxEntries, parseHashListing} from './manifest.js'
import {cleanupScript, exportScript, isRecipient, packScript, parseExport} from './scripts.js'

export type {BackupReport}

export interface BackupRequest {
  inventory: string
  host: string
  /** the folder on the controller the archive goes into */
  to: string
  timeoutMs: number
  acceptNew?: boolean
  auditDir?: string
  progress: (message: string) => void
}

/** A core of the inventory by name; anything else is bad input naming the cores there are. */
export function coreNamed(inventory: LoadedInventory, name: string, flag: string): InventoryHost {
  const cores = hostsOfRole(inventory.hosts, 'core')
  const core = cores.find((h) => h.name === name)
  if (!core) throw InputError.at(undefined, inventory.hosts.some((h) => h.name === name) ? 'backup.notACore' : 'inventory.unknownHost', {flag, name, valid: cores.map((c) => c.name).join(', ') || '-', file: inventory.file})
  return core
}

/** The accounts mailops deployed on a core (vars.mail_users, the host's own over the inventory's), as user@domain. */
export function accountsOf(inventory: LoadedInventory, host: InventoryHost): string[] {
  const vars = {...inventory.vars, ...host.vars}
  const users = Array.isArray(vars.mail_users) ? vars.mail_users.map((u) => String((u as {name?: unknown}).name ?? '')).filter(Boolean) : []
  const domain = (typeof vars.domain === 'string' ? vars.domain : undefined) ?? domainOf(inventory)
  if (users.length === 0 || !domain) throw InputError.at(undefined, 'backup.noAccounts', {host: host.name, file: inventory.file})
  return users.map((u) => `${u}@${domain}`)
}

export const operator = (): string => `${userInfo().username}@${process.env.HOSTNAME ?? hostname()}`

/**
 * `mailops backup`: the core's mailboxes exported plain (doveadm backup), hashed into a manifest,
 * packed with the deployed configuration and encrypted with age on the core to
 * vars.backup_recipient; the ciphertext streamed over SSH into --to, written atomically, mode
 * 0600. Any failure on the way (an account that will not export, tar, age, the connection) leaves
 * no archive and is an error: a backup that did not complete never looks like one.
 */
export async function runBackup(request: BackupRequest): Promise<BackupReport> {
  const started = performance.now()
  const inventory = loadInventory(request.inventory)
  const core = coreNamed(inventory, request.host, '--host')
  const recipient = inventory.vars.backup_recipient
  if (typeof recipient !== 'string' || !isRecipient(recipient)) throw InputError.at(undefined, 'backup.noRecipient', {file: inventory.file})
  const folder = resolve(request.to)
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw InputError.at(undefined, 'output.noFolder', {flag: '--to', path: request.to, folder})
  try {
    accessSync(folder, constants.W_OK)
  } catch {
    throw InputError.at(undefined, 'backup.folderNotWritable', {path: request.to})
  }
  const users = accountsOf(inventory, core)
  const run = newRunId()
  const archive = join(folder, `${core.name}-${run}.tar.age`)
  const partial = join(folder, `.${core.name}-${run}.tar.age.partial`)
  const audit = RunAuditLog.open(request.auditDir ?? defaultAuditDir(), `${run}-backup`, signingKey())

  const manifest = await FleetSession.with(inventory, {acceptNew: request.acceptNew}, async (session) => {
    const connection = await session.connection(core)
    request.progress(t('backup.exporting', {host: core.name, users: users.length}))
    // The backup's point in time is when the export began: mail that arrived during it may be in it or not.
    const createdAt = new Date().toISOString()
    const exported = await connection.exec(exportScript(users, true, keepSeconds(request.timeoutMs)), {timeoutMs: request.timeoutMs})
    if (exported.code !== 0) throw new HostError(core.name, 'BACKUP_EXPORT', t('backup.exportFailed', {reason: exported.stderr.trim() || `exit ${exported.code}`}))
    const {dir, dovecot, config, listing} = onHost(core.name, () => parseExport(exported.stdout))
    let packed = false
    try {
      const mailboxes = mailboxEntries(onHost(core.name, () => parseHashListing(listing)))
      const manifest: BackupManifest = {format: 'mailops-backup/1', run, host: core.name, createdAt, dovecot, users, mailboxes, messages: mailboxes.reduce((n, b) => n + b.messages, 0), config}
      request.progress(t('backup.packing', {messages: manifest.messages, archive}))
      const fd = openSync(partial, 'wx', 0o600)
      try {
        const out = createWriteStream('', {fd, autoClose: false})
        const result = await connection.exec(packScript(dir, recipient), {stdin: JSON.stringify(manifest), stdout: out, timeoutMs: request.timeoutMs})
        packed = true
        await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())))
        if (result.code !== 0) throw new HostError(core.name, 'BACKUP_PACK', t('backup.packFailed', {reason: result.stderr.trim() || `exit ${result.code}`}))
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(partial, archive)
      return manifest
    } catch (error) {
      rmSync(partial, {force: true})
      throw error
    } finally {
      // The plain export must not outlive the run on the core, whatever failed.
      if (!packed) await connection.exec(cleanupScript(dir), {timeoutMs: 60_000}).catch(() => undefined)
    }
  }).catch((error: unknown) => {
    // A failed backup is on the record too: the trail shows the nights without one.
    audit.append({run, operator: operator(), backup: {host: core.name, failed: failureOf(error)}})
    audit.seal()
    throw error
  })

  const {sha256, bytes} = await fileDigest(archive)
  audit.append({run, operator: operator(), backup: {host: core.name, archive, sha256, bytes, createdAt: manifest.createdAt, users: users.length, messages: manifest.messages, mailboxes: manifest.mailboxes.length}})
  audit.seal()
  return {
    run,
    host: core.name,
    archive,
    bytes,
    sha256,
    createdAt: manifest.createdAt,
    users: users.length,
    messages: manifest.messages,
    mailboxes: manifest.mailboxes.map((b) => ({user: b.user, mailbox: b.mailbox, messages: b.messages})),
    config: manifest.config.length,
    ms: performance.now() - started,
    audit: audit.file,
  }
}

/** How long an export's plain copy may stay on the core: the export's and the pack's time bounds, and a minute. */
export const keepSeconds = (timeoutMs: number): number => Math.ceil((2 * timeoutMs) / 1000) + 60

/** What a host printed, read; output that is not what the script prints is the host's failure (exit 1), not a bug of ours. */
export function onHost<T>(host: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new HostError(host, 'BACKUP_EXPORT', t('backup.exportFailed', {reason: (error as Error).message}))
  }
}

export async function fileDigest(file: string): Promise<{sha256: string; bytes: number}> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  return {sha256: hash.digest('hex'), bytes}
}
