import {shellQuote} from '../util/shell.js'
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
    `${spec.bridgeAddress} gateway.${spec.domain}`,
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
mkdir -p "$R/run/sshd" "$R/run/lock" "$R/var/log" "$R/root/.ssh"
hostname ${q(host.name)}
echo ${q(host.name)} > "$R/etc/hostname"
echo ${q(host.fqdn)} > "$R/etc/mailname"
cp "$S/hosts" "$R/etc/hosts"
cp "$S/machine-id" "$R/etc/machine-id"
rm -f "$R"/etc/ssh/ssh_host_*
cp "$S/ssh_host_ed25519_key" "$S/ssh_host_ed25519_key.pub" "$R/etc/ssh/"
chmod 600 "$R/etc/ssh/ssh_host_ed25519_key"
cp "$S/sshd.conf" "$R/etc/ssh/sshd_config.d/00-mailops-lab.conf"
cp "$S/authorized_keys" "$R/root/.ssh/authorized_keys"
chmod 700 "$R/root/.ssh"
chmod 600 "$R/root/.ssh/authorized_keys"
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

/**
 * Started detached in the root namespace: joins the host's cgroups first, so that every process
 * the host ever starts is counted against its limits, then enters its namespaces. Its PID is the
 * one recorded: killing it kills PID 1 of the host (--kill-child) and with it the whole host.
 */
export function launchScript(host: LabHostSpec, hostDir: string, cgroupProcs: string[]): string {
  const q = shellQuote
  return `#!/bin/sh
set -eu
${cgroupProcs.map((file) => `echo $$ > ${q(file)}`).join('\n')}
exec nsenter --net=/run/netns/${q(host.netns)} -- unshare --mount --uts --ipc --pid --fork --kill-child=SIGKILL /bin/sh ${q(`${hostDir}/init.sh`)}
`
}
