import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {lstatSync, readdirSync, readFileSync, statfsSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

import type {BackupManifest} from '../config/schemas/backup.js'
import {schemaOf} from '../config/registry.js'
import {schemaErrors} from '../config/validate.js'
import {type MessageHash, messageAt} from './manifest.js'

/** Why an archive cannot be used, in the words of the tool that found it. */
export class ArchiveError extends Error {}

/** An archive that would unpack to more than `dir` has free (the headroom kept): nothing was unpacked; `bytes` counted until that was clear. */
export class ArchiveSpaceError extends Error {
  constructor(
    readonly bytes: number,
    readonly free: number,
    readonly dir: string,
  ) {
    super(`the archive unpacks to at least ${mebibytes(bytes)}, and ${dir} has ${mebibytes(free)} free`)
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
 * Bytes the gzipped tar inflates to, counted from gzip's own output (the tool tar runs) without
 * writing it; counting stops past `limit`. A small gzip can hold a huge tar (zeros shrink a
 * thousandfold), and tar's listing cannot be trusted for sizes: its text shifts with the member's
 * mtime, and a hostile name can pose as another field. Holes of sparse members are not written, so
 * extraction writes at most this much.
 */
async function inflatedBytes(plainTar: string, limit: number): Promise<number> {
  const child = spawn('gzip', ['-dc', '--', plainTar], {stdio: ['ignore', 'pipe', 'pipe']})
  let bytes = 0
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  for await (const chunk of child.stdout) {
    bytes += (chunk as Buffer).length
    if (bytes > limit) {
      // Unread output would keep the pipe open: dropped first, then gzip ended.
      child.stdout.destroy()
      child.kill('SIGKILL')
      await exited
      return bytes
    }
  }
  const code = await exited
  if (code !== 0) throw new ArchiveError(`gzip: ${stderr.trim() || `exited with ${code}`}`)
  return bytes
}

/**
 * What tar made of mail/ and manifest.json, from the files themselves (lstat): what is anything but
 * a folder or a plain file with one link (a link, device, pipe or hard link could make a core read
 * or block on what is not a message), the files larger than any message, and the bytes of the files.
 */
export function unpackedTree(dir: string): {bytes: number; strange: string[]; oversized: string[]} {
  const found = {bytes: 0, strange: [] as string[], oversized: [] as string[]}
  const walk = (path: string) => {
    const stats = lstatSync(path)
    const name = relative(dir, path)
    if (stats.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
    else if (!stats.isFile() || stats.nlink > 1) found.strange.push(name)
    else {
      found.bytes += stats.size
      if (stats.size > LARGEST_MESSAGE_BYTES) found.oversized.push(name)
    }
  }
  for (const top of readdirSync(dir)) walk(join(dir, top))
  return found
}

/**
 * Unpacks a decrypted archive's manifest and mail into `dir` after checking its member names and
 * that it fits (refused with what it needs and what is free, never by filling the disk), then checks
 * what was unpacked; the manifest read and checked against its schema, and the bytes of mail the
 * core will hold.
 */
export async function unpackArchive(plainTar: string, dir: string): Promise<{manifest: BackupManifest; bytes: number}> {
  const listed = spawnSync('tar', ['-tvz', '--numeric-owner', '-f', plainTar], {encoding: 'utf8', maxBuffer: 512 * 1024 * 1024})
  if (listed.error) throw new ArchiveError(`tar: ${listed.error.message}`)
  if (listed.status !== 0) throw new ArchiveError(`tar: ${listed.stderr.trim() || `exited with ${listed.status}`}`)
  const bad = unsafeMembers(listed.stdout)
  if (bad.length > 0) throw new ArchiveError(`the archive holds what a mailops backup never does: ${bad.slice(0, 3).join('; ')}`)
  const stats = statfsSync(dir)
  const free = stats.bavail * stats.bsize
  const inflated = await inflatedBytes(plainTar, Math.max(0, free - UNPACK_HEADROOM_BYTES))
  if (inflated + UNPACK_HEADROOM_BYTES > free) throw new ArchiveSpaceError(inflated, free, dir)
  const unpacked = spawnSync('tar', ['-xz', '--no-same-owner', '--no-same-permissions', '-f', plainTar, '-C', dir, 'manifest.json', 'mail'], {encoding: 'utf8'})
  if (unpacked.status !== 0) throw new ArchiveError(`tar: ${unpacked.stderr.trim() || `exited with ${unpacked.status}`}`)
  const tree = unpackedTree(dir)
  if (tree.strange.length > 0) throw new ArchiveError(`the archive holds what a mailops backup never does (a link, device, pipe or hard link): ${tree.strange.slice(0, 3).join('; ')}`)
  if (tree.oversized.length > 0) throw new ArchiveError(`the archive holds files larger than any message a core takes (${mebibytes(LARGEST_MESSAGE_BYTES)}): ${tree.oversized.slice(0, 3).join('; ')}`)
  let manifest: unknown
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  } catch (error) {
    throw new ArchiveError(`manifest.json: ${(error as Error).message}`)
  }
  const errors = schemaErrors(schemaOf('backup-manifest'), manifest)
  if (errors.length > 0) throw new ArchiveError(`manifest.json: ${errors.slice(0, 3).join('; ')}`)
  return {manifest: manifest as BackupManifest, bytes: tree.bytes}
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
