import type {TcoScenario} from '../config/schemas/tco.js'
import type {LocalText} from '../i18n/text.js'

export interface BudgetLevel {
  share: number
  amount: number
  split: Record<string, number>
}

/** The transformation fund at the low, middle and high share of revenue, split by category. */
export function transformationBudget(revenue: number, budget: TcoScenario['budget']): Record<'low' | 'mid' | 'high', BudgetLevel> {
  const level = (share: number): BudgetLevel => {
    const amount = revenue * share
    return {share, amount, split: Object.fromEntries(Object.entries(budget.split).map(([k, s]) => [k, amount * s]))}
  }
  return {low: level(budget.low), mid: level((budget.low + budget.high) / 2), high: level(budget.high)}
}

export interface ProfileArea {
  area: string
  name: LocalText
  share: number
}

/**
 * Investment profiles of the source material (section 4.3). Its figures for FMCG and
 * manufacturing leave 25% and 30% unnamed; mailops gives that to the core mail platform.
 */
export const INDUSTRY_PROFILES: Record<TcoScenario['industry'], ProfileArea[]> = {
  fmcg: [
    {area: 'marketing-automation', name: {en: 'Marketing automation', 'zh-CN': '营销自动化'}, share: 0.4},
    {area: 'security', name: {en: 'Security', 'zh-CN': '安全'}, share: 0.25},
    {area: 'multi-language', name: {en: 'Multi-language support', 'zh-CN': '多语言支持'}, share: 0.1},
    {area: 'core-platform', name: {en: 'Core mail platform', 'zh-CN': '核心邮件平台'}, share: 0.25},
  ],
  manufacturing: [
    {area: 'supply-chain', name: {en: 'Supply-chain collaboration', 'zh-CN': '供应链协同'}, share: 0.35},
    {area: 'security', name: {en: 'Security', 'zh-CN': '安全'}, share: 0.25},
    {area: 'multi-language', name: {en: 'Multi-language support', 'zh-CN': '多语言支持'}, share: 0.1},
    {area: 'core-platform', name: {en: 'Core mail platform', 'zh-CN': '核心邮件平台'}, share: 0.3},
  ],
  other: [
    {area: 'security', name: {en: 'Security', 'zh-CN': '安全'}, share: 0.25},
    {area: 'multi-language', name: {en: 'Multi-language support', 'zh-CN': '多语言支持'}, share: 0.1},
    {area: 'core-platform', name: {en: 'Core mail platform', 'zh-CN': '核心邮件平台'}, share: 0.65},
  ],
}
