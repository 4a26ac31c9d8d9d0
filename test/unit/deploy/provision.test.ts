import {describe, expect, it} from 'vitest'

import type {RenderedFile} from '../../../src/blueprint/load.js'
import {applyScript} from '../../../src/deploy/apply.js'
import {planHash, planHost} from '../../../src/deploy/plan.js'
import {SUPPORTED_RELEASES} from '../../../src/config/schemas/blueprint.js'
import {parseProbe} from '../../../src/fleet/facts.js'

const mainCf: RenderedFile = {path: '/etc/postfix/main.cf', content: 'x\n', sha256: 'new', mode: '0644', owner: 'root', group: 'root', notify: ['postfix']}
const services = {postfix: {reload: 'reload' as const}}

describe('deploy provisions packages', () => {
  const bare = parseProbe('F\tabsent\nI\tsystemd\nN\tpostfix\nN\tlogrotate\nO\tdebian 12\n')

  it('plans the missing packages: a host that lacks only packages is changed, and the plan hash counts them', () => {
    expect(bare.missingPackages).toEqual(['postfix', 'logrotate'])
    const plan = planHost('mx1', [mainCf], bare)
    expect(plan.packages).toEqual(['postfix', 'logrotate'])
    expect(plan.init).toBe('systemd')
    const installed = planHost('mx1', [{...mainCf, sha256: 'same'}], parseProbe('F\tsame\t644\troot\troot\nI\tsystemd\nO\tdebian 12\n'))
    expect(installed.changed).toBe(false)
    const onlyPackages = planHost('mx1', [{...mainCf, sha256: 'same'}], parseProbe('F\tsame\t644\troot\troot\nI\tsystemd\nN\tpostfix\nO\tdebian 12\n'))
    expect(onlyPackages.changed).toBe(true)
    expect(planHash([onlyPackages])).not.toBe(planHash([installed]))
    expect(SUPPORTED_RELEASES).toContain(bare.os)
  })

  it('installs before any file, non-interactively, preseeded, waiting for apt\'s lock, with nothing started on package defaults', () => {
    const script = applyScript(planHost('mx1', [mainCf], bare), services, '"run":"r"')
    const install = script.indexOf('apt-get')
    expect(install).toBeGreaterThan(0)
    // Staging the first file comes after it.
    expect(install).toBeLessThan(script.indexOf('cp "$run/stage/0"'))
    expect(script).toContain('DEBIAN_FRONTEND=noninteractive')
    expect(script).toContain('-o DPkg::Lock::Timeout=120')
    // An index that failed to download fails the update (apt-get update alone exits 0 then, and
    // install finds no such package: seen on a loaded machine), and the update is tried again.
    expect(script).toMatch(/apt_update\(\) \{ for n in 1 2 3; do [^;]*apt-get [^;]* update --error-on=any && return 0;/)
    expect(script).toMatch(/if ! \{ apt_update && [^}]* install -y /)
    expect(script).toContain("install -y --no-install-recommends 'postfix' 'logrotate'")
    expect(script).toContain("'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections")
    // policy-rc.d forbids starts while apt runs, and goes on every way out.
    expect(script).toMatch(/exit 101\\n' > \/usr\/sbin\/policy-rc\.d/)
    expect(script).toMatch(/cleanup\(\) \{.*unpolicy; \}/)
    expect(script.indexOf('unpolicy() {')).toBeLessThan(script.indexOf('flock -w'))
    // What the packages put at a blueprint's path becomes what the last check expects.
    expect(script).toContain("expect_0=$(hash '/etc/postfix/main.cf')")
    expect(script).toContain('[ "$(hash \'/etc/postfix/main.cf\')" = "$expect_0" ]')
    // systemd hosts: enable --now what is not running, reload or restart what is.
    expect(script).toContain('systemctl enable --now "$1"')
    expect(script).not.toContain('service "$1" start')
  })

  it('keeps the service scripts where there is no systemd, and installs nothing when nothing is missing', () => {
    const script = applyScript(planHost('mx1', [mainCf], parseProbe('F\tabsent\nI\tsysv\nO\tdebian 12\n')), services, '"run":"r"')
    expect(script).not.toContain('apt-get')
    expect(script).not.toContain('exit 101')
    expect(script).toContain('service "$1" start')
    expect(script).not.toContain('systemctl')
  })
})

describe('a service that runs before it answers', () => {
  // The script's own functions, run by sh: a service whose ready check passes only once a file
  // exists (as rspamd's milter port opens seconds after systemd calls it active).
  const functions = (ready: string, stepS: number) => {
    const script = applyScript(planHost('mx1', [mainCf], parseProbe('F\tabsent\nI\tsystemd\nO\tdebian 12\n')), {rspamd: {reload: 'reload', ready}, postfix: {reload: 'reload'}}, '"run":"r"', {lockWaitS: 1, stepS, confirmS: 2, installS: 1})
    return script.split('\n').filter((l) => /^(ready_of|await_ready)\(\)/.test(l)).join('\n')
  }

  it('is waited for until its ready check passes, and a service without one is not', async () => {
    const {spawnSync} = await import('node:child_process')
    const {mkdtempSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const flag = join(mkdtempSync(join(tmpdir(), 'mailops-ready-')), 'up')
    const started = Date.now()
    const run = spawnSync('sh', ['-c', `${functions(`test -e ${flag}`, 10)}\n(sleep 1; touch ${flag}) &\nawait_ready rspamd && echo answered; await_ready postfix && echo postfix`], {encoding: 'utf8'})
    expect(run.stdout).toBe('answered\npostfix\n')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('fails the restart, saying so, when it never answers within the step bound', async () => {
    const {spawnSync} = await import('node:child_process')
    const run = spawnSync('sh', ['-c', `${functions('false', 1)}\nawait_ready rspamd; echo "exit $?"`], {encoding: 'utf8'})
    expect(run.stdout).toBe('rspamd runs but did not answer within 1 s (its ready check)\nexit 1\n')
  })
})
