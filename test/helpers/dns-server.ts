import {type ChildProcess, spawn} from 'node:child_process'
import {Resolver} from 'node:dns/promises'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type DnsRecord, zoneSnippet} from '../../src/dns/records.js'

/**
 * A real authoritative DNS server (NSD) on a lab address, serving the records `mailops dns`
 * printed: the domain's zone, and the reverse zone of the lab /24 with its PTR records.
 */
export async function startNsd(options: {address: string; domain: string; records: DnsRecord[]}): Promise<{stop: () => Promise<void>}> {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-nsd-'))
  const reverse = `${options.address.split('.').slice(0, 3).reverse().join('.')}.in-addr.arpa`
  const head = (origin: string) => `$ORIGIN ${origin}.\n$TTL 300\n@ IN SOA ns.${options.domain}. hostmaster.${options.domain}. 1 3600 600 86400 300\n@ IN NS ns.${options.domain}.\n`
  writeFileSync(join(dir, 'forward.zone'), `${head(options.domain)}ns IN A ${options.address}\n${zoneSnippet(options.records.filter((r) => r.type !== 'PTR'))}`)
  writeFileSync(join(dir, 'reverse.zone'), `${head(reverse)}${options.records.filter((r) => r.type === 'PTR').map((r) => `${r.name} IN PTR ${r.value}`).join('\n')}\n`)
  writeFileSync(
    join(dir, 'nsd.conf'),
    [
      'server:',
      `  ip-address: ${options.address}`,
      '  port: 53',
      '  server-count: 1',
      '  username: ""',
      `  zonesdir: "${dir}"`,
      `  pidfile: "${dir}/nsd.pid"`,
      `  xfrdfile: "${dir}/xfrd.state"`,
      `  zonelistfile: "${dir}/zone.list"`,
      '  database: ""',
      `  logfile: "${dir}/nsd.log"`,
      'remote-control:',
      '  control-enable: no',
      'zone:',
      `  name: ${options.domain}`,
      '  zonefile: forward.zone',
      'zone:',
      `  name: ${reverse}`,
      '  zonefile: reverse.zone',
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn('nsd', ['-d', '-c', join(dir, 'nsd.conf')], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const resolver = new Resolver({timeout: 200, tries: 1})
  resolver.setServers([options.address])
  for (let i = 0; ; i++) {
    try {
      await resolver.resolveSoa(options.domain)
      break
    } catch (error) {
      if (child.exitCode !== null || i > 50) {
        child.kill()
        let log = ''
        try {
          log = readFileSync(join(dir, 'nsd.log'), 'utf8')
        } catch {}
        throw new Error(`nsd did not start (is the Debian package nsd installed?): ${stderr}${log} ${(error as Error).message}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
