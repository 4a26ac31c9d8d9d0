import {shellQuote} from '../util/shell.js'
import {APT_PROXY_NAME} from './image.js'
import type {LabHostSpec, LabSpec} from './spec.js'

/** sshd settings of a lab host; Debian's sshd_config includes this first, and sshd keeps the first value. */
export function sshdConfig(host: LabHostSpec): string {
  return [
    `ListenAddress ${host.address}`,
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM stack inside the namespace; keys are the only way in.
    'UsePAM no',
    'PidFile /run/sshd.pid',
    'MaxSessions 10',
    'MaxStartups 10:30:100',
    '',
  ].join('\n')
}

export function hostsFile(spec: LabSpec): string {
  return [
    '127.0.0.1 localhost',
    `${spec.bridgeAddress} gateway.${spec.domain} ${APT_PROXY_NAME}`,
    ...spec.hosts.map((h) => `${h.address} ${h.fqdn} ${h.name}`),
    '',
  ].join('\n')
}

/**
 * Runs as PID 1 of the host's PID namespace, in its own mount, UTS and IPC namespaces and its
 * network namespace: builds an overlay root over / on a tmpfs (so nothing the host writes reaches
 * the machine), fresh /proc, /sys, /dev, /run, /tmp, /root, masks /work and /home, gives the host
 * its identity and SSH keys, pivots into it, then becomes tini supervising sshd.
 */
export function initScript(host: LabHostSpec, hostDir: string): string {
  const q = shellQuote
  return `#!/bin/sh
set -eu
S=${q(hostDir)}
R="$S/fs/root"
mount --make-rprivate /
mkdir -p "$S/fs"
mount -t tmpfs -o size=2g,mode=0755 mailops-lab "$S/fs"
mkdir -p "$S/fs/upper" "$S/fs/work" "$R"
mount -t overlay overlay -o "lowerdir=/,upperdir=$S/fs/upper,workdir=$S/fs/work" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t tmpfs -o mode=0755,size=16m dev "$R/dev"
for d in null zero full random urandom tty; do
  touch "$R/dev/$d"
  mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777,size=64m shm "$R/dev/shm"
mount -t tmpfs -o mode=0755,size=64m run "$R/run"
mount -t tmpfs -o mode=1777,size=512m tmp "$R/tmp"
mount -t tmpfs -o mode=0700,size=64m root "$R/root"
for m in /work /home; do
  if [ -d "$R$m" ]; then mount -t tmpfs -o mode=0755,size=1m mask "$R$m"; fi
done
mkdir -p "$R/run/sshd" "$R/run/lock" "$R/var/log"
hostname ${q(host.name)}
${identity(host)}
# Services may start inside the host (the machine's policy-rc.d forbids it everywhere else).
rm -f "$R/usr/sbin/policy-rc.d"
cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
exec tini -s -- /usr/sbin/sshd -D -e >>/var/log/sshd.log 2>&1
`
}

/** The files that make a host itself, copied into its root (overlay upper) before it starts. */
function identity(host: LabHostSpec): string {
  return `echo ${shellQuote(host.name)} > "$R/etc/hostname"
echo ${shellQuote(host.fqdn)} > "$R/etc/mailname"
cp "$S/hosts" "$R/etc/hosts"
# The lab's resolver (a symlink on the controller, e.g. to systemd-resolved's file, is replaced, not followed).
rm -f "$R/etc/resolv.conf"
cp "$S/resolv.conf" "$R/etc/resolv.conf"
cp "$S/machine-id" "$R/etc/machine-id"
rm -f "$R"/etc/ssh/ssh_host_*
cp "$S/ssh_host_ed25519_key" "$S/ssh_host_ed25519_key.pub" "$R/etc/ssh/"
chmod 600 "$R/etc/ssh/ssh_host_ed25519_key"
mkdir -p "$R/etc/ssh/sshd_config.d" "$R/root/.ssh"
cp "$S/sshd.conf" "$R/etc/ssh/sshd_config.d/00-mailops-lab.conf"
cp "$S/authorized_keys" "$R/root/.ssh/authorized_keys"
chmod 700 "$R/root/.ssh"
chmod 600 "$R/root/.ssh/authorized_keys"`
}

/**
 * A booted host, run in a mount namespace of its own (so its mounts go when it does): an overlay
 * on the release's image with the upper layer on a tmpfs, the kept .debs under an overlay of
 * their own (hosts read them, their downloads stay in their upper layer until `lab down` saves
 * them), its identity written in, then systemd-nspawn boots it with systemd as PID 1 in the
 * host's network namespace. The controller's files are not in it.
 */
export function bootScript(host: LabHostSpec, hostDir: string, image: string, debs: string, machine: string): string {
  const q = shellQuote
  return `#!/bin/sh
set -eu
S=${q(hostDir)}
I=${q(image)}
D=${q(debs)}
R="$S/fs/root"
mkdir -p "$S/fs"
mount -t tmpfs -o size=2g,mode=0755 mailops-lab "$S/fs"
mkdir -p "$S/fs/upper" "$S/fs/work" "$S/fs/debs" "$S/fs/debs-work" "$R"
mount -t overlay overlay -o "lowerdir=$I,upperdir=$S/fs/upper,workdir=$S/fs/work" "$R"
mount -t overlay overlay -o "lowerdir=$D,upperdir=$S/fs/debs,workdir=$S/fs/debs-work" "$R/var/cache/apt/archives"
# nspawn keeps per-machine state under /run/systemd/nspawn: on a tmpfs of this namespace it goes with the host.
mkdir -p /run/systemd/nspawn
mount -t tmpfs -o mode=0755,size=1m nspawn /run/systemd/nspawn
${identity(host)}
# CAP_NET_ADMIN, which nspawn grants only with a private network of its own: a host's firewall
# (nft) needs it, in the host's own network namespace, as a VM's root has it.
exec systemd-nspawn --quiet --boot --register=no --keep-unit --settings=no --console=passive --capability=CAP_NET_ADMIN \
  --network-namespace-path=/run/netns/${q(host.netns)} --machine=${q(machine)} --hostname=${q(host.name)} \
  --resolv-conf=off --timezone=off --link-journal=no -D "$R"
`
}

/**
 * Started detached in the root namespace: joins the host's cgroups first, so that every process
 * the host ever starts is counted against its limits, then enters its namespaces. Its PID is the
 * one recorded: killing it kills PID 1 of the host (--kill-child) and with it the whole host.
 */
export function launchScript(host: LabHostSpec, hostDir: string, cgroupProcs: string[], booted: boolean): string {
  const q = shellQuote
  // systemd-nspawn makes the booted host's other namespaces itself; its mounts need one of their own.
  const enter = booted ? 'unshare --mount --propagation private' : `nsenter --net=/run/netns/${q(host.netns)} -- unshare --mount --uts --ipc --pid --fork --kill-child=SIGKILL`
  return `#!/bin/sh
set -eu
${cgroupProcs.map((file) => `echo $$ > ${q(file)}`).join('\n')}
exec ${enter} /bin/sh ${q(`${hostDir}/init.sh`)}
`
}
