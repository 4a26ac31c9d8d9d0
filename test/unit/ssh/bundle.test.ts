import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {tarball} from '../../../src/ssh/bundle.js'

describe('bundle tarball', () => {
  it('is a ustar archive GNU tar extracts with contents, modes and long paths intact', () => {
    const long = `/etc/${'deep/'.repeat(25)}main.cf`
    const files = [
      {path: '/etc/postfix/main.cf', content: 'myhostname = mx1\n', mode: 0o644},
      {path: '/etc/opendkim/keys/mail.private', content: Buffer.from([0, 1, 2, 255]), mode: 0o600},
      {path: '/etc/ünïcode/名前.conf', content: '字\n', mode: 0o640},
      {path: long, content: 'x'.repeat(1000), mode: 0o600},
    ]
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'))
    writeFileSync(join(dir, 'b.tar'), tarball(files))
    execFileSync('tar', ['-x', '-p', '-f', join(dir, 'b.tar'), '-C', dir])
    for (const file of files) {
      const path = join(dir, file.path)
      expect(readFileSync(path)).toEqual(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
      expect(statSync(path).mode & 0o777).toBe(file.mode)
    }
  })
})
