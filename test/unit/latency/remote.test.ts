import {spawn} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {NODE_SAMPLE_SH, parseNodeSamples} from '../../../src/latency/remote.js'
import {startSmtpPeer} from '../../helpers/smtp-peer.js'

/** The node's sampler, run by this machine's bash as a node runs it (async: the peer answers in this process). */
const sampleHere = (port: number, kind: 'tcp' | 'smtp') =>
  new Promise<string>((resolve) => {
    const child = spawn('bash', ['-c', NODE_SAMPLE_SH, '_', '127.0.0.1', String(port), kind, '2'], {env: {...process.env, LC_ALL: 'C'}})
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('close', (code) => resolve(code === 0 ? out.trim() : 'lost'))
  })

describe("the node's TCP/SMTP sampler", () => {
  it('stamps connect, banner, EHLO and STARTTLS (or QUIT) against a real SMTP server, and reads as a session', async () => {
    const withTls = await startSmtpPeer()
    const plain = await startSmtpPeer({starttls: false})
    try {
      const lines = [`0 ${await sampleHere(withTls.port, 'smtp')}`, `1 ${await sampleHere(plain.port, 'smtp')}`, `2 ${await sampleHere(withTls.port, 'tcp')}`, '3 lost']
      const [tls, noTls, tcp, lost] = parseNodeSamples(lines.join('\n'), 4)
      expect(Object.keys(tls)).toEqual(['connect', 'banner', 'ehlo', 'starttls', 'total'])
      expect(Object.keys(noTls)).toEqual(['connect', 'banner', 'ehlo', 'quit', 'total'])
      expect(Object.keys(tcp)).toEqual(['connect', 'total'])
      expect(tls.total).toBeCloseTo(tls.connect! + tls.banner! + tls.ehlo! + tls.starttls!, 6)
      expect(lost).toEqual({total: null})
    } finally {
      await withTls.close()
      await plain.close()
    }
  })

  it('subtracts $EPOCHREALTIME stamps exactly to the µs, and ignores what is not a sample line', () => {
    const [s] = parseNodeSamples('0\n0 ok 1733100000.999999 1733100001.000499 1733100001.100499 1733100001.101499 quit 1733100001.102000\nnoise\n9 ok 1 2', 1)
    expect(s).toEqual({connect: 0.5, banner: 100, ehlo: 1, quit: 0.501, total: 102.001})
  })
})
