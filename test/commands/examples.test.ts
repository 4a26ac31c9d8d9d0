import {describe, expect, it} from 'vitest'

import {documentedExamples, examplesFile, foreignHost, helpExamples, shellBlockLines} from '../helpers/examples.js'

// The list of illustrative examples stays honest: test/e2e/examples.test.ts runs every documented
// example not on it, and this checks, without a lab, that every entry still names one.
describe('documented examples', () => {
  const documented = documentedExamples()
  const texts = documented.map((e) => e.text)
  const listed = examplesFile()

  it('lists as illustrative only examples the documentation still shows, each with its reason', () => {
    const stale = listed.illustrative.filter((e) => !texts.includes(e.example)).map((e) => e.example)
    expect(stale, 'test/examples-illustrative.yaml lists examples no document or --help shows any more').toEqual([])
    for (const entry of listed.illustrative) expect(entry.reason?.trim(), entry.example).toBeTruthy()
    for (const entry of listed.exits ?? []) expect(texts, 'exits: names an example no document shows').toContain(entry.example)
  })

  it('leaves none that names an internet host to be run', () => {
    const illustrative = new Set(listed.illustrative.map((e) => e.example))
    // The lab examples' own addresses (198.18.N.*) are rewritten to the test's labs; these are not.
    const foreign = documented.filter((e) => !illustrative.has(e.text) && foreignHost(e.text, ['198.18.'])).map((e) => `${e.text} (${e.sources.join(', ')})`)
    expect(foreign).toEqual([])
  })

  it('reads a command line as a user would type it', () => {
    const markdown = ['text', '```sh', 'sudo mailops lab up --hosts 5   # five hosts', 'mailops assess --company "ACME #1" \\', '  --no-probe', '```', '```yaml', 'a: 1', '```'].join('\n')
    expect(shellBlockLines(markdown)).toEqual([
      {line: 3, text: 'mailops lab up --hosts 5'},
      {line: 4, text: 'mailops assess --company "ACME #1" --no-probe'},
    ])
    expect(helpExamples().filter((e) => e.id === 'lab up').map((e) => e.text)).toContain('mailops lab up --delay node2=80,1%')
    expect(documented.find((e) => e.text === 'mailops lab up')?.sources).toEqual(expect.arrayContaining([expect.stringMatching(/^README\.md:\d+$/), 'mailops lab up --help']))
  })

  it('tells hosts that may be targets from those that may not', () => {
    expect(foreignHost('mailops latency --probe tcp mx1.example.com', [])).toBe('mx1.example.com')
    expect(foreignHost('mailops latency 203.0.113.7:25', ['198.18.192.'])).toBe('203.0.113.7:25')
    expect(foreignHost('mailops latency 127.0.0.1:25 198.18.192.11 --targets targets.yaml > latency.json', ['198.18.192.'])).toBeUndefined()
  })
})
