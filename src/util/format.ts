import {getLang} from '../i18n/index.js'

const locale = () => (getLang() === 'zh-CN' ? 'zh-CN' : 'en-US')

export function money(amount: number, currency: string, digits = 0): string {
  return new Intl.NumberFormat(locale(), {style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits}).format(amount)
}

/** An exchange rate as a person reads it: up to 6 significant digits. */
export function rate(value: number): string {
  return new Intl.NumberFormat(locale(), {maximumSignificantDigits: 6}).format(value)
}

export function percent(share: number, digits = 1): string {
  return new Intl.NumberFormat(locale(), {style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits}).format(share)
}

export function fixed(x: number, digits = 4): string {
  return x.toFixed(digits)
}
