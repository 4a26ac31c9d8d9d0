import type {RenderedFile} from '../blueprint/load.js'
import {shellQuote} from '../util/shell.js'

/** Where mailops keeps its state on a host: pending restarts, runs, audit. */
export const STATE_DIR = '/var/lib/mailops'
export const PENDING_FILE = `${STATE_DIR}/pending-restarts`
export const AUDIT_FILE = '/var/log/mailops/audit.jsonl'
/** Held (flock) by an apply from its compare-and-swap to its last restart: one apply per host at a time. */
export const LOCK_FILE = `${STATE_DIR}/lock`

/**
 * The releases the blueprints render for, as the probe reports them (os-release ID VERSION_ID).
 * Anything else is refused before a host is changed.
 */
export const SUPPORTED_RELEASES = ['debian 12']

export interface FileState {
  sha256: string | null
  mode?: string
  owner?: string
  group?: string
}

export interface HostFacts {
  files: FileState[]
  pending: string[]
  init: 'systemd' | 'sysv'
  missingPackages: string[]
  os: string
}

/** One exec that reports everything the plan needs: file hashes and modes, pending restarts, facts. */
export function probeScript(files: readonly Pick<RenderedFile, 'path'>[], packages: readonly string[]): string {
  const lines = [
    'set -u',
    `for p in ${files.map((f) => shellQuote(f.path)).join(' ')}; do`,
    '  if [ -f "$p" ]; then printf "F\\t%s\\t%s\\n" "$(sha256sum "$p" | cut -d" " -f1)" "$(stat --printf "%a\\t%U\\t%G" "$p")"; else printf "F\\tabsent\\n"; fi',
    'done',
    `[ -f ${PENDING_FILE} ] && sed 's/^/P\\t/' ${PENDING_FILE}`,
    'if [ -d /run/systemd/system ]; then echo "I\tsystemd"; else echo "I\tsysv"; fi',
    `for k in ${packages.map(shellQuote).join(' ')}; do dpkg-query -W -f='\${Status}' "$k" 2>/dev/null | grep -q "install ok installed" || printf "K\\t%s\\n" "$k"; done`,
    '. /etc/os-release 2>/dev/null; printf "O\\t%s %s\\n" "${ID:-unknown}" "${VERSION_ID:-}"',
    'true',
  ]
  return lines.join('\n')
}

export function parseProbe(output: string): HostFacts {
  const facts: HostFacts = {files: [], pending: [], init: 'sysv', missingPackages: [], os: 'unknown'}
  for (const line of output.split('\n')) {
    const [tag, ...fields] = line.split('\t')
    if (tag === 'F') {
      facts.files.push(fields[0] === 'absent' ? {sha256: null} : {sha256: fields[0], mode: fields[1].padStart(4, '0'), owner: fields[2], group: fields[3]})
    } else if (tag === 'P' && fields[0]) facts.pending.push(fields[0])
    else if (tag === 'I') facts.init = fields[0] === 'systemd' ? 'systemd' : 'sysv'
    else if (tag === 'K') facts.missingPackages.push(fields[0])
    else if (tag === 'O') facts.os = fields[0].trim()
  }
  return facts
}
