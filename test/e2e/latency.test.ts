import {createServer, type Server} from 'node:net'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {LatencyReport} from '../../src/config/schemas/latency.js'
import {mailops, mailopsAsync, tempFile} from '../helpers/cli.js'
import {behindLink, FAR, NEAR} from '../helpers/emulated-link.js'
import {expectValid} from '../helpers/schema.js'
import {startSmtpPeer} from '../helpers/smtp-peer.js'

const lab = inject('lab')

describe('mailops latency against real targets', () => {
  // Accuracy against iputils ping: test/timing/latency-accuracy.test.ts, run on a quiet machine.
  describe('on loopback services', () => {
    let smtp: Awaited<ReturnType<typeof startSmtpPeer>>
    let listener: Server
    let tcpPort: number
    beforeAll(async () => {
      smtp = await startSmtpPeer()
      listener = createServer((socket) => socket.destroy())
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
      tcpPort = (listener.address() as AddressInfo).port
    })
    afterAll(async () => {
      await smtp.close()
      listener.close()
    })

    it('times each SMTP phase: connect, banner, EHLO, STARTTLS, TLS handshake, QUIT', async () => {
      const result = await mailopsAsync(['latency', '--probe', 'smtp', `127.0.0.1:${smtp.port}`, '--samples', '5', '--interval', '50ms', '--json'])
      expect(result.code, result.stderr).toBe(0)
      const [target] = result.json().targets
      expect(target.stats).toMatchObject({n: 5, loss: 0})
      expect(Object.keys(target.phases)).toEqual(['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit'])
      for (const phase of Object.values(target.phases) as Array<{n: number; p50: number}>) {
        expect(phase.n).toBe(5)
        expect(phase.p50).toBeGreaterThan(0)
      }
      const sum = Object.values(target.phases as Record<string, {mean: number}>).reduce((s, p) => s + p.mean, 0)
      expect(target.stats.mean).toBeCloseTo(sum, 6)
      const human = await mailopsAsync(['latency', '--probe', 'smtp', `127.0.0.1:${smtp.port}`, '--samples', '2', '--interval', '20ms'])
      expect(human.stdout).toContain('SMTP phases (median ms)')
    })

    it('counts a closed port as loss, never as zero, and exits 3 when nothing answered', () => {
      listener.close()
      const result = mailops(['latency', '--probe', 'tcp', `127.0.0.1:${tcpPort}`, '--samples', '3', '--interval', '20ms', '--timeout', '200ms', '--json'])
      expect(result.code).toBe(3)
      const [target] = result.json().targets
      expect(target.stats).toMatchObject({sent: 3, n: 0, loss: 100, p50: null, min: null})
      expect(target.error).toContain(`no TCP handshake with 127.0.0.1:${tcpPort}`)
    })

    it('writes RFC 4180 CSV', () => {
      const result = mailops(['latency', '--probe', 'icmp', '127.0.0.1', '--samples', '2', '--interval', '20ms', '--format', 'csv'])
      const [header, row] = result.stdout.split('\r\n')
      expect(header).toBe('from,id,host,port,probe,cloud,region,zone,sent,n,min,p50,mean,p95,max,stddev,jitter,masd,loss,dnsMs,error')
      expect(row).toMatch(/^local,127\.0\.0\.1,127\.0\.0\.1,,icmp,,,,2,2,/)
    })
  })

  it('probes from every inventory node over SSH: one matrix row per node', () => {
    const result = mailops(['latency', '-i', lab.inventory, '--probe', 'icmp', FAR.address, NEAR, '--samples', '10', '--interval', '50ms', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(LatencyReport, report)
    const p50 = (from: string, id: string) => report.targets.find((t: {from: string; id: string}) => t.from === from && t.id === id).stats.p50
    expect(report.targets).toHaveLength(8)
    expect(behindLink(p50('node1', FAR.address)), `node1 → far ${p50('node1', FAR.address)}`).toBe(true)
    expect(p50('node2', NEAR)).toBeLessThan(2)
    // From node4 everything is behind its own slow link.
    expect(behindLink(p50('node4', NEAR)), `node4 → near ${p50('node4', NEAR)}`).toBe(true)
    const human = mailops(['latency', '-i', lab.inventory, '--probe', 'icmp', NEAR, '--samples', '2', '--interval', '20ms'])
    expect(human.stdout).toContain('Median RTT (ms): vantage points × targets')
  })

  it('probes TCP and SMTP phase by phase from every node, in bash on the node: the far node behind its link, STARTTLS seen where offered', async () => {
    // Peers on the lab bridge, which every node reaches.
    const bridge = `${NEAR.replace(/\d+$/, '')}1`
    const withTls = await startSmtpPeer({host: bridge})
    const plain = await startSmtpPeer({host: bridge, starttls: false})
    try {
      const targets = tempFile('targets.yaml', [
        'targets:',
        `  - {id: tls.example, host: ${bridge}, port: ${withTls.port}, probe: smtp}`,
        `  - {id: plain.example, host: ${bridge}, port: ${plain.port}, probe: smtp}`,
        `  - {id: tcp.example, host: ${bridge}, port: ${withTls.port}, probe: tcp}`,
        `  - {id: closed.example, host: ${bridge}, port: 9, probe: smtp}`,
        '',
      ].join('\n'))
      const result = await mailopsAsync(['latency', '-i', lab.inventory, '--targets', targets, '--samples', '5', '--interval', '100ms', '--timeout', '1s', '--json'])
      expect(result.code, result.stderr).toBe(0)
      const report = result.json()
      expectValid(LatencyReport, report)
      const row = (from: string, id: string) => report.targets.find((t: {from: string; id: string}) => t.from === from && t.id === id)
      expect(Object.keys(row('node1', 'tls.example').phases)).toEqual(['connect', 'banner', 'ehlo', 'starttls'])
      expect(Object.keys(row('node1', 'plain.example').phases)).toEqual(['connect', 'banner', 'ehlo', 'quit'])
      expect(row('node1', 'tls.example').stats).toMatchObject({n: 5, loss: 0})
      expect(row('node1', 'tcp.example').stats.p50).toBeLessThan(FAR.delayMs / 2)
      // node4 is behind its 30 ms link: each round trip of the session crosses it.
      for (const phase of ['connect', 'ehlo', 'starttls']) expect(behindLink(row('node4', 'tls.example').phases[phase].p50), `node4 ${phase}`).toBe(true)
      expect(behindLink(row('node4', 'tcp.example').stats.p50)).toBe(true)
      expect(row('node2', 'closed.example')).toMatchObject({stats: {n: 0, loss: 100}, error: `no SMTP session with ${bridge}:9`})
    } finally {
      await withTls.close()
      await plain.close()
    }
  })

  it('feeds measured latency into the score', () => {
    const targets = tempFile('targets.yaml', `targets:\n  - {id: azure-lab-eu, host: ${FAR.address}, port: 22, cloud: azure, zone: europe}\n  - {id: alibaba-lab-eu, host: ${NEAR}, port: 22, cloud: alibaba, zone: europe}\n`)
    const latency = mailops(['latency', '--targets', targets, '--samples', '10', '--interval', '20ms', '--json'])
    expect(latency.code, latency.stderr).toBe(0)
    // The score takes the figure the latency report measured for the provider's region, as is.
    const measured = latency.json().targets.find((t: {id: string}) => t.id === 'azure-lab-eu').stats.p50
    expect(behindLink(measured), `measured ${measured}`).toBe(true)
    const file = tempFile('latency.json', latency.stdout)
    const score = mailops(['score', '--latency', file, '--json']).json()
    const m365 = score.ranking.find((r: {id: string}) => r.id === 'm365')
    expect(m365.sources['network.latency']).toBe('measured')
    expect(m365.values['network.latency'], `score used ${m365.values['network.latency']} ms, the report measured ${measured} ms`).toBeCloseTo(measured, 0)
  })
})

describe('mailops latency rejects bad input before probing anything', () => {
  it.each([
    [['--region', 'aws-mars-1'], "unknown region 'aws-mars-1'; valid: aws-us-east-1"],
    [['--zone', 'africa'], 'Expected --zone=africa to be one of: apac, europe, americas'],
    [['bad_host!'], "'bad_host!' is not a host"],
    [['198.18.1.11:70000'], "'198.18.1.11:70000' is not a host"],
    [['--samples', '0', '127.0.0.1'], 'Expected an integer greater than or equal to 1'],
    [['--interval', '-5', '127.0.0.1'], '--interval'],
    [['--targets', '/nonexistent/targets.yaml'], 'cannot read /nonexistent/targets.yaml: no such file'],
  ])('%j', (args, message) => {
    const result = mailops(['latency', ...args])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toContain('probing')
  })

  it('names the line of a bad targets file', () => {
    const file = tempFile('targets.yaml', 'targets:\n  - {id: a, host: 198.18.1.11, probe: udp}\n')
    const result = mailops(['latency', '--targets', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${file}:2:39: targets[0].probe`)
  })
})
