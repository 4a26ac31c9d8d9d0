import {createServer, type AddressInfo, type Socket} from 'node:net'
import {describe, expect, it} from 'vitest'

import {smtpSessionOnce} from '../../../src/latency/probes/smtp.js'
import {startSmtpPeer} from '../../helpers/smtp-peer.js'

describe("latency's SMTP probe (the mail-protocol client verify uses)", () => {
  it('times every phase of a session with STARTTLS, on a real SMTP server on loopback', async () => {
    const peer = await startSmtpPeer()
    try {
      const sample = await smtpSessionOnce('127.0.0.1', peer.port, 'localhost', 5000)
      for (const phase of ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit'] as const) expect(sample[phase], phase).toBeGreaterThanOrEqual(0)
      expect(sample.total).toBeCloseTo(['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit'].reduce((s, p) => s + sample[p as 'tls']!, 0), 6)
    } finally {
      await peer.close()
    }
  })

  it('loses the sample, within its timeout, to a server that never greets, and leaves no socket open', async () => {
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const started = performance.now()
      const sample = await smtpSessionOnce('127.0.0.1', (server.address() as AddressInfo).port, 'localhost', 300)
      expect(sample.total).toBeNull()
      expect(sample.connect).toBeGreaterThanOrEqual(0)
      expect(sample.banner).toBeUndefined()
      expect(performance.now() - started).toBeLessThan(2000)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(sockets.size).toBe(0)
    } finally {
      server.close()
    }
  })

  it('loses the sample when the server refuses the session (554 greeting)', async () => {
    const server = createServer((socket) => socket.end('554 no service\r\n'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const sample = await smtpSessionOnce('127.0.0.1', (server.address() as AddressInfo).port, 'localhost', 2000)
      expect(sample.total).toBeNull()
      expect(sample.ehlo).toBeUndefined()
    } finally {
      server.close()
    }
  })
})
