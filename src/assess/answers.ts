import {BUNDLED_PROVIDERS} from '../catalog/providers.js'
import type {AnswersFile, Answers} from '../config/schemas/answers.js'
import {schemaOf} from '../config/registry.js'
import {schemaErrors} from '../config/validate.js'
import {ExitCode, InputError, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'
import {isoDate, nextMonthStart} from '../rollout/dates.js'
import {writeFileAtomic} from '../util/fs.js'
import {assignDefined} from '../util/object.js'
import {ANSWER_KEYS, type AnswerKey} from '../config/constants.js'
import {stringify} from 'yaml'


/** Answers with no sensible default: without a TTY they must come from a flag or the file. */
export const REQUIRED_ANSWERS: readonly AnswerKey[] = ['company', 'industry', 'revenue', 'seats', 'zones']

/** Defaults offered by the prompts and used, without a TTY, for what was not given. */
export function answerDefaults(now: Date): Omit<Answers, 'company' | 'industry' | 'revenue' | 'seats' | 'zones'> {
  return {
    currency: 'USD',
    seatGrowth: 0.1,
    compliance: [],
    currentSystem: 'other',
    candidates: BUNDLED_PROVIDERS.map((p) => p.id),
    billing: 'annual',
    years: 3,
    start: isoDate(nextMonthStart(now)),
    variant: 'cross-border',
  }
}

/** Flags over the answers file: the later source wins key by key. */
export function mergeAnswers(...sources: Array<AnswersFile | undefined>): AnswersFile {
  return assignDefined({}, ...sources)
}

export function missingAnswers(answers: AnswersFile): AnswerKey[] {
  return REQUIRED_ANSWERS.filter((key) => answers[key] === undefined)
}

/** Fills defaults and checks the whole; candidates must be known providers. */
export function completeAnswers(answers: AnswersFile, now: Date): Answers {
  const missing = missingAnswers(answers)
  if (missing.length > 0) {
    throw new InputError(t('assess.missing', {keys: missing.join(', ')}), {
      code: 'ANSWER_MISSING',
      hint: t('hint.assessMissing', {flags: missing.map(answerFlag).join(' ')}),
    })
  }
  const complete = {...answerDefaults(now), ...answers} as Answers
  const ordered = Object.fromEntries(
    [...ANSWER_KEYS, 'fxRates' as const].filter((k) => complete[k] !== undefined).map((k) => [k, complete[k]]),
  ) as Answers
  if (ordered.currency !== 'USD' && ordered.fxRates?.USD === undefined) {
    // The catalog prices in USD: the costs need its value in the chosen currency.
    throw new InputError(t('assess.fxMissing', {currency: ordered.currency}), {code: 'ANSWER_MISSING', hint: t('hint.assessFx', {currency: ordered.currency})})
  }
  const problems = schemaErrors(schemaOf('answers-complete'), ordered)
  if (problems.length > 0) throw new InputError(problems.join('; '), {hint: t('hint.schema', {name: 'answers'})})
  const known = new Set(BUNDLED_PROVIDERS.map((p) => p.id))
  const unknown = ordered.candidates.find((id) => !known.has(id))
  if (unknown) throw InputError.at(undefined, 'providers.unknown', {id: unknown, valid: [...known].join(', ')})
  return ordered
}

/**
 * Ctrl-C in the interview: what was answered is saved beside the report folder, to replay with
 * --answers, and the run ends quietly with 130 (128 + SIGINT). Anything else is rethrown.
 */
export function interruptedInterview(error: unknown, answered: AnswersFile, out: string): unknown {
  if ((error as Error | undefined)?.name !== 'ExitPromptError') return error
  const path = `${out.replace(/\/+$/, '')}.answers-partial.yaml`
  const kept = Object.fromEntries([...ANSWER_KEYS, 'fxRates' as const].filter((k) => answered[k] !== undefined).map((k) => [k, answered[k]]))
  writeFileAtomic(path, `# mailops assess: interrupted; replay with: mailops assess --answers ${path}\n${stringify(kept)}`)
  return new MailopsError(t('assess.interrupted', {path}), {code: 'INTERRUPTED', exit: ExitCode.interrupted})
}

/** The flag that gives an answer: seatGrowth is --seat-growth; the list of zones is --zone (one flag, repeatable). */
function answerFlag(key: AnswerKey): string {
  return key === 'zones' ? '--zone' : `--${key.replaceAll(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}
