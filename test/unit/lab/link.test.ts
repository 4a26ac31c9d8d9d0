import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {FORWARDER_PY, parseImpairment, perDirectionLoss, untilReady} from '../../../src/lab/link.js'

describe('link impairment', () => {
  it('reads HOST=MS[,LOSS%]', () => {
    expect(parseImpairment('node2=80,1%')).toEqual({host: 'node2', impairment: {delayMs: 80, lossPercent: 1}})
    expect(parseImpairment('node3=12.5ms')).toEqual({host: 'node3', impairment: {delayMs: 12.5, lossPercent: 0}})
    for (const bad of ['node2', 'node2=-1', 'node2=80,100%', 'node2=fast', '=80']) expect(() => parseImpairment(bad)).toThrow(/HOST=MS/)
  })

  it('splits round-trip loss so that both directions together lose the asked share', () => {
    const p = perDirectionLoss(19)
    expect(1 - (1 - p) ** 2).toBeCloseTo(0.19, 12)
    expect(perDirectionLoss(0)).toBe(0)
  })
})

describe('the link forwarder says ready', () => {
  // The lab closes the forwarder's stdout once it is ready: a write after that kills the
  // forwarder (EPIPE). print("ready") wrote "ready" and "\n" apart, and the lab closed the pipe on
  // the first piece, so under load the forwarder died right after saying ready (CI saw it).
  it('is not ready on part of the line, only on the whole of it', async () => {
    const stdout = new PassThrough()
    let ready = false
    const waiting = untilReady(stdout).then(() => (ready = true))
    stdout.write('ready')
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBe(false)
    stdout.write('\n')
    await waiting
    expect(ready).toBe(true)
  })

  it('fails when the forwarder ends without the line', async () => {
    const stdout = new PassThrough()
    const waiting = untilReady(stdout)
    stdout.end('rea')
    await expect(waiting).rejects.toThrow('ended before its ready line ("rea")')
  })

  it('announces in one write, its only one on stdout', () => {
    const lines = FORWARDER_PY.split('\n').filter((l) => !l.trim().startsWith('#'))
    expect(lines.filter((l) => /print\(|sys\.stdout|os\.write\(1,/.test(l))).toEqual(['os.write(1, b"ready\\n")'])
  })
})
