import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'

import {isoDate} from '../rollout/dates.js'
import {inventorySkeleton, reportHtml, reportMarkdown} from '../report/report.js'
import {writeFileAtomic} from '../util/fs.js'
import type {Assessment} from '../config/schemas/assessment.js'

export const REPORT_FILES = ['report.md', 'report.html', 'answers.yaml', 'inventory.yaml', 'assessment.json'] as const

const STAMP = /^# mailops skeleton sha256:([0-9a-f]{64})\n/

/** The skeleton with a stamp of its own content, so that a later run can tell it was not edited. */
function stamped(body: string): string {
  return `# mailops skeleton sha256:${createHash('sha256').update(body).digest('hex')}\n${body}`
}

/** Whether the file at `path` is a skeleton as mailops wrote it (or absent): safe to replace. */
function untouched(path: string): boolean {
  if (!existsSync(path)) return true
  const text = readFileSync(path, 'utf8')
  const stamp = STAMP.exec(text)
  return stamp !== null && createHash('sha256').update(text.slice(stamp[0].length)).digest('hex') === stamp[1]
}

export interface WrittenReport {
  files: string[]
  /** An inventory.yaml someone edited, kept as it is; the new skeleton went to inventory.new.yaml. */
  keptInventory?: string
}

/**
 * Renders every file first, then writes each atomically: a failure leaves no half-written
 * file, and a re-run replaces the previous report whole, except an inventory.yaml that was
 * edited since mailops wrote it: that one is kept and the new skeleton written beside it.
 */
export function writeReport(dir: string, assessment: Assessment, meta: {now: Date; version: string; lang: string}): WrittenReport {
  const date = isoDate(meta.now)
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'report.md': reportMarkdown(assessment, {date, version: meta.version}),
    'report.html': reportHtml(assessment, {date, version: meta.version, lang: meta.lang}),
    'answers.yaml': `# mailops assess answers; replay with: mailops assess --answers answers.yaml\n${stringify(assessment.answers)}`,
    'inventory.yaml': stamped(inventorySkeleton(assessment.answers)),
    'assessment.json': JSON.stringify(assessment, null, 2) + '\n',
  }
  mkdirSync(dir, {recursive: true})
  const inventory = join(dir, 'inventory.yaml')
  const keep = !untouched(inventory)
  const files = REPORT_FILES.map((name) => {
    const path = keep && name === 'inventory.yaml' ? join(dir, 'inventory.new.yaml') : join(dir, name)
    writeFileAtomic(path, contents[name])
    return path
  })
  return keep ? {files, keptInventory: inventory} : {files}
}
