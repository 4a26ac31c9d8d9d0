import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {startTime} from '../../../src/lab/processes.js'

describe('startTime', () => {
  it("reads a live process's start (so a reused PID is another process), and nothing for one that is gone", () => {
    expect(startTime(process.pid)).toMatch(/^\d+$/)
    expect(startTime(process.pid)).toBe(startTime(process.pid))
    expect(startTime(1)).toMatch(/^\d+$/)
    const gone = spawnSync('sh', ['-c', 'echo $$'], {encoding: 'utf8'}).stdout.trim()
    expect(startTime(Number(gone))).toBeUndefined()
  })
})
