import {describe, expect, it} from 'vitest'

import {catalog, LANGS} from '../../../src/i18n/index.js'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

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
