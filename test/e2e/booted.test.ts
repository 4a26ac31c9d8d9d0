import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {debCacheDir} from '../../src/lab/image.js'
import {bootedLab} from '../helpers/booted.js'
import {mailops} from '../helpers/cli.js'

// A lab of its own, booted Debian hosts: up, inspect, apt through the lab's proxy, down.
const lab = bootedLab('boottest', '198.18.44.0/24')
const {name: NAME, sh} = lab
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))

function leftovers() {
  const netns = execFileSync('ip', ['netns', 'list'], {encoding: 'utf8'}).split('\n').filter((l) => l.startsWith(`mailops-${NAME}-`))
  const links = execFileSync('ip', ['-o', 'link'], {encoding: 'utf8'})
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0])
    .filter((l) => l?.startsWith('mo44h') || l === 'mo44br')
  // systemd-nspawn makes cgroups of its own below the host's in these two: they must go as well.
  const cgroups = ['pids', 'memory', 'systemd', 'unified'].flatMap((c) => {
    const dir = `/sys/fs/cgroup/${c}/mailops-lab`
    return existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith(`${NAME}-`)) : []
  })
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`/lab/${NAME}`))
  return {netns, links, cgroups, mounts, state: existsSync(`/var/lib/mailops/lab/${NAME}`)}
}
const nothingLeft = {netns: [], links: [], cgroups: [], mounts: [], state: false}

describe('mailops lab up --os (booted Debian hosts)', () => {
  it('boots bare Debian 13 with systemd as PID 1, apt only through the lab proxy, and leaves nothing behind', () => {
    const started = Date.now()
    const up = lab.up(2, 'debian13', '--delay', 'node2=20', '--json')
    const upMs = Date.now() - started
    expect(up.json().os).toBe('debian13')
    // Both hosts boot in parallel; sshd answers on each well within 10 s of its start.
    expect(upMs).toBeLessThan(20_000)
    const state = JSON.parse(readFileSync(`/var/lib/mailops/lab/${NAME}/lab.json`, 'utf8'))

    const status = mailops(['lab', 'status', '--name', NAME, '--json']).json()
    expect(status.os).toBe('debian13')
    for (const host of status.hosts) {
      expect(host.sshd).toMatch(/^SSH-2\.0-OpenSSH_10\.\d+p\d+ Debian/)
      expect(host.memoryBytes).toBeGreaterThan(1024 ** 2)
      expect(host.memoryBytes).toBeLessThan(256 * 1024 ** 2)
    }

    // systemd runs the host; no route off the lab net; the controller's files are not there;
    // nothing mail-related is installed; the host key is its own (ssh checks it against known_hosts).
    const inside = sh(
      'node2',
      'cat /proc/1/comm; systemctl is-system-running; hostname; awk \'$2 == "00000000"\' /proc/net/route | wc -l; ' +
        'test -e /var/lib/mailops && echo seen || echo unseen; test -e /work && echo seen || echo unseen; ' +
        'dpkg-query -W -f=\'${Status}\\n\' postfix dovecot-core 2>&1 | grep -c "install ok installed"; grep VERSION_ID /etc/os-release',
    )
    expect(inside.code, inside.stderr).toBe(0)
    expect(inside.stdout).toBe('systemd\nrunning\nnode2\n0\nunseen\nunseen\n0\nVERSION_ID="13"\n')
    expect(readFileSync(`/var/lib/mailops/lab/${NAME}/known_hosts`, 'utf8').split('\n').filter(Boolean)).toHaveLength(2)

    // The proxy lets apt reach the Debian mirror, and nothing else: another site is refused by
    // the proxy itself (it never connects anywhere for it).
    const refused = sh('node1', 'exec 3<>/dev/tcp/apt-proxy/3142; printf "GET http://example.org/ HTTP/1.0\\r\\nHost: example.org\\r\\n\\r\\n" >&3; head -1 <&3')
    expect(refused.stdout).toMatch(/^HTTP\/1\.[01] 403/)
    const installed = sh('node1', 'DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hello >/dev/null && hello')
    expect(installed.code, installed.stderr).toBe(0)
    expect(installed.stdout).toBe('Hello, world!\n')

    const down = mailops(['lab', 'down', '--name', NAME, '--json'])
    expect(down.code, down.stderr).toBe(0)
    for (const pid of [...Object.values(state.pids as Record<string, number>), state.proxy, ...Object.values(state.forwarders as Record<string, number>)]) {
      expect(alive(pid)).toBe(false)
    }
    expect(leftovers()).toEqual(nothingLeft)
    // The .deb it downloaded is kept for the next lab: installing it again needs nothing from the mirror.
    expect(readdirSync(debCacheDir('debian13')).some((f) => /^hello_.*\.deb$/.test(f))).toBe(true)
    lab.up(1, 'debian13')
    const again = sh('node1', 'DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y hello')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/Need to get 0 B\/[\d.,]+ kB of archives/)
  }, 300_000)

  it('boots Debian 12 the same way', () => {
    lab.up(1, 'debian12')
    const inside = sh('node1', 'cat /proc/1/comm; systemctl is-system-running; grep VERSION_ID /etc/os-release; systemctl is-active ssh')
    expect(inside.stdout).toBe('systemd\nrunning\nVERSION_ID="12"\nactive\n')
    expect(mailops(['lab', 'down', '--name', NAME]).code).toBe(0)
    expect(leftovers()).toEqual(nothingLeft)
  }, 300_000)
})
