import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {parsePingOutput, pingTiming} from '../../../src/latency/probes/icmp.js'
import {remoteProbeScript} from '../../../src/latency/remote.js'
import {latencyCsv} from '../../../src/latency/latency-tables.js'
import {parseHost, selectTargets} from '../../../src/latency/targets.js'

const output = `PING 198.18.0.12 (198.18.0.12) 56(84) bytes of data.
64 bytes from 198.18.0.12: icmp_seq=1 ttl=64 time=80.6 ms
64 bytes from 198.18.0.12: icmp_seq=3 ttl=64 time=80.7 ms
64 bytes from 198.18.0.12: icmp_seq=4 ttl=64 time=1500 ms
64 bytes from 198.18.0.12: icmp_seq=4 ttl=64 time=80.9 ms (DUP!)

--- 198.18.0.12 ping statistics ---
5 packets transmitted, 3 received, 40% packet loss, time 804ms`

describe('ICMP probe', () => {
  it('reads one RTT per sequence number; missing and late replies are lost', () => {
    expect(parsePingOutput(output, {count: 5, intervalMs: 200, timeoutMs: 1000})).toEqual([80.6, null, 80.7, 80.9, null])
  })

  it('passes sub-second interval and timeout to iputils ping, and a deadline for the whole run', () => {
    expect(pingTiming({count: 11, intervalMs: 200, timeoutMs: 500})).toEqual(['-i', '0.200', '-W', '0.500', '-w', '4'])
  })

  it('keeps a hostile host name data in the remote script: run by a shell, it runs nothing of it', () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'mailops-quote-')), 'ran')
    const host = `evil'; touch ${marker}; echo '$(touch ${marker})`
    const script = remoteProbeScript(
      [{id: 'a', host, probe: 'icmp'}, {id: 'b', host, port: 25, probe: 'smtp'}, {id: 'c', host, port: 25, probe: 'tcp'}],
      {samples: 1, warmup: 0, intervalMs: 50, timeoutMs: 200, concurrency: 1},
    )
    const out = execFileSync('sh', ['-c', script], {encoding: 'utf8'})
    expect(existsSync(marker)).toBe(false)
    expect(out.match(/unresolved/g)).toHaveLength(2)
  })
})

describe('targets', () => {
  it('parses host, host:port and [v6]:port', () => {
    expect(parseHost('mx1.example.com')).toEqual({id: 'mx1.example.com', host: 'mx1.example.com'})
    expect(parseHost('198.18.0.11:25')).toEqual({id: '198.18.0.11:25', host: '198.18.0.11', port: 25})
    expect(parseHost('[::1]:2525')).toEqual({id: '[::1]:2525', host: '::1', port: 2525})
    expect(parseHost('::1')).toEqual({id: '::1', host: '::1'})
    for (const bad of ['', 'a b', '-x.com', 'x.com:0', 'x.com:99999', '[mx.com]:25']) expect(() => parseHost(bad)).toThrow(/is not a host/)
  })

  it('selects bundled regions by zone and cloud, one target per probe kind, default ports', () => {
    const targets = selectTargets({zones: ['apac'], clouds: ['gcp'], probes: ['icmp', 'tcp']})
    expect(targets.map((t) => `${t.id}/${t.probe}/${t.port ?? '-'}`)).toEqual([
      'gcp-asia-southeast1/icmp/-',
      'gcp-asia-southeast1/tcp/443',
      'gcp-asia-northeast1/icmp/-',
      'gcp-asia-northeast1/tcp/443',
      'gcp-asia-south1/icmp/-',
      'gcp-asia-south1/tcp/443',
    ])
    expect(selectTargets({hosts: ['198.18.0.11'], probes: ['smtp']})[0].port).toBe(25)
  })
})

describe('CSV', () => {
  it('quotes fields with commas, quotes and newlines', () => {
    const csv = latencyCsv({
      measuredAt: '2026-11-22T00:00:00.000Z',
      targets: [{id: 'a', host: 'h', probe: 'tcp', port: 25, from: 'local', error: 'said "no", twice', stats: {sent: 1, n: 0, min: null, p50: null, mean: null, p95: null, max: null, stddev: null, jitter: null, masd: null, loss: 100}}],
    })
    expect(csv.split('\r\n')[1]).toBe('local,a,h,25,tcp,,,,1,0,,,,,,,,,100,,"said ""no"", twice"')
  })
})
