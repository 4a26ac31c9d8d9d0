import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'

import {isoDate} from '../plan/dates.js'
import {inventorySkeleton, reportHtml, reportMarkdown} from '../report/report.js'
import {writeFileAtomic} from '../util/fs.js'
import type {Assessment} from './run.js'

export const REPORT_FILES = ['report.md', 'report.html', 'answers.yaml', 'inventory.yaml', 'assessment.json'] as const

/**
 * Renders every file first, then writes each atomically: a failure leaves no half-written
 * file, and a re-run replaces the previous report whole.
 */
export function writeReport(dir: string, assessment: Assessment, meta: {now: Date; version: string; lang: string}): string[] {
  const date = isoDate(meta.now)
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'report.md': reportMarkdown(assessment, {date, version: meta.version}),
    'report.html': reportHtml(assessment, {date, version: meta.version, lang: meta.lang}),
    'answers.yaml': `# mailops assess answers; replay with: mailops assess --answers answers.yaml\n${stringify(assessment.answers)}`,
    'inventory.yaml': inventorySkeleton(assessment.answers),
    'assessment.json': JSON.stringify(assessment, null, 2) + '\n',
  }
  mkdirSync(dir, {recursive: true})
  return REPORT_FILES.map((name) => {
    writeFileAtomic(join(dir, name), contents[name])
    return join(dir, name)
  })
}
