import {render} from '@inquirer/testing'
import {describe, expect, it} from 'vitest'

import {PROMPTS, question} from '../../../src/ui/prompts.js'

/** Renders the real @inquirer prompt of one assessment question; `answer` is the parsed answer. */
async function ask(key: Parameters<typeof question>[0], current?: unknown) {
  const {kind, config, parse} = question(key, current)
  const rendered = await render(PROMPTS[kind] as never, config as never)
  return {...rendered, answer: rendered.answer.then((raw: unknown) => (parse ? parse(String(raw)) : raw))}
}

describe('assessment questions (real @inquirer prompts)', () => {
  it('refuses a non-positive revenue and accepts one written as 120M', async () => {
    const {answer, events, getScreen, nextRender} = await ask('revenue')
    events.type('-5')
    events.keypress('enter')
    await nextRender()
    expect(getScreen()).toContain('Enter an amount greater than 0, e.g. 120000000, 120M or 1.5k')
    for (let i = 0; i < 2; i++) events.keypress('backspace')
    events.type('120M')
    events.keypress('enter')
    await expect(answer).resolves.toBe(120_000_000)
  })

  it('reads seat growth as 5% and refuses a bare 5', async () => {
    const {answer, events, getScreen, nextRender} = await ask('seatGrowth', 0.1)
    expect(getScreen()).toContain('(10%)')
    events.type('5')
    events.keypress('enter')
    await nextRender()
    expect(getScreen()).toContain('5 could mean 5% or 500%')
    events.type('%')
    events.keypress('enter')
    await expect(answer).resolves.toBe(0.05)
  })

  it('needs at least one zone, offered by name', async () => {
    const {answer, events, getScreen} = await ask('zones')
    expect(getScreen()).toContain('Asia-Pacific')
    events.keypress('enter')
    await Promise.resolve()
    expect(getScreen()).toContain('Pick at least one')
    events.keypress('space')
    events.keypress('down')
    events.keypress('space')
    events.keypress('enter')
    await expect(answer).resolves.toEqual(['apac', 'europe'])
  })

  it('offers the current answer as default and checks dates', async () => {
    const {answer, events, getScreen} = await ask('start', '2027-01-01')
    expect(getScreen()).toContain('2027-01-01')
    events.keypress('enter')
    await expect(answer).resolves.toBe('2027-01-01')

    const bad = await ask('start', '2027-02-30')
    // This prompt stays open (the test ends on its error message); the worker's exit closes it,
    // and that rejection is expected, not an unhandled error of the run.
    bad.answer.catch(() => undefined)
    bad.events.keypress('enter')
    await bad.nextRender()
    expect(bad.getScreen()).toContain('Enter a date as YYYY-MM-DD')
  })

  it('picks the industry from a list', async () => {
    const {answer, events, getScreen} = await ask('industry')
    expect(getScreen()).toContain('FMCG')
    events.keypress('down')
    events.keypress('enter')
    await expect(answer).resolves.toBe('manufacturing')
  })

  it('checks every bundled provider as a candidate unless told otherwise', async () => {
    const {answer, events} = await ask('candidates')
    events.keypress('enter')
    await expect(answer).resolves.toEqual(['m365', 'google-workspace', 'zoho-mail', 'tencent-exmail', 'alibaba-mail', 'self-hosted'])
  })
})
