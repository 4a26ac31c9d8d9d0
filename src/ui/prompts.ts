import {checkbox, input, number, select} from '@inquirer/prompts'

import {answerDefaults} from '../assess/answers.js'
import {ANSWER_KEYS, type AnswerKey} from '../config/constants.js'
import {BUNDLED_PROVIDERS} from '../catalog/providers.js'
import {COMPLIANCE, CURRENT_SYSTEMS, INDUSTRIES, VARIANTS, ZONES} from '../config/constants.js'
import type {Answers, AnswersFile} from '../config/schemas/answers.js'
import {t, type MessageKey} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {isIsoDate} from '../rollout/dates.js'
import {answerText} from '../report/report.js'
import {parseAmount, parseShare} from '../util/units.js'
import {tabular} from '../util/table.js'

/** The prompt kinds mailops uses; the only place @inquirer/prompts is called. */
export const PROMPTS = {input, number, select, checkbox}
export type PromptKind = keyof typeof PROMPTS
export interface Question {
  kind: PromptKind
  config: Record<string, unknown>
  /** Turns the typed text into the answer (e.g. "120M" into 120000000); the text when absent. */
  parse?: (raw: string) => unknown
}

const label = (k: AnswerKey) => t(`answer.${k}` as MessageKey)
const options = <T extends string>(values: readonly T[], name: (v: T) => string) => values.map((value) => ({value, name: name(value)}))
const amount = (v: string) => {
  const value = parseAmount(v)
  return (value !== undefined && value > 0) || t('assess.invalidAmount')
}
const share = (v: string) => {
  const value = parseShare(v)
  if (value === 'ambiguous') return t('assess.ambiguousShare', {value: v.trim(), percent: Number(v.trim()) * 100})
  return (value !== undefined && value >= -0.9 && value <= 10) || t('assess.invalidShare')
}
const text = (v: unknown) => (v === undefined ? undefined : String(v))

/** The question for one answer, with its default and its check; `answers` so far give context (the currency of an amount). */
export function question(k: AnswerKey, current: unknown, answers: Partial<Answers> = {}): Question {
  const message = label(k)
  const picked = (value: string) => Array.isArray(current) && current.includes(value)
  switch (k) {
    case 'company':
      return {kind: 'input', config: {message, default: current, required: true, validate: (v: string) => v.trim().length > 0 || t('assess.required')}}
    case 'industry':
      return {kind: 'select', config: {message, default: current, choices: options(INDUSTRIES, (i) => t(`tco.industry.${i}`))}}
    case 'revenue':
      return {
        kind: 'input',
        config: {message: t('assess.revenueQuestion', {currency: answers.currency ?? 'USD'}), default: text(current), required: true, validate: amount},
        parse: (raw) => parseAmount(raw),
      }
    case 'currency':
      return {kind: 'input', config: {message, default: current, validate: (v: string) => /^[A-Z]{3}$/.test(v.trim()) || 'ISO 4217, e.g. USD'}}
    case 'seats':
      return {
        kind: 'input',
        config: {message, default: text(current), required: true, validate: (v: string) => Number.isInteger(parseAmount(v)) && parseAmount(v)! >= 1 || t('assess.invalidSeats')},
        parse: (raw) => parseAmount(raw),
      }
    case 'seatGrowth':
      return {
        kind: 'input',
        config: {message, default: current === undefined ? undefined : `${Math.round(Number(current) * 1e6) / 1e4}%`, required: true, validate: share},
        parse: (raw) => parseShare(raw),
      }
    case 'zones':
      return {kind: 'checkbox', config: {message, choices: ZONES.map((z) => ({value: z, name: t(`zone.${z}`), checked: picked(z)})), validate: (p: unknown[]) => p.length > 0 || t('assess.pickOne')}}
    case 'compliance':
      return {kind: 'checkbox', config: {message, choices: COMPLIANCE.map((c) => ({value: c, name: c.toUpperCase(), checked: picked(c)}))}}
    case 'currentSystem':
      return {kind: 'select', config: {message, default: current, choices: options(CURRENT_SYSTEMS, (s) => t(`system.${s}`))}}
    case 'candidates':
      return {kind: 'checkbox', config: {message, choices: BUNDLED_PROVIDERS.map((p) => ({value: p.id, name: local(p.name), checked: current === undefined || picked(p.id)})), validate: (p: unknown[]) => p.length > 0 || t('assess.pickOne')}}
    case 'billing':
      return {kind: 'select', config: {message, default: current, choices: options(['annual', 'monthly'] as const, (b) => t(`billing.${b}`))}}
    case 'years':
      return {kind: 'number', config: {message, default: current, required: true, min: 1, max: 15, step: 1}}
    case 'start':
      return {kind: 'input', config: {message, default: current, validate: (v: string) => isIsoDate(v.trim()) || t('assess.invalidDate')}}
    case 'variant':
      return {kind: 'select', config: {message, default: current, choices: options(VARIANTS, (v) => t(`plan.variant.${v}`))}}
  }
}

async function ask(k: AnswerKey, answers: Partial<Answers>): Promise<void> {
  const before = answers.currency
  const {kind, config, parse} = question(k, answers[k], answers)
  const raw = await (PROMPTS[kind] as unknown as (c: Record<string, unknown>) => Promise<unknown>)(config)
  const value = parse ? parse(String(raw)) : typeof raw === 'string' ? raw.trim() : raw
  Object.assign(answers, {[k]: value})
  if (k === 'currency') await askRate(answers, before)
}

/**
 * Catalog prices and cost defaults are in USD: ask what one is worth in the chosen currency.
 * The rate of another currency is never kept: a new currency asks again, with no default.
 */
async function askRate(answers: Partial<Answers>, previousCurrency: string | undefined): Promise<void> {
  const {USD: kept, ...others} = answers.fxRates ?? {}
  if (answers.currency === 'USD') {
    answers.fxRates = Object.keys(others).length > 0 ? others : undefined
    return
  }
  const offered = previousCurrency === answers.currency ? kept : undefined
  const raw = await input({message: t('assess.fxQuestion', {currency: answers.currency!}), default: text(offered), required: true, validate: amount})
  answers.fxRates = {...others, USD: parseAmount(raw)!}
}

/**
 * Asks for every answer not given yet (defaults filled in), then shows them all and lets the
 * consultant change any before running. `answers` is filled in as they come, so that an
 * interrupted interview leaves what was answered.
 */
export async function askAnswers(given: AnswersFile, now: Date, answers: Partial<Answers> = {...given}): Promise<Partial<Answers>> {
  const defaults = answerDefaults(now) as Partial<Answers>
  Object.assign(answers, given)
  for (const k of ANSWER_KEYS) {
    if (given[k] !== undefined) continue
    if (defaults[k] !== undefined) Object.assign(answers, {[k]: defaults[k]})
    await ask(k, answers)
  }
  if (answers.currency !== 'USD' && answers.fxRates?.USD === undefined) await askRate(answers, undefined)
  for (;;) {
    const shown = {...defaults, ...answers} as Answers
    process.stdout.write(tabular('table', [t('report.question'), t('report.answer')], ANSWER_KEYS.map((k) => [label(k), answerText(shown, k)])) + '\n')
    const next = await select({message: t('assess.confirm'), choices: [{value: 'run', name: t('assess.run')}, {value: 'change', name: t('assess.change')}]})
    if (next === 'run') return answers
    const which = await select({message: t('assess.which'), choices: ANSWER_KEYS.map((k) => ({value: k, name: k === 'currency' ? t('assess.currencyAndRate') : label(k)}))})
    await ask(which, answers)
  }
}
