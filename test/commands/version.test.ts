import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailops, ROOT} from '../helpers/cli.js'

describe('mailops --version', () => {
  it("answers in exactly oclif's own format", () => {
    const fast = mailops(['--version'])
    // bin/dev.js goes through oclif for every argument, --version included.
    const viaOclif = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'dev.js'), '--version'], {encoding: 'utf8', cwd: ROOT})
    expect(fast.code).toBe(0)
    expect(viaOclif.status).toBe(0)
    expect(fast.stdout).toBe(viaOclif.stdout.split('\n').filter((l) => l.startsWith('mailops/')).join('\n') + '\n')
    expect(fast.stdout).toMatch(/^mailops\/\d+\.\d+\.\d+ linux-x64 node-v\d+/)
  })
})
