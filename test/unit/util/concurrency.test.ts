import {describe, expect, it} from 'vitest'

import {mapLimit} from '../../../src/util/concurrency.js'

describe('mapLimit', () => {
  it('keeps the input order with at most `limit` calls in flight', async () => {
    let inFlight = 0
    let most = 0
    const results = await mapLimit([30, 10, 20, 5], 2, async (ms, index) => {
      most = Math.max(most, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, ms))
      inFlight--
      return index
    })
    expect(results).toEqual([0, 1, 2, 3])
    expect(most).toBe(2)
  })

  it('rejects only after the calls in flight have settled, and starts none after a failure', async () => {
    // The lab's defect: host 2 failed while host 1 was still being created, the lab was taken
    // down at once, and host 1's cgroups appeared after the cleanup had looked for them.
    const events: string[] = []
    const run = mapLimit(['slow', 'fails', 'never'], 2, async (item) => {
      events.push(`start ${item}`)
      if (item === 'fails') throw new Error('File exists')
      await new Promise((resolve) => setTimeout(resolve, 50))
      events.push(`end ${item}`)
      return item
    })
    await expect(run).rejects.toThrow('File exists')
    expect(events).toEqual(['start slow', 'start fails', 'end slow'])
  })
})
