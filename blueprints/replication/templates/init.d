#!/bin/sh
### BEGIN INIT INFO
# Provides:          mailops-replicate
# Required-Start:    $network $remote_fs dovecot
# Required-Stop:     $network $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: mailops mailbox replication between the cores
### END INIT INFO
# Managed by mailops (blueprint replication), for hosts without systemd (systemd runs
# mailops-replicate.service instead). The loop's children (doveadm, ssh) go with it.
pidfile=/run/mailops-replicate.pid
daemon=/usr/local/sbin/mailops-replicate
running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "${1:-}" in
  start)
    running && exit 0
    # --background detaches the loop into a session (and process group) of its own: stop ends the group.
    # What it says (a failed sync, a second copy expunged) goes to its log, as systemd's journal has it.
    mkdir -p /var/log/mailops
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$pidfile" --startas /bin/sh -- -c "exec $daemon >> /var/log/mailops/replicate.log 2>&1" < /dev/null > /dev/null 2>&1
    ;;
  stop)
    if running; then kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null || kill -TERM "$(cat "$pidfile")"; fi
    for i in $(seq 1 50); do running || break; sleep 0.1; done
    rm -f "$pidfile"
    ;;
  restart | reload | force-reload) "$0" stop && "$0" start ;;
  status)
    if running; then echo "mailops-replicate is running"; exit 0; fi
    echo "mailops-replicate is not running"; exit 3
    ;;
  *) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 2 ;;
esac
