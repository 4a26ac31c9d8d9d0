import {checkbox, input, number, select} from '@inquirer/prompts'

import {answerDefaults, ANSWER_KEYS, type AnswerKey} from '../assess/answers.js'
import {BUNDLED_PROVIDERS} from '../catalog/providers.js'
import {COMPLIANCE, CURRENT_SYSTEMS, INDUSTRIES, VARIANTS, ZONES} from '../config/constants.js'
import type {Answers, AnswersFile} from '../config/schemas/answers.js'
import {t, type MessageKey} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {isIsoDate} from '../plan/dates.js'
import {answerText} from '../report/report.js'
import {tabular} from './table.js'

/** The prompt kinds mailops uses; the only place @inquirer/prompts is called. */
export const PROMPTS = {input, number, select, checkbox}
export type PromptKind = keyof typeof PROMPTS
export interface Question {
  kind: PromptKind
  config: Record<string, unknown>
}

const label = (k: AnswerKey) => t(`answer.${k}` as MessageKey)
const options = <T extends string>(values: readonly T[], name: (v: T) => string) => values.map((value) => ({value, name: name(value)}))
const positive = (v: number | undefined) => (v !== undefined && v > 0) || t('assess.invalidNumber')

/** The question for one answer, with its default and its check. */
export function question(k: AnswerKey, current: unknown): Question {
  const message = label(k)
  const picked = (value: string) => Array.isArray(current) && current.includes(value)
  switch (k) {
    case 'company':
      return {kind: 'input', config: {message, default: current, required: true, validate: (v: string) => v.trim().length > 0 || t('assess.required')}}
    case 'industry':
      return {kind: 'select', config: {message, default: current, choices: options(INDUSTRIES, (i) => t(`tco.industry.${i}`))}}
    case 'revenue':
      return {kind: 'number', config: {message, default: current, required: true, step: 'any', validate: positive}}
    case 'currency':
      return {kind: 'input', config: {message, default: current, validate: (v: string) => /^[A-Z]{3}$/.test(v.trim()) || 'ISO 4217, e.g. USD'}}
    case 'seats':
      return {kind: 'number', config: {message, default: current, required: true, min: 1, step: 1}}
    case 'seatGrowth':
      return {kind: 'number', config: {message, default: current, required: true, min: -0.9, max: 10, step: 'any'}}
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
  const {kind, config} = question(k, answers[k])
  const value = await (PROMPTS[kind] as unknown as (c: Record<string, unknown>) => Promise<unknown>)(config)
  Object.assign(answers, {[k]: typeof value === 'string' ? value.trim() : value})
  if (k === 'currency' && answers.currency !== 'USD' && answers.fxRates?.USD === undefined) {
    // Catalog prices are in USD: ask what one is worth in the chosen currency.
    const rate = await number({message: t('assess.fxQuestion', {currency: answers.currency!}), required: true, step: 'any', validate: positive})
    answers.fxRates = {...answers.fxRates, USD: rate!}
  }
}

/**
 * Asks for every answer not given yet (defaults filled in), then shows them all and lets the
 * consultant change any before running.
 */
export async function askAnswers(given: AnswersFile, now: Date): Promise<Partial<Answers>> {
  const defaults = answerDefaults(now) as Partial<Answers>
  const answers: Partial<Answers> = {...given}
  for (const k of ANSWER_KEYS) {
    if (given[k] !== undefined) continue
    if (defaults[k] !== undefined) Object.assign(answers, {[k]: defaults[k]})
    await ask(k, answers)
  }
  for (;;) {
    const shown = {...defaults, ...answers} as Answers
    process.stdout.write(tabular('table', [t('report.question'), t('report.answer')], ANSWER_KEYS.map((k) => [label(k), answerText(shown, k)])) + '\n')
    const next = await select({message: t('assess.confirm'), choices: [{value: 'run', name: t('assess.run')}, {value: 'change', name: t('assess.change')}]})
    if (next === 'run') return answers
    const which = await select({message: t('assess.which'), choices: ANSWER_KEYS.map((k) => ({value: k, name: label(k)}))})
    await ask(which, answers)
  }
}
