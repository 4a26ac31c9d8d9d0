import {createHash} from 'node:crypto'
import {createTwoFilesPatch} from 'diff'

import type {RenderedFile} from '../blueprint/load.js'
import {t} from '../i18n/index.js'
import type {DeployFacts} from '../fleet/facts.js'

export type FileAction = 'create' | 'update' | 'unchanged'

export interface PlannedFile extends RenderedFile {
  action: FileAction
  /** The hash the host had at probe time (null: absent): apply refuses if it changed since. */
  expected: string | null
}

export interface HostPlan {
  host: string
  files: PlannedFile[]
  /** Services to reload or restart: notified by a changed file, left pending by a crash, or not answering their ready command. */
  handlers: string[]
  /** Debian packages to install, before any file (their files are the blueprints' targets). */
  packages: string[]
  init: DeployFacts['init']
  /** Stored messages still in plain text that the apply encrypts in place (encryption at rest is on; see migrateStep). */
  encrypt: number
  changed: boolean
}

/** Pure: what a host needs, from what it should have (rendered) and what it has (probed). */
export function planHost(host: string, rendered: readonly RenderedFile[], facts: Pick<DeployFacts, 'files' | 'pending' | 'missingPackages' | 'init'> & Partial<Pick<DeployFacts, 'unready' | 'plainMessages'>>): HostPlan {
  // Probed in the rendered order (facts.files[i] is rendered[i]); a file for another init is left out after.
  const files = rendered.flatMap((file, i): PlannedFile[] => {
    if (file.init !== undefined && file.init !== facts.init) return []
    const current = facts.files[i]
    const action: FileAction =
      current.sha256 === null ? 'create' : current.sha256 !== file.sha256 || current.mode !== file.mode || current.owner !== file.owner || current.group !== file.group ? 'update' : 'unchanged'
    return [{...file, action, expected: current.sha256}]
  })
  const notified = files.filter((f) => f.action !== 'unchanged').flatMap((f) => f.notify)
  // A service that does not answer (its ready command fails: a firewall flushed, a daemon stopped) is
  // reloaded or started again, when a file of this host's plan belongs to it (not one of another init).
  const ours = new Set(files.flatMap((f) => f.notify))
  const unready = (facts.unready ?? []).filter((s) => ours.has(s))
  const handlers = [...new Set([...facts.pending, ...notified, ...unready])]
  const packages = [...new Set(facts.missingPackages)]
  // Counted only when the store is to be encrypted: mail written before encryption was on.
  const encrypt = facts.plainMessages ?? 0
  return {host, files, handlers, packages, init: facts.init, encrypt, changed: files.some((f) => f.action !== 'unchanged') || handlers.length > 0 || packages.length > 0 || encrypt > 0}
}

/**
 * A unified diff per changed file, secrets replaced (before and after) so none is ever shown. A
 * file rendered from a secret is not diffed at all (its old contents are never even read): it
 * shows only that its content changed, by hash.
 */
export function planDiff(plan: HostPlan, before: Record<string, string>, secrets: readonly string[]): string {
  const hide = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, '********'), text)
  return plan.files
    .filter((f) => f.action !== 'unchanged')
    .map((f) => {
      const name = `${plan.host}:${f.path}`
      if (f.sensitive) return `--- ${name}\n+++ ${name}\n${t('deploy.sensitiveChanged', {before: f.expected ?? 'absent', after: f.sha256})}\n`
      return createTwoFilesPatch(name, name, hide(before[f.path] ?? ''), hide(f.content), f.action === 'create' ? '(absent)' : '(current)', '(planned)')
    })
    .join('')
}

/** A stable hash of what a plan does, for the audit trail (contents by hash only; host order does not count). */
export function planHash(plans: readonly HostPlan[]): string {
  const sorted = [...plans].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
  const essence = sorted.map((p) => ({host: p.host, packages: p.packages, files: p.files.map((f) => [f.path, f.action, f.sha256, f.mode]), handlers: p.handlers, ...(p.encrypt > 0 ? {encrypt: p.encrypt} : {})}))
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex')
}
