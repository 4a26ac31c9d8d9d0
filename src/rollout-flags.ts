import * as Flags from '@oclif/core/flags'

import type {DeployOptions} from './deploy/deploy.js'
import {progressReporter} from './ui/progress.js'

/**
 * The flags of every command that runs the deploy engine (deploy, route apply): one set, so the
 * same knob has the same name, default and meaning in each.
 */
export const rolloutFlags = {
  'dry-run': Flags.boolean({default: false, summary: 'Print the per-host diff (secrets hidden) and change nothing.'}),
  'max-fail': Flags.integer({default: 0, min: 0, summary: 'Failed hosts tolerated before the remaining waves are skipped.'}),
  canary: Flags.integer({default: 1, min: 0, summary: 'Hosts deployed alone first.'}),
  parallel: Flags.integer({default: 10, min: 1, summary: 'Hosts per wave after the canary.'}),
  'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
  'audit-dir': Flags.string({summary: 'Folder for the local audit log (default ~/.local/state/mailops/audit).'}),
  'connect-timeout': Flags.integer({default: 10, min: 1, summary: 'Seconds to wait for each SSH handshake (all hosts connect at once).'}),
  'probe-timeout': Flags.integer({default: 60, min: 1, summary: 'Seconds the probe of one host may take before that host counts as failed.'}),
  'step-timeout': Flags.integer({default: 90, min: 5, summary: 'Seconds a validator, a restart or a service\'s ready check (a failure puts the previous files back), or one doveadm call encrypting stored mail, may take on a host before it counts as failed; encrypting stored mail as a whole stops after 10 of them (the next deploy goes on).'}),
  'confirm-timeout': Flags.integer({default: 30, min: 2, summary: 'Seconds an sshd change waits for a fresh SSH login before the host restores the previous files itself.'}),
}

type RolloutFlagValues = {
  'dry-run': boolean
  'max-fail': number
  canary: number
  parallel: number
  'accept-new': boolean
  'audit-dir'?: string
  'connect-timeout': number
  'probe-timeout': number
  'step-timeout': number
  'confirm-timeout': number
}

/** The deploy engine's options from those flags. */
export function rolloutOptions(flags: RolloutFlagValues): Pick<DeployOptions, 'dryRun' | 'maxFail' | 'canary' | 'parallel' | 'acceptNew' | 'auditDir' | 'connectTimeoutMs' | 'probeTimeoutMs' | 'bounds' | 'progress'> {
  return {
    dryRun: flags['dry-run'],
    maxFail: flags['max-fail'],
    canary: flags.canary,
    parallel: flags.parallel,
    acceptNew: flags['accept-new'],
    auditDir: flags['audit-dir'],
    connectTimeoutMs: flags['connect-timeout'] * 1000,
    probeTimeoutMs: flags['probe-timeout'] * 1000,
    bounds: {confirmS: flags['confirm-timeout'], stepS: flags['step-timeout']},
    progress: progressReporter(),
  }
}
