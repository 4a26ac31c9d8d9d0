import {describe, expect, it} from 'vitest'

import {mailops} from '../helpers/cli.js'

// Both stop at flag parsing or the lab's host list, before anything needs root or touches a host.
describe('mailops lab up --delay', () => {
  it('takes the documented HOST=MS,LOSS% as one value: the comma is not a list separator', () => {
    const result = mailops(['lab', 'up', '--name', 'exnone', '--hosts', '1', '--delay', 'node2=80,1%', '--delay', 'node3=40'])
    expect(result.code).toBe(2)
    // The value reached the lab whole and named a host it does not have; it was not cut at the comma.
    expect(result.stderr).toContain("no host 'node2' in lab exnone; hosts: node1")
    expect(result.stderr).not.toContain("'1%'")
  })

  it('shows the accepted forms when a value is wrong', () => {
    const result = mailops(['lab', 'up', '--name', 'exnone', '--delay', 'node2=80,1'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--delay 'node2=80,1' is not HOST=MS or HOST=MS,LOSS%: write e.g. --delay node2=80 or --delay node2=80,1%")
  })
})

describe('mailops lab up --link and --region', () => {
  it('refuses a bad value, a region no host is in and an unknown host with exit 2, before anything is made', () => {
    const cases: Array<[string[], string]> = [
      [['--link', 'apac:europe=fast'], "--link 'apac:europe=fast' is not REGION:REGION=MS[,LOSS%][,flows=FLOWS%]"],
      [['--link', 'apac:mars=150,5%'], "--link names region 'mars', which no host of the lab is in; regions: apac, europe, americas"],
      [['--region', 'node1=hq', '--link', 'apac:europe=150'], "--link names region 'apac', which no host of the lab is in; regions: hq, europe, americas"],
      [['--link', 'apac:europe=150', '--link', 'europe:apac=5'], '--link gives the regions apac:europe twice'],
      [['--region', 'node1'], "--region 'node1' is not HOST=REGION"],
      [['--region', 'node7=hq'], "no host 'node7' in lab exnone; hosts: node1, node2, node3"],
    ]
    for (const [flags, message] of cases) {
      const result = mailops(['lab', 'up', '--name', 'exnone', ...flags])
      expect(result.code, flags.join(' ')).toBe(2)
      expect(result.stderr).toContain(message)
    }
  })
})

describe('mailops lab up --tls', () => {
  it('refuses ACME on hosts without systemd (their certificate could never be renewed), before anything is made', () => {
    const result = mailops(['lab', 'up', '--name', 'exnone', '--hosts', '1', '--os', 'controller', '--tls', 'acme'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--tls acme needs booted hosts (--os debian13 or debian12)')
  })

  it('names the valid choices', () => {
    const result = mailops(['lab', 'up', '--name', 'exnone', '--tls', 'letsencrypt'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/ca, acme/)
  })
})
