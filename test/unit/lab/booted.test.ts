import {describe, expect, it} from 'vitest'

import {DEBIAN_SUITES, IMAGE_PACKAGES, imageDir} from '../../../src/lab/image.js'
import {mirrorFilter, proxyConfig} from '../../../src/lab/proxy.js'
import {bootScript, hostsFile, launchScript} from '../../../src/lab/scripts.js'
import {labSpec} from '../../../src/lab/spec.js'

describe('booted lab hosts', () => {
  it('keeps one image per release, and a different one when the package list changes', () => {
    expect(DEBIAN_SUITES).toEqual({debian13: 'trixie', debian12: 'bookworm'})
    expect(imageDir('debian13')).not.toBe(imageDir('debian12'))
    const before = imageDir('debian13')
    IMAGE_PACKAGES.push('less')
    try {
      expect(imageDir('debian13')).not.toBe(before)
    } finally {
      IMAGE_PACKAGES.pop()
    }
    expect(imageDir('debian13')).toBe(before)
    // Nothing mail-related is in the image: deploy installs it.
    expect(IMAGE_PACKAGES.filter((p) => /postfix|dovecot|opendkim/.test(p))).toEqual([])
  })

  it("runs apt's proxy on the bridge only, for the lab's subnet only, to the Debian mirror only", () => {
    const spec = labSpec('px', 2, '198.18.44.0/24')
    const conf = proxyConfig(spec, '/var/lib/mailops/lab/px')
    expect(conf).toContain('Listen 198.18.44.1\n')
    expect(conf).toContain('Allow 198.18.44.0/24\n')
    expect(conf).not.toMatch(/^Allow (?!198\.18\.44\.0\/24)/m)
    // No CONNECT tunnels, and every host name but the mirror's is refused.
    expect(conf).toContain('ConnectPort 0\n')
    expect(conf).toContain('FilterDefaultDeny Yes\n')
    expect(mirrorFilter()).toBe('^deb\\.debian\\.org$\n')
    // Hosts find it by name, mapped to their own lab's bridge.
    expect(hostsFile(spec)).toContain('198.18.44.1 gateway.px.mailops.test apt-proxy\n')
  })

  it('boots a host with systemd-nspawn inside its own network namespace, on an overlay of the image', () => {
    const spec = labSpec('bt', 2, '198.18.44.0/24')
    const host = spec.hosts[1]
    const script = bootScript(host, '/var/lib/mailops/lab/bt/hosts/node2', '/var/cache/mailops/images/debian13-x', '/var/cache/mailops/images/debian13-debs', 'bt-node2')
    expect(script).toContain('lowerdir=$I,upperdir=$S/fs/upper')
    expect(script).toContain("I='/var/cache/mailops/images/debian13-x'")
    expect(script).toMatch(/systemd-nspawn .*--boot --register=no --keep-unit/)
    expect(script).toContain(`--network-namespace-path=/run/netns/'${host.netns}'`)
    // The controller's files are not bound into the host: no --bind of anything.
    expect(script).not.toMatch(/--bind/)
    // The booted host's launcher makes a mount namespace only; nspawn makes the rest.
    const launch = launchScript(host, '/d', ['/sys/fs/cgroup/pids/x/cgroup.procs'], true)
    expect(launch).toContain('exec unshare --mount --propagation private /bin/sh')
    expect(launch).not.toContain('--pid')
  })
})
