import {createHash} from 'node:crypto'

import type {BackupManifest, RestoreReport} from '../config/schemas/backup.js'

export type MailboxEntry = BackupManifest['mailboxes'][number]
export type Difference = RestoreReport['differences'][number]

/** One message of a plain maildir export: whose, which folder, the SHA-256 of its file. */
export interface MessageHash {
  user: string
  mailbox: string
  sha256: string
}

/**
 * Where a message file of an export sits: USER/cur/F or USER/new/F is the inbox, USER/.NAME/cur/F
 * the folder NAME (maildir++). Anything else (Dovecot's index and uidlist files, tmp/) is no message.
 */
export function messageAt(path: string): {user: string; mailbox: string} | undefined {
  const parts = path.replace(/^\.\//, '').split('/')
  if (parts.length === 3 && (parts[1] === 'cur' || parts[1] === 'new') && parts[0] !== '' && parts[2] !== '') return {user: parts[0], mailbox: 'INBOX'}
  if (parts.length === 4 && /^\.[^/]+$/.test(parts[1]) && (parts[2] === 'cur' || parts[2] === 'new') && parts[0] !== '' && parts[3] !== '') return {user: parts[0], mailbox: parts[1].slice(1)}
  return undefined
}

/**
 * sha256sum's lines over an export (`HASH  ./USER/…/cur/FILE`) as messages. A line that is not a
 * hash and a path is refused: a listing cut short or mixed with an error must not pass for a
 * smaller mailbox.
 */
export function parseHashListing(text: string): MessageHash[] {
  const messages: MessageHash[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    // sha256sum marks a name it had to escape (a backslash or newline in it) with a leading backslash.
    const match = /^\\?([0-9a-f]{64}) [ *](.+)$/.exec(line)
    if (!match) throw new Error(`not a sha256sum line: ${JSON.stringify(line.slice(0, 200))}`)
    const at = messageAt(match[2])
    if (at) messages.push({...at, sha256: match[1]})
  }
  return messages
}

/** The per-folder entries of a manifest: each folder's count, its hashes sorted, and the hash of that list. */
export function mailboxEntries(messages: readonly MessageHash[]): MailboxEntry[] {
  const byBox = new Map<string, {user: string; mailbox: string; hashes: string[]}>()
  for (const m of messages) {
    const key = `${m.user}\u0000${m.mailbox}`
    const box = byBox.get(key) ?? {user: m.user, mailbox: m.mailbox, hashes: []}
    box.hashes.push(m.sha256)
    byBox.set(key, box)
  }
  return [...byBox.values()]
    .sort((a, b) => (a.user === b.user ? a.mailbox.localeCompare(b.mailbox) : a.user.localeCompare(b.user)))
    .map((box) => {
      const hashes = box.hashes.sort()
      return {user: box.user, mailbox: box.mailbox, messages: hashes.length, sha256: listHash(hashes), hashes}
    })
}

export const listHash = (sortedHashes: readonly string[]): string => createHash('sha256').update(sortedHashes.map((h) => `${h}\n`).join('')).digest('hex')

/**
 * What differs between the manifest and what was found (in the archive, or on a restored host):
 * per folder, messages missing and messages extra, counted as multisets (a message stored twice is
 * two). Folders equal on both sides are left out; an empty list means identical message sets.
 */
export function compareMailboxes(expected: readonly MailboxEntry[], found: readonly MailboxEntry[]): Difference[] {
  const key = (b: {user: string; mailbox: string}) => `${b.user}\u0000${b.mailbox}`
  const foundBy = new Map(found.map((b) => [key(b), b]))
  const expectedBy = new Map(expected.map((b) => [key(b), b]))
  const differences: Difference[] = []
  for (const k of new Set([...expectedBy.keys(), ...foundBy.keys()])) {
    const want = expectedBy.get(k)
    const have = foundBy.get(k)
    const {missing, extra} = multisetDifference(want?.hashes ?? [], have?.hashes ?? [])
    if (missing === 0 && extra === 0) continue
    const box = (want ?? have)!
    differences.push({user: box.user, mailbox: box.mailbox, expected: want?.messages ?? 0, found: have?.messages ?? 0, missing, extra})
  }
  return differences.sort((a, b) => key(a).localeCompare(key(b)))
}

function multisetDifference(want: readonly string[], have: readonly string[]): {missing: number; extra: number} {
  const counts = new Map<string, number>()
  for (const h of want) counts.set(h, (counts.get(h) ?? 0) + 1)
  let extra = 0
  for (const h of have) {
    const left = counts.get(h) ?? 0
    if (left > 0) counts.set(h, left - 1)
    else extra++
  }
  let missing = 0
  for (const left of counts.values()) missing += left
  return {missing, extra}
}

/**
 * A manifest's own consistency: each folder's count and list hash agree with its hashes. An
 * archive whose manifest was edited to match altered mail fails here or in the comparison.
 */
export function manifestProblems(manifest: BackupManifest): string[] {
  const problems: string[] = []
  for (const box of manifest.mailboxes) {
    if (box.hashes.length !== box.messages) problems.push(`${box.user} ${box.mailbox}: ${box.messages} messages listed, ${box.hashes.length} hashes`)
    if (listHash([...box.hashes].sort()) !== box.sha256) problems.push(`${box.user} ${box.mailbox}: the list hash does not match its hashes`)
  }
  const total = manifest.mailboxes.reduce((sum, b) => sum + b.messages, 0)
  if (total !== manifest.messages) problems.push(`${manifest.messages} messages in total, ${total} in the folders`)
  return problems
}
