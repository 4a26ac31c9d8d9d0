import {getLang} from '../i18n/index.js'

const locale = () => (getLang() === 'zh-CN' ? 'zh-CN' : 'en-US')

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat(locale(), {style: 'currency', currency, maximumFractionDigits: 0}).format(amount)
}

export function percent(share: number, digits = 1): string {
  return new Intl.NumberFormat(locale(), {style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits}).format(share)
}

export function fixed(x: number, digits = 4): string {
  return x.toFixed(digits)
}
