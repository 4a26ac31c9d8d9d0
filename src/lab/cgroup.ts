import {existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {MailopsError, ExitCode} from '../errors.js'
import {t} from '../i18n/index.js'

const ROOT = '/sys/fs/cgroup'
const PARENT = 'mailops-lab'

/** Limits per lab host, so that one runaway host (a fork bomb was seen) cannot take the machine. */
export const HOST_LIMITS = {pids: 2048, memoryBytes: 1024 ** 3}

interface Hierarchy {
  dir: string
  limits: Record<string, string>
}

/** The cgroup folders of one lab host: one under cgroup v2, one per controller under v1. */
function hierarchies(leaf: string): Hierarchy[] {
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    return [{dir: join(ROOT, PARENT, leaf), limits: {'pids.max': String(HOST_LIMITS.pids), 'memory.max': String(HOST_LIMITS.memoryBytes)}}]
  }
  if (existsSync(join(ROOT, 'pids', 'cgroup.procs')) && existsSync(join(ROOT, 'memory', 'cgroup.procs'))) {
    return [
      {dir: join(ROOT, 'pids', PARENT, leaf), limits: {'pids.max': String(HOST_LIMITS.pids)}},
      {dir: join(ROOT, 'memory', PARENT, leaf), limits: {'memory.limit_in_bytes': String(HOST_LIMITS.memoryBytes)}},
      // systemd-nspawn puts a booted host's systemd in payload/ below its launcher's cgroup in
      // these two (it takes the path from the unified one): each host needs its own, or all of
      // them would share /payload, and both must agree, or nspawn fails to attach.
      ...['systemd', 'unified'].filter((name) => existsSync(join(ROOT, name, 'cgroup.procs'))).map((name) => ({dir: join(ROOT, name, PARENT, leaf), limits: {}})),
    ]
  }
  throw new MailopsError(t('lab.noCgroups'), {code: 'LAB_NO_CGROUPS', exit: ExitCode.internal})
}

/** Creates the host's cgroups with their limits; returns the cgroup.procs files to join. */
export function createHostCgroups(leaf: string): string[] {
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    // v2 hands controllers down only where the parents enable them.
    for (const dir of [ROOT, join(ROOT, PARENT)]) {
      mkdirSync(dir, {recursive: true})
      writeFileSync(join(dir, 'cgroup.subtree_control'), '+pids +memory')
    }
  }
  return hierarchies(leaf).map(({dir, limits}) => {
    mkdirSync(dir, {recursive: true})
    for (const [file, value] of Object.entries(limits)) writeFileSync(join(dir, file), value)
    return join(dir, 'cgroup.procs')
  })
}

/** A cgroup and the ones a booted host's systemd made below it, deepest first. */
function subtree(dir: string): string[] {
  if (!existsSync(dir)) return []
  const children = readdirSync(dir, {withFileTypes: true}).filter((entry) => entry.isDirectory())
  return [...children.flatMap((child) => subtree(join(dir, child.name))), dir]
}

/** PIDs still in the host's cgroups (all hierarchies, the cgroups below them included). */
export function cgroupPids(leaf: string): number[] {
  const pids = new Set<number>()
  for (const {dir} of hierarchies(leaf)) {
    for (const cgroup of subtree(dir)) {
      for (const line of readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line))
    }
  }
  return [...pids]
}

/** Memory the host uses now (its processes, page cache and tmpfs), in bytes. */
export function cgroupMemoryBytes(leaf: string): number | undefined {
  for (const file of [join(ROOT, PARENT, leaf, 'memory.current'), join(ROOT, 'memory', PARENT, leaf, 'memory.usage_in_bytes')]) {
    if (existsSync(file)) return Number(readFileSync(file, 'utf8').trim())
  }
  return undefined
}

/** Removes the host's (empty) cgroups, and the mailops-lab parents once no lab uses them. */
export function removeHostCgroups(leaf: string): void {
  for (const {dir} of hierarchies(leaf)) {
    for (const path of [...subtree(dir), join(dir, '..')]) {
      try {
        if (existsSync(path)) rmdirSync(path)
      } catch {
        // A parent still holding another lab's hosts stays.
      }
    }
  }
}

export function cgroupExists(leaf: string): boolean {
  return hierarchies(leaf).some(({dir}) => existsSync(dir))
}
