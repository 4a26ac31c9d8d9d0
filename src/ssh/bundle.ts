import type {SshConnection, ExecResult} from './connection.js'
import {shellQuote} from '../util/shell.js'
import {HostError} from './errors.js'

export interface BundleFile {
  /** Absolute path on the host. */
  path: string
  content: string | Buffer
  mode?: number
  uid?: number
  gid?: number
}

const BLOCK = 512

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

/** One ustar header: name split into prefix/name when longer than 100 bytes. */
function header(file: BundleFile, size: number): Buffer {
  const block = Buffer.alloc(BLOCK)
  let name = file.path.replace(/^\/+/, '')
  let prefix = ''
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155)
    prefix = name.slice(0, cut)
    name = name.slice(cut + 1)
  }
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for a bundle: ${file.path}`)
  block.write(name, 0, 100, 'utf8')
  block.write(octal(file.mode ?? 0o644, 8), 100, 8, 'ascii')
  block.write(octal(file.uid ?? 0, 8), 108, 8, 'ascii')
  block.write(octal(file.gid ?? 0, 8), 116, 8, 'ascii')
  block.write(octal(size, 12), 124, 12, 'ascii')
  block.write(octal(0, 12), 136, 12, 'ascii')
  block.write('        ', 148, 8, 'ascii')
  block.write('0', 156, 1, 'ascii')
  block.write('ustar\0' + '00', 257, 8, 'ascii')
  block.write(prefix, 345, 155, 'utf8')
  let checksum = 0
  for (const byte of block) checksum += byte
  block.write(octal(checksum, 7) + ' ', 148, 8, 'ascii')
  return block
}

/** A POSIX ustar archive of the files, in memory (bundles are configuration: kilobytes). */
export function tarball(files: readonly BundleFile[]): Buffer {
  const parts: Buffer[] = []
  for (const file of files) {
    const body = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8')
    parts.push(header(file, body.length), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}

/**
 * Many small files in one exec: a tar stream on stdin, unpacked under `root` with modes and
 * numeric owners kept. One round trip however many files.
 */
export async function sendBundle(connection: SshConnection, files: readonly BundleFile[], root = '/'): Promise<ExecResult> {
  const result = await connection.exec(`mkdir -p ${shellQuote(root)} && tar -x -p --numeric-owner --no-same-permissions -C ${shellQuote(root)} -f - && echo ok`, {
    stdin: tarball(files),
  })
  if (result.code !== 0) throw new HostError(connection.target.name, 'BUNDLE_FAILED', result.stderr.trim() || `tar exited ${result.code}`)
  return result
}
