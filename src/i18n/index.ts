import {en, type MessageKey} from './en.js'
import {zhCN} from './zh-CN.js'

export type {MessageKey} from './en.js'
export const LANGS = ['en', 'zh-CN'] as const
export type Lang = (typeof LANGS)[number]

const catalogs: Record<Lang, Record<MessageKey, string>> = {en, 'zh-CN': zhCN}
let current: Lang = 'en'

export function setLang(lang: Lang): void {
  current = lang
}

export function getLang(): Lang {
  return current
}

/** Looks a message up in the current language and fills its {placeholders}. */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Lang = current): string {
  return catalogs[lang][key].replaceAll(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

export function catalog(lang: Lang): Readonly<Record<MessageKey, string>> {
  return catalogs[lang]
}
