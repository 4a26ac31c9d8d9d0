#!/usr/bin/env bash
# The same work with OpenSSH: per host a ControlMaster connection, then N commands over it,
# all hosts at once. Usage: bench/ssh-openssh.sh LAB_DIR N
set -euo pipefail
lab=$1 count=$2
sockets=$(mktemp -d)
trap 'rm -rf "$sockets"' EXIT
opts=(-i "$lab/id_ed25519" -o UserKnownHostsFile="$lab/known_hosts" -o StrictHostKeyChecking=yes
      -o IdentitiesOnly=yes -o BatchMode=yes -o ControlPath="$sockets/%h")
run_host() {
  local address=$1
  ssh "${opts[@]}" -o ControlMaster=yes -fN "root@$address"
  for ((i = 0; i < count; i++)); do ssh "${opts[@]}" "root@$address" true; done
  ssh "${opts[@]}" -O exit "root@$address" 2>/dev/null
}
for address in $(awk '/address:/ {print $2}' "$lab/inventory.yaml"); do
  run_host "$address" &
done
wait
