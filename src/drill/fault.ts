/**
 * The fault a drill injects on a core, and its repair, as root shell scripts run over SSH: the
 * node's mail services stopped as a crash would leave them (nothing answers on 25, 587, 993),
 * then started again. Both init systems: systemd on booted hosts, Debian's `service` elsewhere.
 * The replication service goes down with the node, as it would with the machine.
 */
const SERVICES_DOWN = ['mailops-replicate', 'postfix', 'dovecot']
const SERVICES_UP = ['dovecot', 'postfix', 'mailops-replicate']

const running = '{ postfix status >/dev/null 2>&1 || { [ -s /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; }; }'

export function stopScript(): string {
  return [
    'svc() { if [ -d /run/systemd/system ]; then systemctl "$2" "$1"; else service "$1" "$2"; fi; }',
    `for s in ${SERVICES_DOWN.join(' ')}; do svc "$s" stop >/dev/null 2>&1 < /dev/null; done`,
    // Debian 12's postfix unit can leave master running; Postfix's own stop makes sure.
    'postfix stop >/dev/null 2>&1 < /dev/null',
    `for i in $(seq 1 100); do ${running} || exit 0; sleep 0.2; done`,
    'echo "postfix or dovecot still runs 20 s after being stopped"; exit 1',
  ].join('\n')
}

export function startScript(): string {
  return [
    // setsid and no inherited descriptors: a daemon started from this SSH channel must not hold it open.
    `for s in ${SERVICES_UP.join(' ')}; do`,
    '  if [ -d /run/systemd/system ]; then systemctl start "$s" >/dev/null 2>&1 < /dev/null; else setsid service "$s" start >/dev/null 2>&1 < /dev/null; fi',
    'done',
    'for i in $(seq 1 150); do postfix status >/dev/null 2>&1 && [ -s /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null && exit 0; sleep 0.2; done',
    'echo "postfix or dovecot did not start within 30 s"; exit 1',
  ].join('\n')
}
