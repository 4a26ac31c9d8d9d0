import {describe, expect, it} from 'vitest'

import {catalog, LANGS, t} from '../../../src/i18n/index.js'

// A plural ({count, plural, one {…} other {…}}) is its count's placeholder.
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)(?:\}|,\s*plural,)/g)].map((m) => m[1]).sort()

describe('message catalogs', () => {
  const en = catalog('en')

  it('have the same keys and the same placeholders in every language', () => {
    for (const lang of LANGS) {
      const messages = catalog(lang)
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort())
      for (const key of Object.keys(en) as Array<keyof typeof en>) {
        expect(placeholders(messages[key]), `${lang} ${key}`).toEqual(placeholders(en[key]))
      }
    }
  })

  it('translate every zh-CN message (only symbols, ids and names may stay as in English)', () => {
    const zh = catalog('zh-CN')
    // Product names stay as they are.
    const sameAllowed = new Set(['system.m365', 'system.google-workspace'])
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      if (sameAllowed.has(key)) continue
      expect(zh[key], key).not.toBe(en[key])
      expect(zh[key], key).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})

describe('plurals (Intl.PluralRules)', () => {
  it('picks the plural form of the count, with =N before the category, and # as the number', () => {
    expect(t('lab.ready', {count: 1, inventory: 'inv.yaml'}, 'en')).toBe('1 host up; inventory: inv.yaml')
    expect(t('lab.ready', {count: 3, inventory: 'inv.yaml'}, 'en')).toBe('3 hosts up; inventory: inv.yaml')
    expect(t('raci.accountable', {id: 'pilot', count: 0}, 'en')).toBe('task pilot has no Accountable role; exactly one must be A')
    expect(t('raci.accountable', {id: 'pilot', count: 2}, 'en')).toBe('task pilot has 2 Accountable roles; exactly one must be A')
    expect(t('latency.starting', {count: 1, samples: 1, interval: 200, seconds: '1.2'}, 'en')).toBe('probing 1 target: 1 sample every 200 ms (≈1.2 s)')
    expect(t('verify.checking', {count: 1, domain: ''}, 'en')).toBe('checking 1 node')
    expect(t('lab.ready', {count: 1, inventory: 'inv.yaml'}, 'zh-CN')).toBe('1 台主机已就绪；清单：inv.yaml')
  })

  it('give every plural the forms its language needs', () => {
    for (const lang of LANGS) {
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories
      for (const [key, text] of Object.entries(catalog(lang))) {
        for (const plural of text.matchAll(/\{\w+,\s*plural,((?:[^{}]|\{[^{}]*\})*)\}/g)) {
          const forms = [...plural[1].matchAll(/(=?\w+)\s*\{/g)].map((m) => m[1])
          for (const category of needed) expect(forms, `${lang} ${key}`).toContain(category)
        }
      }
    }
  })
})
