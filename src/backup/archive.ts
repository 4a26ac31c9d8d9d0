import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, statfsSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

import type {BackupManifest} from '../config/schemas/backup.js'
import {schemaOf} from '../config/registry.js'
import {schemaErrors} from '../config/validate.js'
import {type MessageHash, messageAt} from './manifest.js'

/** Why an archive cannot be used, in the words of the tool that found it. */
export class ArchiveError extends Error {}

/** An archive that would unpack to more than `dir` has free (the headroom kept): nothing was unpacked. */
export class ArchiveSpaceError extends Error {
  constructor(
    readonly bytes: number,
    readonly free: number,
    readonly dir: string,
  ) {
    super(`the archive unpacks to ${mebibytes(bytes)}, and ${dir} has ${mebibytes(free)} free`)
  }
}

/**
 * Decrypts an archive on the controller into `plainTar` (age authenticates every 64 KiB chunk and
 * the end: one flipped or missing byte fails here, before any host is touched).
 */
export function decryptArchive(archive: string, identity: string, plainTar: string): void {
  const run = spawnSync('age', ['-d', '-i', identity, '-o', plainTar, archive], {encoding: 'utf8'})
  if (run.error) throw new ArchiveError(`age: ${run.error.message}`)
  if (run.status !== 0) throw new ArchiveError(run.stderr.trim().split('\n').filter(Boolean).join('; ') || `age exited with ${run.status}`)
}

/**
 * Members of a tar listing (`tar -tv`) that an archive of ours never has: a name outside
 * manifest.json, mail/ and config/, an absolute name or `..`, and in manifest.json and mail/
 * anything but plain files and folders (a link could point an extraction out of its folder).
 * config/ keeps the core's own links (Postfix's makedefs.out); it is never unpacked.
 */
export function unsafeMembers(listing: string): string[] {
  const bad: string[] = []
  for (const line of listing.split('\n')) {
    if (line === '') continue
    const type = line[0]
    // GNU tar -tv: "drwx------ 0/0 0 2026-12-02 16:41 mail/" - the name is the sixth field on (a link's "-> target" after it).
    const shown = line.split(/\s+/).slice(5).join(' ')
    const name = type === 'l' ? shown.split(' -> ')[0] : type === 'h' ? shown.split(' link to ')[0] : shown
    const top = name.split('/')[0]
    const plain = type === '-' || type === 'd'
    const where = top === 'manifest.json' ? type === '-' && name === top : top === 'mail' ? plain : top === 'config'
    if (!where || name.startsWith('/') || name.split('/').includes('..')) bad.push(line.slice(0, 200))
  }
  return bad
}

/** The largest message a core takes (the blueprints' bound on message_size_limit): no file of an archive's mail/ is larger. */
export const LARGEST_MESSAGE_BYTES = 1024 ** 3
/** Space left free on a filesystem an archive unpacks into, for everything else the machine writes meanwhile. */
export const UNPACK_HEADROOM_BYTES = 256 * 1024 ** 2
/** A size as restore's messages give it. */
export const mebibytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`

/**
 * What the manifest and mail/ of a listing (`tar -tv`) unpack to: the sum of their files' sizes
 * (the third field), and the files of mail/ larger than any message. A small gzip can hold a huge
 * tar (zeros shrink a thousandfold): counted from the listing, before anything is unpacked.
 */
export function unpackSize(listing: string): {bytes: number; oversized: string[]} {
  let bytes = 0
  const oversized: string[] = []
  for (const line of listing.split('\n')) {
    if (line[0] !== '-') continue
    const fields = line.split(/\s+/)
    const top = fields.slice(5).join(' ').split('/')[0]
    if (top !== 'manifest.json' && top !== 'mail') continue
    const size = Number(fields[2])
    bytes += size
    if (size > LARGEST_MESSAGE_BYTES) oversized.push(line.slice(0, 200))
  }
  return {bytes, oversized}
}

/**
 * Unpacks a decrypted archive's manifest and mail into `dir` after checking its members and that
 * they fit (refused with what they need and what is free, never by filling the disk); the manifest
 * read and checked against its schema, and the bytes unpacked.
 */
export function unpackArchive(plainTar: string, dir: string): {manifest: BackupManifest; bytes: number} {
  const listed = spawnSync('tar', ['-tvz', '--numeric-owner', '-f', plainTar], {encoding: 'utf8', maxBuffer: 512 * 1024 * 1024})
  if (listed.status !== 0) throw new ArchiveError(`tar: ${listed.stderr.trim() || `exited with ${listed.status}`}`)
  const bad = unsafeMembers(listed.stdout)
  if (bad.length > 0) throw new ArchiveError(`the archive holds what a mailops backup never does: ${bad.slice(0, 3).join('; ')}`)
  const {bytes, oversized} = unpackSize(listed.stdout)
  if (oversized.length > 0) throw new ArchiveError(`the archive holds files larger than any message a core takes (${mebibytes(LARGEST_MESSAGE_BYTES)}): ${oversized.slice(0, 3).join('; ')}`)
  const stats = statfsSync(dir)
  const free = stats.bavail * stats.bsize
  if (bytes + UNPACK_HEADROOM_BYTES > free) {
    throw new ArchiveSpaceError(bytes, free, dir)
  }
  const unpacked = spawnSync('tar', ['-xz', '--no-same-owner', '--no-same-permissions', '-f', plainTar, '-C', dir, 'manifest.json', 'mail'], {encoding: 'utf8'})
  if (unpacked.status !== 0) throw new ArchiveError(`tar: ${unpacked.stderr.trim() || `exited with ${unpacked.status}`}`)
  let manifest: unknown
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  } catch (error) {
    throw new ArchiveError(`manifest.json: ${(error as Error).message}`)
  }
  const errors = schemaErrors(schemaOf('backup-manifest'), manifest)
  if (errors.length > 0) throw new ArchiveError(`manifest.json: ${errors.slice(0, 3).join('; ')}`)
  return {manifest: manifest as BackupManifest, bytes}
}

/** SHA-256 of every message file under an unpacked archive's mail/ (as exportScript hashes them on a host). */
export function hashUnpacked(mailDir: string): MessageHash[] {
  const found: MessageHash[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) {
        const at = messageAt(relative(mailDir, path))
        if (at) found.push({...at, sha256: createHash('sha256').update(readFileSync(path)).digest('hex')})
      }
    }
  }
  if (statSync(mailDir, {throwIfNoEntry: false})?.isDirectory()) walk(mailDir)
  return found
}
