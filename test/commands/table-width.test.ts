import {describe, expect, it} from 'vitest'

import {columnWidths, displayWidth} from '../../src/util/table.js'
import {mailops} from '../helpers/cli.js'

const widest = (text: string) => Math.max(...text.split('\n').filter((l) => /[│┌└├]/.test(l)).map(displayWidth))

describe('every table fits 100 columns', () => {
  it.each([['score'], ['tco'], ['plan'], ['matrix'], ['latency', '--list', '--zone', 'europe']])('%s, in English and Chinese', (...args) => {
    for (const lang of ['en', 'zh-CN']) {
      const result = mailops([...args, '--lang', lang])
      expect(result.code, result.stderr).toBe(0)
      expect(widest(result.stdout), `${args.join(' ')} --lang ${lang}`).toBeLessThanOrEqual(100)
    }
  })

  it('titles wrap first, then text at word breaks; numbers stay whole', () => {
    const rows = [
      ['Provider', 'Cost-effectiveness score', 'Total'],
      ['Microsoft 365 (Exchange Online Plan 1)', '0.842', '$169,040'],
    ]
    // Natural: 40 + 26 + 10 + 4 borders = 80.
    expect(columnWidths(rows, 80)).toBeUndefined()
    // The title "Cost-effectiveness score" wraps down to its value's width or longest word (20).
    expect(columnWidths(rows, 74)).toEqual({widths: [40, 20, 10], insideWords: false})
    // Then the provider name wraps at word breaks, never below "(Exchange" (11); numbers untouched.
    expect(columnWidths(rows, 50)!.widths).toEqual([16, 20, 10])
    // Past that, text breaks inside words (a number's column keeps its longest title word).
    expect(columnWidths(rows, 30)).toEqual({widths: [4, 20, 10], insideWords: true})
    expect(displayWidth('安全与合规 ok')).toBe(13)
  })
})
