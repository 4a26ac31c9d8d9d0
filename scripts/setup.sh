#!/usr/bin/env bash
# Installs everything mailops and its tests need on a fresh Debian 12 machine, then builds.
# Idempotent and quick when nothing changed; the README's two commands both start here.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: hyperfine (bench/), tmux and chromium + CJK fonts (assess end-to-end tests),
# nsd, ldnsutils and unbound (the lab's DNS: its zones, their DNSSEC signing, the validating resolver its hosts use), knot (an operator's
# primary that takes RFC 2136 updates, in the tests), bind9-dnsutils (dig and nsupdate: dns --apply --server), pebble (the lab's ACME server), xmllint (checks verify's JUnit against its schema) and
# testssl.sh (the TLS scanner CI runs against lab nodes, docs/tls-policy.md); mmdebstrap,
# systemd-container and tinyproxy (booted lab hosts: lab up --os) here too, so that they are
# installed before the tests' first lab runs, not by a later lab while another one's hosts run;
# for the same reason the edge's filter (rspamd, redis-server) and the core's Sieve (dovecot-sieve),
# which namespace lab hosts run from the machine's own /, nginx (the edges' MTA-STS policy server), and the core's outbound TLS
# policy maps (postfix-mta-sts-resolver; python3-dnspython for mailops' DANE map); age (backup archives: encrypted on the
# core, decrypted by restore on this machine, and the lab's identity).
# The lab installs its own packages (mailops lab up).
debian_packages=(hyperfine tmux chromium fonts-noto-cjk nsd ldnsutils unbound knot bind9-dnsutils pebble libxml2-utils testssl.sh mmdebstrap systemd-container tinyproxy rspamd redis-server dovecot-sieve nginx postfix-mta-sts-resolver python3-dnspython age)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: Debian packages missing: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  # No daemon of these packages (tinyproxy, nsd, unbound, rspamd, redis; pebble has none) may start on its defaults: the lab starts its own.
  own_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if $own_policy; then rm -f /usr/sbin/policy-rc.d; fi
fi

# npm packages exactly as locked; skipped when node_modules already matches the lockfile.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

npm run --silent build
