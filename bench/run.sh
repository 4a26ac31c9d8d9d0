#!/usr/bin/env bash
# Every benchmark; each prints its figures and fails when its goal is missed.
set -euo pipefail
cd "$(dirname "$0")"
status=0
for bench in startup.sh ssh.sh latency.sh deploy.sh verify.sh faults.sh consultant.sh replication.sh; do
  bash "$bench" || status=1
done
exit $status
