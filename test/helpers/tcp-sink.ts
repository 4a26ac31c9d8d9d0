import {createServer, type AddressInfo} from 'node:net'
import {afterAll, beforeAll} from 'vitest'

/**
 * A TCP port on loopback for latency's tcp probe, for the tests of a describe block. The kernel
 * completes the handshake on a listening socket, so the probe is answered even while the test
 * process waits for the CLI; each connection is closed at once.
 */
export function tcpSink(): {readonly port: number} {
  const server = createServer((socket) => socket.destroy())
  const sink = {port: 0}
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    sink.port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return sink
}
