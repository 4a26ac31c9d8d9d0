import {spawn} from 'node:child_process'
import {createConnection, createServer} from 'node:net'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const DAEMON = fileURLToPath(new URL('../../../blueprints/outbound/templates/dane-policy', import.meta.url))

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })

/** Netstring requests on one connection, as Postfix's socketmap client sends them; the replies, decoded. */
function ask(port: number, requests: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => {
      data += chunk.toString()
      const replies = [...data.matchAll(/(\d+):([^]*?),/g)].map((m) => m[2])
      if (replies.length === requests.length) {
        socket.end()
        resolve(replies)
      }
    })
    socket.on('error', reject)
    socket.write(requests.map((r) => `${Buffer.byteLength(r)}:${r},`).join(''))
  })
}

// Keys that need no DNS answer (the controller's resolver is not the lab's: nothing is looked up here).
describe("the outbound blueprint's DANE policy map (the real daemon, Debian's python3)", () => {
  let port = 0
  let daemon: ReturnType<typeof spawn>
  beforeAll(async () => {
    port = await freePort()
    daemon = spawn('/usr/bin/python3', [DAEMON, String(port)], {stdio: 'ignore'})
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((resolve) => createConnection(port, '127.0.0.1').on('connect', function () { this.end(); resolve(true) }).on('error', () => resolve(false)))
      if (up) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('the DANE policy map did not listen')
  })
  afterAll(() => daemon.kill())

  it("answers NOTFOUND for a parent-domain lookup, a bracketed nexthop, a bare name and a name DNS cannot hold - on one connection, which stays up", async () => {
    // Postfix asks the domain, then ".example": the parent lookup once crashed the connection, and Postfix called that "client TLS configuration problem" and deferred the mail.
    const keys = ['.example', '[198.18.0.12]:25', 'localhost', 'a..b.example', `${'x'.repeat(64)}.example`]
    expect(await ask(port, keys.map((k) => `dane ${k}`))).toEqual(keys.map(() => 'NOTFOUND '))
    expect(await ask(port, ['dane .test'])).toEqual(['NOTFOUND '])
  })
})
