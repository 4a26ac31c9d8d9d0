// A lab peer's SMTP server (test/helpers/smtp-peer.ts, startLabPeer): run inside the peer's
// network namespace as `node --import tsx peer-server.ts ADDRESS LOG`. It offers STARTTLS, keeps
// no message, and appends one JSON line per accepted message to LOG: the ms timestamp at which it
// accepted DATA (the 250 it is about to send), the envelope and the Subject, so that a test can
// measure submission → acceptance "at the peer". Says "ready" on stdout once it listens.
import {appendFileSync} from 'node:fs'
import {SMTPServer} from 'smtp-server'

import {selfSignedCertificate} from './smtp-peer.js'

const [address, log] = process.argv.slice(2)
const server = new SMTPServer({
  ...selfSignedCertificate(address),
  authOptional: true,
  logger: false,
  disableReverseLookup: true,
  onData(stream, session, done) {
    let head = ''
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 16_384) head += chunk.toString('latin1')
    })
    stream.on('end', () => {
      const acceptedAt = Date.now()
      const subject = /^Subject: *(.*?)\r?$/im.exec(head.split(/\r?\n\r?\n/)[0])?.[1] ?? null
      const line = {acceptedAt, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address), subject, client: session.remoteAddress}
      appendFileSync(log, JSON.stringify(line) + '\n')
      done()
    })
  },
})
server.listen(25, address, () => process.stdout.write('ready\n'))
