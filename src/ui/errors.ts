import {ExitCode, formatLocation, type MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'

/** The human form of an error: message, every located problem, and the hint. */
export function renderError(error: MailopsError): string {
  // Being stopped is not a failure to explain: one line saying what was kept.
  if (error.exit === ExitCode.interrupted) return error.message
  const lines = [`${t('error.prefix')}: ${error.message}`]
  if (error.problems.length > 1) {
    for (const problem of error.problems) {
      lines.push(`  - ${problem.location ? formatLocation(problem.location) + ': ' : ''}${problem.message}`)
    }
  }
  if (error.hint) lines.push(`${t('error.hint')}: ${error.hint}`)
  return lines.join('\n')
}

/** Prints warnings on stderr, so that stdout stays clean for --json and pipes. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`${t('error.warning')}: ${warning}\n`)
}
