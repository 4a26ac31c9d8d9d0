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

/**
 * Looks a message up in the current language and fills its {placeholders}. A count that a noun
 * follows is written `{count, plural, one {# host} other {# hosts}}` (ICU's form): the branch is
 * the language's plural category of the number (Intl.PluralRules; `=N` matches N exactly), `#`
 * the number. zh-CN has one form, so its messages need none.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Lang = current): string {
  return fillPlurals(catalogs[lang][key], params, lang).replaceAll(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

const pluralRules = new Map<Lang, Intl.PluralRules>()

function fillPlurals(text: string, params: Record<string, string | number>, lang: Lang): string {
  const start = /\{(\w+),\s*plural,/g
  let out = ''
  let from = 0
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const branches = new Map<string, string>()
    let at = match.index + match[0].length
    for (;;) {
      while (text[at] === ' ') at++
      if (text[at] === '}' || at >= text.length) break
      const open = text.indexOf('{', at)
      const selector = text.slice(at, open).trim()
      let depth = 0
      let close = open
      for (; close < text.length; close++) {
        if (text[close] === '{') depth++
        else if (text[close] === '}' && --depth === 0) break
      }
      branches.set(selector, text.slice(open + 1, close))
      at = close + 1
    }
    const value = Number(params[match[1]])
    let rules = pluralRules.get(lang)
    if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)))
    const branch = branches.get(`=${value}`) ?? branches.get(rules.select(value)) ?? branches.get('other') ?? ''
    out += text.slice(from, match.index) + branch.replaceAll('#', String(params[match[1]]))
    from = at + 1
    start.lastIndex = from
  }
  return out + text.slice(from)
}

export function catalog(lang: Lang): Readonly<Record<MessageKey, string>> {
  return catalogs[lang]
}
