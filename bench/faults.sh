#!/usr/bin/env bash
# The deploy engine at its limits (issue 10), each figure against its goal:
#   1. 1,000 hosts whose packets vanish (routed into a veth whose far end, in a namespace of this
#      script's own, drops everything): the whole deploy fails in <= 30 s with <= 200 MB RSS;
#   2. an inventory with an 80,000-key map (1.3 MB) is read and validated in <= 2 s;
#   3. a 50 MB input file is refused in <= 1 s.
# Traffic goes only to 198.18.200.0/22 (lab range, into the sink) and nowhere else.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "faults.sh: needs root (it makes a network namespace)" >&2; exit 1; }
work=$(mktemp -d)
sink=mofaultsink
cleanup() {
  ip route del 198.18.200.0/22 2>/dev/null || true
  ip link del mofsink0 2>/dev/null || true
  ip netns del "$sink" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cleanup; work=$(mktemp -d)
mailops() { node bin/run.js "$@"; }
status=0
check() { # name value goal unit
  if awk -v v="$2" -v g="$3" 'BEGIN {exit !(v <= g)}'; then echo "  $1: $2 $4 (goal <= $3): ok"; else echo "  $1: $2 $4 (goal <= $3): MISSED"; status=1; fi
}

# 1. The sink: frames to 198.18.200.0/22 go out of mofsink0 to a permanent neighbour that never answers.
ip netns add "$sink"
ip link add mofsink0 type veth peer name eth0 netns "$sink"
ip link set mofsink0 up
ip -n "$sink" link set eth0 up
ip addr add 198.18.199.254/32 dev mofsink0
ip neigh replace 198.18.199.253 lladdr 02:6d:ff:ff:ff:fd dev mofsink0 nud permanent
ip route add 198.18.199.253/32 dev mofsink0
ip route add 198.18.200.0/22 via 198.18.199.253 dev mofsink0
ssh-keygen -q -t ed25519 -N '' -f "$work/key"
: > "$work/known_hosts"
node -e '
const [work] = process.argv.slice(1)
const hosts = Array.from({length: 1000}, (_, i) => `  - {name: h${i}, address: 198.18.${200 + (i >> 8)}.${i & 255}, role: edge}`)
require("fs").writeFileSync(`${work}/dead.yaml`, `knownHosts: known_hosts\ndefaults: {user: root, key: key}\nvars: {motd: x}\nhosts:\n${hosts.join("\n")}\n`)
' "$work"
echo "1. deploy --blueprint base to 1,000 hosts whose packets vanish (--connect-timeout 10)"
set +e
/usr/bin/time -f '%e %M' -o "$work/time" node bin/run.js deploy -i "$work/dead.yaml" --blueprint base --canary 0 --parallel 1000 --max-fail 1000 --json > "$work/dead.json" 2>/dev/null
code=$?
set -e
read -r seconds rss_kb < <(tail -n 1 "$work/time")
failed=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.hosts.filter((h) => h.error && h.error.code === "CONNECT_TIMEOUT").length)' "$work/dead.json")
echo "  exit $code, $failed of 1000 hosts CONNECT_TIMEOUT"
[ "$code" = 3 ] && [ "$failed" = 1000 ] || { echo "  MISSED: expected exit 3 and 1000 timeouts"; status=1; }
check "wall time" "$seconds" 30 s
check "max RSS" "$((rss_kb / 1024))" 200 MB

# 2. An inventory with an 80,000-key map: read, checked by its schema, variables resolved.
node -e '
const lines = ["hosts:", "  - {name: a, address: 198.18.200.1, role: edge}", "vars:"]
for (let i = 0; i < 80000; i++) lines.push(`  k${i}: v${i}`)
require("fs").writeFileSync(process.argv[1], lines.join("\n") + "\n")
' "$work/big.yaml"
echo "2. deploy --dry-run on an inventory with an 80,000-key vars map ($(du -h "$work/big.yaml" | cut -f1)); it stops at the first missing variable, exit 2"
hyperfine --warmup 1 --runs 5 -i --export-json "$work/big.json" "node bin/run.js deploy -i $work/big.yaml --dry-run" >/dev/null
check "mean" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).results[0].mean.toFixed(2))' "$work/big.json")" 2 s

# 3. A 50 MB file.
head -c 52428800 /dev/zero | tr '\0' 'a' > "$work/huge.yaml"
echo "3. a 50 MB inventory is refused (exit 2)"
hyperfine --warmup 1 --runs 5 -i --export-json "$work/huge.json" "node bin/run.js deploy -i $work/huge.yaml" >/dev/null
set +e; node bin/run.js deploy -i "$work/huge.yaml" 2>/dev/null; code=$?; set -e
[ "$code" = 2 ] || { echo "  MISSED: exit $code"; status=1; }
check "mean" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).results[0].mean.toFixed(2))' "$work/huge.json")" 1 s
exit $status
