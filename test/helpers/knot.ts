import {type ChildProcess, execFileSync, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A free TCP port on loopback (Knot takes the same number for UDP). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

export interface KnotPrimary {
  port: number
  /** the key the zone's update ACL allows (a BIND key file, as tsig-keygen writes it) */
  keyFile: string
  /** the same key name with another secret */
  wrongKeyFile: string
  secret: string
  dig: (name: string, type: string) => string[]
  serial: () => number
  stop: () => void
}

const keyFileText = (secret: string) => `key "mailops-update" {\n\talgorithm hmac-sha256;\n\tsecret "${secret}";\n};\n`

/**
 * Knot DNS (Debian's knot) on loopback as a domain's primary that accepts RFC 2136 updates signed
 * with one TSIG key: the operator's server `dns --apply --server` pushes to.
 */
export async function startKnot(zone: string, zoneText: string): Promise<KnotPrimary> {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-knot-'))
  const port = await freePort()
  const secret = randomBytes(32).toString('base64')
  writeFileSync(join(dir, 'zone'), zoneText)
  writeFileSync(
    join(dir, 'knot.conf'),
    [
      'server:',
      `    listen: 127.0.0.1@${port}`,
      `    rundir: ${dir}`,
      'database:',
      `    storage: ${dir}`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      'key:',
      '  - id: mailops-update',
      '    algorithm: hmac-sha256',
      `    secret: ${secret}`,
      'acl:',
      '  - id: update',
      '    key: mailops-update',
      '    action: update',
      'zone:',
      `  - domain: ${zone}`,
      `    file: ${join(dir, 'zone')}`,
      '    acl: update',
      '    zonefile-sync: -1',
      '',
    ].join('\n'),
  )
  const keyFile = join(dir, 'mailops.key')
  const wrongKeyFile = join(dir, 'wrong.key')
  writeFileSync(keyFile, keyFileText(secret), {mode: 0o600})
  writeFileSync(wrongKeyFile, keyFileText(randomBytes(32).toString('base64')), {mode: 0o600})
  const knotd: ChildProcess = spawn('knotd', ['-c', join(dir, 'knot.conf')], {stdio: ['ignore', 'ignore', 'pipe']})
  let log = ''
  knotd.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const dig = (name: string, type: string) =>
    spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+tcp', '+norec', '+short', '+time=2', '+tries=1', name, type], {encoding: 'utf8'}).stdout.trim().split('\n').filter(Boolean)
  const serial = () => Number(dig(zone, 'SOA')[0]?.split(' ')[2] ?? Number.NaN)
  for (let i = 0; i < 50 && !(serial() > 0); i++) {
    if (knotd.exitCode !== null) throw new Error(`knotd exited: ${log}`)
    execFileSync('sleep', ['0.1'])
  }
  if (!(serial() > 0)) throw new Error(`knotd does not answer on 127.0.0.1:${port}: ${log}`)
  return {port, keyFile, wrongKeyFile, secret, dig, serial, stop: () => knotd.kill()}
}
