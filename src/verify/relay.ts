import {createServer, type Socket} from 'node:net'

import type {FleetSession} from '../fleet/session.js'
import type {SshTarget} from '../ssh/connection.js'

/** A port on loopback whose connections reach address:port from another host. */
export interface Relay {
  address: string
  port: number
  close(): Promise<void>
}

/**
 * Each connection to the relay (127.0.0.1 only) goes on from `via`, over the run's SSH session
 * (a direct-tcpip channel): the target sees `via`'s address as its client. That is how verify
 * checks the core's port 25, which the firewall opens to the edges alone - as an edge sees it.
 */
export async function openRelay(session: FleetSession, via: SshTarget, address: string, port: number): Promise<Relay> {
  const open = new Set<Socket>()
  const server = createServer((socket) => {
    open.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => open.delete(socket))
    session
      .connection(via)
      .then((connection) => connection.forward(address, port))
      .then(
        (stream) => {
          stream.on('error', () => {})
          socket.pipe(stream).pipe(socket)
          socket.once('close', () => stream.destroy())
          stream.once('close', () => socket.destroy())
        },
        () => socket.destroy(),
      )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const local = server.address() as {port: number}
  return {
    address: '127.0.0.1',
    port: local.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
