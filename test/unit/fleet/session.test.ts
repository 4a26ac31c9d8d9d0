import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/errors.js'
import {failureOf, runExit} from '../../../src/fleet/session.js'
import {HostError} from '../../../src/ssh/errors.js'

describe('the fleet session’s one exit-code rule', () => {
  it('ranks an unreachable host (3) over a failed step (1) over success (0)', () => {
    expect(runExit([{ok: true}])).toBe(ExitCode.ok)
    expect(runExit([{ok: true}, {ok: false, error: {code: 'APPLY_FAILED'}}])).toBe(ExitCode.checksFailed)
    expect(runExit([{ok: false, error: {code: 'APPLY_FAILED'}}, {ok: false, error: {code: 'CONNECT_TIMEOUT'}}])).toBe(ExitCode.unreachable)
  })

  it('gives a host error the exit of what happened: 3 only when the host could not be reached or used', () => {
    // dns used to exit 3 when the core it had reached had no DKIM key.
    expect(new HostError('mx1', 'DKIM_KEY_MISSING', 'no DKIM key').exit).toBe(ExitCode.checksFailed)
    expect(new HostError('mx1', 'PROBE_FAILED', 'exit 2').exit).toBe(ExitCode.checksFailed)
    for (const code of ['CONNECT_TIMEOUT', 'HOST_KEY_MISMATCH', 'AUTH_FAILED', 'CONNECTION_LOST', 'PROBE_TIMEOUT']) expect(new HostError('mx1', code, 'x').exit).toBe(ExitCode.unreachable)
  })

  it('reports any failure as code, message and hint', () => {
    expect(failureOf(new HostError('mx1', 'HOST_BUSY', 'busy', 'wait'))).toEqual({code: 'HOST_BUSY', message: 'mx1: busy', hint: 'wait'})
    expect(failureOf(new Error('boom'))).toMatchObject({code: 'INTERNAL', message: 'boom'})
  })
})
