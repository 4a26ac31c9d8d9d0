import {describe, expect, it} from 'vitest'

import {labZoneNames, labZones, LAB_NSD_PORT, nsdConfig, resolvConf, reverseZone, unboundConfig} from '../../../src/lab/dns.js'
import {initScript} from '../../../src/lab/scripts.js'
import {labSpec} from '../../../src/lab/spec.js'

const spec = labSpec('dnsx', 2, '198.18.45.0/24')
const dir = '/var/lib/mailops/lab/dnsx'

describe("the lab's DNS", () => {
  it("serves the hosts' names and PTRs until records are published, then exactly the published ones", () => {
    expect(reverseZone(spec)).toBe('45.18.198.in-addr.arpa')
    const fresh = labZones(spec, 7)
    expect(fresh.forward).toMatch(/^\$ORIGIN dnsx\.mailops\.test\.\n/)
    expect(fresh.forward).toContain('@ IN SOA ns.dnsx.mailops.test. hostmaster.dnsx.mailops.test. 7 ')
    expect(fresh.forward).toContain('ns IN A 198.18.45.1\n')
    expect(fresh.forward).toMatch(/^node2\.dnsx\.mailops\.test\.\t3600\tIN\tA\t198\.18\.45\.12$/m)
    expect(fresh.reverse).toContain('12.45.18.198.in-addr.arpa. IN PTR node2.dnsx.mailops.test.\n')
    // The edges serve MTA-STS there: an ACME server validates that name of an edge's certificate on it (node1 is the core).
    expect(fresh.forward).toMatch(/^mta-sts\.dnsx\.mailops\.test\.\t3600\tIN\tA\t198\.18\.45\.12$/m)
    expect(fresh.forward).not.toMatch(/^mta-sts\..*\t198\.18\.45\.11$/m)
    const published = labZones(spec, 8, [
      {name: 'dnsx.mailops.test.', type: 'TXT', value: 'v=spf1 ip4:198.18.45.11 -all', comment: 'SPF'},
      {name: '11.45.18.198.in-addr.arpa.', type: 'PTR', value: 'node1.dnsx.mailops.test.', comment: 'set by the owner of the address'},
    ])
    expect(published.forward).toContain('dnsx.mailops.test.\t3600\tIN\tTXT\t"v=spf1 ip4:198.18.45.11 -all"')
    expect(published.forward).not.toContain('node2.dnsx')
    // In the lab the reverse zone is the lab's own: its PTRs are served, not commented out.
    expect(published.reverse).toContain('\n11.45.18.198.in-addr.arpa. IN PTR node1.dnsx.mailops.test.\n')
    expect(published.reverse).not.toContain(';')
  })

  it('listens on the bridge only; the resolver asks NSD for the lab zones and nobody for anything else', () => {
    const nsd = nsdConfig(spec, dir)
    expect(nsd).toContain('  ip-address: 198.18.45.1\n')
    expect(nsd).toContain(`  port: ${LAB_NSD_PORT}\n`)
    expect(nsd.match(/ip-address:/g)).toHaveLength(1)
    const anchor = 'dnsx.mailops.test. IN DS 42862 13 2 9728407803d9a11459f05236cfda75d9fcf352cef8b57bad17aa2cc916ef9239'
    const unbound = unboundConfig(spec, dir, [anchor])
    expect(unbound).toContain('  interface: 198.18.45.1\n  port: 53\n')
    expect(unbound.match(/interface:/g)).toHaveLength(2) // interface + outgoing-interface, both the bridge
    expect(unbound).toContain('  access-control: 198.18.45.0/24 allow\n')
    expect(unbound).not.toMatch(/forward-zone|forward-addr|root-hints/)
    expect(unbound).toContain('  local-zone: "." static\n')
    // It validates, from the lab zone's own DS ("." is out of reach), and serves NSD's signed zone files.
    expect(unbound).toContain('  module-config: "validator iterator"\n')
    expect(unbound).toContain(`  trust-anchor: "${anchor}"\n`)
    expect(nsd).toContain(`  zonefile: ${dir}/dns/forward.zone.signed\n`)
    expect(nsd).toContain(`  zonefile: ${dir}/dns/reverse.zone.signed\n`)
    for (const zone of ['dnsx.mailops.test.', '45.18.198.in-addr.arpa.']) {
      expect(unbound).toContain(`  local-zone: "${zone}" transparent\n`)
      expect(unbound).toContain(`stub-zone:\n  name: "${zone}"\n  stub-addr: 198.18.45.1@${LAB_NSD_PORT}\n`)
    }
  })

  it("serves the peers' domains, with their MX, in a zone of their own that publishing leaves alone", () => {
    const withPeers = labSpec('dnsx', 1, '198.18.45.0/24', {}, 2)
    expect(labZoneNames(spec)).toEqual(['dnsx.mailops.test', '45.18.198.in-addr.arpa'])
    expect(labZoneNames(withPeers)).toEqual(['dnsx.mailops.test', '45.18.198.in-addr.arpa', 'example'])
    const zones = labZones(withPeers, 9, [{name: 'dnsx.mailops.test.', type: 'TXT', value: 'v=spf1 -all'}])
    expect(zones.peers).toMatch(/^\$ORIGIN example\.\n/)
    expect(zones.peers).toContain('peer2.example.\t3600\tIN\tMX\t10 mx.peer2.example.\n')
    expect(zones.peers).toContain('mx.peer2.example.\t3600\tIN\tA\t198.18.45.13\n')
    expect(nsdConfig(withPeers, dir)).toContain(`zone:\n  name: example\n  zonefile: ${dir}/dns/peers.zone.signed\n`)
    expect(nsdConfig(spec, dir)).not.toContain('peers.zone')
    expect(unboundConfig(withPeers, dir, [])).toContain(`stub-zone:\n  name: "example."\n  stub-addr: 198.18.45.1@${LAB_NSD_PORT}\n`)
  })

  it("points every host's /etc/resolv.conf at the lab's resolver, replacing a symlink instead of writing through it", () => {
    expect(resolvConf(spec)).toMatch(/^nameserver 198\.18\.45\.1\n/)
    const init = initScript(spec.hosts[0], `${dir}/hosts/node1`)
    expect(init).toContain('rm -f "$R/etc/resolv.conf"\ncp "$S/resolv.conf" "$R/etc/resolv.conf"\n')
  })
})
