import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {$} from 'zx'

import {ExitCode, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'

/**
 * What a lab host runs. `debian13` and `debian12` are booted Debian systems (systemd as PID 1 on
 * an image of their own, nothing mail-related installed); `controller` is the light host: a
 * namespace with an overlay over the controller's own /, sshd under tini, no init system.
 */
export const LAB_SYSTEMS = ['debian13', 'debian12', 'controller'] as const
export type LabSystem = (typeof LAB_SYSTEMS)[number]
export type BootedSystem = Exclude<LabSystem, 'controller'>

export const DEBIAN_SUITES: Record<BootedSystem, string> = {debian13: 'trixie', debian12: 'bookworm'}

/**
 * A bare cloud-like system: boots, lets root in over SSH, runs apt. Nothing mail-related.
 * iputils-ping as Debian's cloud images have it (priority important; minbase leaves it out):
 * latency probes from the nodes over SSH need it.
 */
export const IMAGE_PACKAGES = ['systemd', 'systemd-sysv', 'openssh-server', 'sudo', 'ca-certificates', 'dbus', 'iputils-ping']

/** The mirror apt on this machine reaches; the lab's proxy is the hosts' only way to it. */
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian'

/** Where hosts find apt's proxy: each host's /etc/hosts maps this name to its lab's bridge. */
export const APT_PROXY_NAME = 'apt-proxy'
export const APT_PROXY_PORT = 3142

/** Changes to what buildImage writes into the tree also change the cache key. */
const RECIPE = 1

export function imagesRoot(): string {
  return process.env.MAILOPS_IMAGE_DIR ?? '/var/cache/mailops/images'
}

/** The cached image of a release: keyed by release, package list, mirror and recipe. */
export function imageDir(system: BootedSystem): string {
  const key = createHash('sha256')
    .update(JSON.stringify({suite: DEBIAN_SUITES[system], packages: IMAGE_PACKAGES, mirror: DEBIAN_MIRROR, recipe: RECIPE}))
    .digest('hex')
    .slice(0, 12)
  return join(imagesRoot(), `${system}-${key}`)
}

/** Downloaded .debs of a release, kept between labs: hosts see them read-only under an overlay. */
export function debCacheDir(system: BootedSystem): string {
  return join(imagesRoot(), `${system}-debs`)
}

/**
 * Builds the release's image once per machine with mmdebstrap (into a temporary folder, then
 * renamed: a lab never boots a half-built tree, and two labs building at once both end with the
 * same one). Returns its folder.
 */
export async function ensureImage(system: BootedSystem, progress: (message: string) => void): Promise<string> {
  const dir = imageDir(system)
  mkdirSync(debCacheDir(system), {recursive: true})
  if (existsSync(dir)) return dir
  mkdirSync(imagesRoot(), {recursive: true})
  const temp = `${dir}.building-${process.pid}`
  rmSync(temp, {recursive: true, force: true})
  progress(t('lab.buildingImage', {system, suite: DEBIAN_SUITES[system]}))
  const started = Date.now()
  try {
    await $({quiet: true})`mmdebstrap --quiet --variant=minbase --include=${IMAGE_PACKAGES.join(',')} ${DEBIAN_SUITES[system]} ${temp} ${DEBIAN_MIRROR}`
    prepareTree(temp)
    if (existsSync(dir)) rmSync(temp, {recursive: true, force: true})
    else renameSync(temp, dir)
  } catch (error) {
    rmSync(temp, {recursive: true, force: true})
    const reason = String((error as {stderr?: string}).stderr || (error as Error).message).trim().split('\n').at(-1) ?? ''
    throw new MailopsError(t('lab.imageFailed', {system, reason}), {code: 'LAB_IMAGE_FAILED', exit: ExitCode.internal})
  }
  progress(t('lab.imageBuilt', {system, seconds: Math.round((Date.now() - started) / 1000), dir}))
  return dir
}

/**
 * What every host of the image shares: apt through the lab's proxy (hosts have no default
 * route), downloaded packages kept (the lab saves them for the next lab), no host keys (each host
 * gets its own), an empty machine-id (each host gets its own).
 */
function prepareTree(root: string): void {
  writeFileSync(
    join(root, 'etc/apt/apt.conf.d/00mailops-lab'),
    [
      `Acquire::http::Proxy "http://${APT_PROXY_NAME}:${APT_PROXY_PORT}/";`,
      'Acquire::Retries "2";',
      'Binary::apt::APT::Keep-Downloaded-Packages "true";',
      'APT::Keep-Downloaded-Packages "true";',
      '',
    ].join('\n'),
  )
  rmSync(join(root, 'etc/apt/apt.conf.d/docker-clean'), {force: true})
  for (const key of ['rsa', 'ecdsa', 'ed25519']) {
    rmSync(join(root, `etc/ssh/ssh_host_${key}_key`), {force: true})
    rmSync(join(root, `etc/ssh/ssh_host_${key}_key.pub`), {force: true})
  }
  writeFileSync(join(root, 'etc/machine-id'), '')
}
