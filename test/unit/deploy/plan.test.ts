import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import type {RenderedFile} from '../../../src/blueprint/load.js'
import {applyScript, CONFIRM_MARK} from '../../../src/deploy/apply.js'
import {planDiff, planHash, planHost} from '../../../src/deploy/plan.js'
import {parseProbe} from '../../../src/fleet/facts.js'
import {deployOrder, waves} from '../../../src/deploy/deploy.js'
import type {InventoryHost} from '../../../src/fleet/inventory.js'

const file = (path: string, content: string, sha256: string, notify: string[] = []): RenderedFile => ({path, content, sha256, mode: '0644', owner: 'root', group: 'root', notify})

describe('deploy plan', () => {
  const probe = parseProbe('F\tabsent\nF\taaa\t644\troot\troot\nF\tbbb\t600\troot\troot\nP\tpostfix\nI\tsysv\nO\tdebian 12\n')

  it('reads the probe: hashes, modes, pending restarts, facts', () => {
    expect(probe).toEqual({
      files: [{sha256: null}, {sha256: 'aaa', mode: '0644', owner: 'root', group: 'root'}, {sha256: 'bbb', mode: '0600', owner: 'root', group: 'root'}],
      pending: ['postfix'],
      unready: [],
      init: 'sysv',
      missingPackages: [],
      os: 'debian 12',
    })
  })

  it('creates, updates (content or mode) or leaves each file; restarts what changed files notify and what was pending', () => {
    const plan = planHost('mx1', [file('/a', 'A', 'new', ['dovecot']), file('/b', 'B', 'aaa', ['opendkim']), file('/c', 'C', 'bbb')], probe)
    expect(plan.files.map((f) => [f.path, f.action, f.expected])).toEqual([
      ['/a', 'create', null],
      ['/b', 'unchanged', 'aaa'],
      ['/c', 'update', 'bbb'],
    ])
    expect(plan.handlers).toEqual(['postfix', 'dovecot'])
    expect(plan.changed).toBe(true)
  })

  it("leaves out a file for another init (the firewall on a host without systemd), with the probe's hashes still matched by position", () => {
    const firewall = {...file('/etc/nftables.conf', 'F', 'fw', ['nftables']), init: 'systemd' as const}
    const rendered = [file('/a', 'A', 'new'), firewall, file('/c', 'C', 'bbb')]
    const sysv = planHost('mx1', rendered, probe)
    // /c is compared with the third probed file (bbb), not the second.
    expect(sysv.files.map((f) => [f.path, f.action, f.expected])).toEqual([
      ['/a', 'create', null],
      ['/c', 'update', 'bbb'],
    ])
    expect(sysv.handlers).toEqual(['postfix'])
    const systemd = planHost('mx1', rendered, {...probe, init: 'systemd'})
    expect(systemd.files.map((f) => [f.path, f.action, f.expected])).toEqual([
      ['/a', 'create', null],
      ['/etc/nftables.conf', 'update', 'aaa'],
      ['/c', 'update', 'bbb'],
    ])
  })

  it('reloads a service that does not answer its ready command (a firewall flushed by hand) though no file changed, if the plan has a file of it', () => {
    const probed = parseProbe('F\tfw\t644\troot\troot\nY\tnftables\nY\trspamd\nI\tsystemd\nO\tdebian 13\n')
    const plan = planHost('mx1', [file('/etc/nftables.conf', 'F', 'fw', ['nftables'])], probed)
    expect(plan.files.map((f) => f.action)).toEqual(['unchanged'])
    // rspamd is no service of this plan's files: not this host's to start.
    expect(plan.handlers).toEqual(['nftables'])
    expect(plan.changed).toBe(true)
    expect(planHost('mx1', [file('/etc/nftables.conf', 'F', 'fw', ['nftables'])], {...probed, unready: []}).changed).toBe(false)
  })

  it('hides secrets in diffs, before and after', () => {
    const plan = planHost('mx1', [file('/etc/pw', 'password = s3cret-new\n', 'x')], parseProbe('F\tabsent\n'))
    const diff = planDiff(plan, {}, ['s3cret-new'])
    expect(diff).toContain('+password = ********')
    expect(diff).not.toContain('s3cret')
  })

  it('never shows a file rendered from a secret: only that its content changed, by hash', () => {
    const key = {...file('/etc/mailops/tls/key.pem', '-----BEGIN PRIVATE KEY-----\nNEW\n', 'newhash'), sensitive: true}
    const plan = planHost('mx1', [key], parseProbe('F\toldhash\t600\troot\troot\n'))
    const diff = planDiff(plan, {'/etc/mailops/tls/key.pem': '-----BEGIN PRIVATE KEY-----\nOLD\n'}, [])
    expect(diff).toBe('--- mx1:/etc/mailops/tls/key.pem\n+++ mx1:/etc/mailops/tls/key.pem\ncontent changed (sha256 oldhash → newhash); it holds a secret, so it is not shown\n')
  })

  it('hashes the whole plan the same whichever host answered first', () => {
    const a = planHost('a', [file('/x', 'X', 'h1')], parseProbe('F\tabsent\n'))
    const b = planHost('b', [file('/y', 'Y', 'h2')], parseProbe('F\tabsent\n'))
    expect(planHash([a, b])).toBe(planHash([b, a]))
  })

  it('encrypts the stored messages the probe counted plain: a plan of its own when no file changes, in the plan hash, and none when all are encrypted', () => {
    const same = [file('/etc/dovecot/dovecot.conf', 'D', 'same', ['dovecot'])]
    const probed = (plain: number) => ({...parseProbe('F\tsame\t644\troot\troot\nI\tsystemd\nO\tdebian 13\n'), plainMessages: plain})
    const pending = planHost('mx1', same, probed(40))
    expect([pending.encrypt, pending.changed, pending.handlers]).toEqual([40, true, []])
    const done = planHost('mx1', same, probed(0))
    expect([done.encrypt, done.changed]).toEqual([0, false])
    expect(planHash([pending])).not.toBe(planHash([done]))
    // Not counted (encryption off): no migration.
    expect(planHost('mx1', same, parseProbe('F\tsame\t644\troot\troot\nI\tsystemd\nO\tdebian 13\n')).encrypt).toBe(0)
    const script = applyScript(pending, {dovecot: {reload: 'reload'}}, '"run":"r"')
    // After the restarts (Dovecot runs with the key) and never undone: the files' rollback comes before it.
    expect(script.indexOf('crypt_fs put')).toBeGreaterThan(script.indexOf('for s in $(cat "$pending")'))
    expect(script).toContain('"encrypted":%s,"remaining":%s')
    expect(applyScript(done, {dovecot: {reload: 'reload'}}, '"run":"r"')).not.toContain('crypt_fs')
  })

  it("has systemd reread a changed unit file before any service is acted on, and tells a failed unit's own last lines", () => {
    const probed = parseProbe('F\tabsent\nF\tsame\t644\troot\troot\nI\tsystemd\nO\tdebian 13\n')
    const unit = planHost('mx1', [file('/etc/systemd/system/mailops-acme.service', 'U', 'new', ['mailops-acme']), file('/etc/x', 'X', 'same')], probed)
    const script = applyScript(unit, {'mailops-acme': {reload: 'restart'}}, '"run":"r"')
    expect(script.indexOf('systemctl daemon-reload')).toBeGreaterThan(-1)
    expect(script.indexOf('systemctl daemon-reload')).toBeLessThan(script.indexOf('for s in $(cat "$pending")'))
    expect(script).toContain('journalctl _SYSTEMD_UNIT="$u" -n 3')
    // No unit file changed: systemd is not asked to reload.
    const plain = planHost('mx1', [file('/etc/postfix/main.cf', 'M', 'new', ['postfix']), file('/etc/x', 'X', 'same')], probed)
    expect(applyScript(plain, {postfix: {reload: 'reload'}}, '"run":"r"')).not.toContain('daemon-reload')
  })

  it('orders cores before edges and cuts canary and batches', () => {
    const host = (name: string, role: 'core' | 'edge') => ({name, role}) as InventoryHost
    expect(deployOrder([host('e1', 'edge'), host('c1', 'core'), host('e2', 'edge')]).map((h) => h.name)).toEqual(['c1', 'e1', 'e2'])
    expect(waves([1, 2, 3, 4, 5], 1, 2)).toEqual([[1], [2, 3], [4, 5]])
    expect(waves([1, 2, 3], 0, 10)).toEqual([[1, 2, 3]])
  })
})

describe('apply script: the firewall under the magic rollback', () => {
  const firewall = {...file('/etc/nftables.conf', 'table inet mailops {}\n', 'new', ['nftables']), init: 'systemd' as const}
  const services = {nftables: {reload: 'reload' as const}, postfix: {reload: 'reload' as const}}

  it('waits for a fresh login after a firewall change, and a lock-out rolls back naming the firewall', () => {
    const script = applyScript(planHost('mx1', [firewall], parseProbe('F\tabsent\nI\tsystemd\nO\tdebian 13\n')), services, '"run":"r"')
    expect(script).toContain(`echo ${CONFIRM_MARK} >`)
    expect(script).toContain('{"status":"rolled-back","service":"nftables","waitedS":30}')
    // A change that touches neither sshd nor the firewall asks for no fresh login.
    const mail = applyScript(planHost('mx1', [file('/etc/postfix/main.cf', 'x', 'new', ['postfix'])], parseProbe('F\tabsent\nI\tsystemd\nO\tdebian 13\n')), services, '"run":"r"')
    expect(mail).not.toContain(CONFIRM_MARK)
  })

  it('reloads a service the probe found not answering, though no file changed: it is owed like a notified one', () => {
    const plan = planHost('mx1', [{...firewall, sha256: 'same'}], parseProbe('F\tsame\t644\troot\troot\nY\tnftables\nI\tsystemd\nO\tdebian 13\n'))
    const script = applyScript(plan, services, '"run":"r"')
    expect(script).toContain(`grep -qx 'nftables' "$pending" || { echo 'nftables' >> "$pending"; echo 'nftables' >> "$run/owed"; }`)
    expect(script).toContain('{"status":"rolled-back","service":"nftables","waitedS":30}')
  })
})

describe('apply script: a failed restart names its service', () => {
  it('keeps $s, the service that failed, through undo (its loops have variables of their own)', () => {
    const script = applyScript(planHost('mx1', [file('/etc/nftables.conf', 'x', 'new', ['nftables'])], parseProbe('F\tabsent\nI\tsystemd\nO\tdebian 13\n')), {nftables: {reload: 'reload'}}, '"run":"r"')
    const fn = (name: string) => script.split('\n').find((line) => line.startsWith(`${name}() {`))!
    // undo puts the files back, starts what was restarted again and forgets what this run owed (nftables, last).
    const sh = ['run=$(mktemp -d)', 'pending="$run/p"', 'printf "rspamd\\nnftables\\n" > "$pending"', 'echo nftables > "$run/owed"', 'restore() { :; }', 'act() { :; }', 'action_of() { :; }', 'restarted="postfix"', fn('unowe'), fn('undo'), 's=rspamd', 'undo "$s"', 'echo "$s"', 'rm -rf "$run"'].join('\n')
    expect(execFileSync('sh', ['-c', sh], {encoding: 'utf8'})).toBe('rspamd\n')
  })
})
