#!/usr/bin/env bash
# The main job on the built-in default, the local lab: start three lab hosts, deploy a core and two
# edges to them from the bundled blueprints, send a message through an edge and read it back over
# IMAP, print the DNS records and publish them to the lab's DNS, verify every node; then the
# consultant's side on bundled defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MAILOPS_DEMO_DIR:-demo-output}
lab=/var/lib/mailops/lab/default
mkdir -p "$out"

node bin/run.js lab up --hosts 3
node bin/run.js deploy -i "$lab/inventory.yaml"
read -r domain password < <(node -e '
  const read = (file) => require("yaml").parse(require("fs").readFileSync(file, "utf8"))
  console.log(read(process.argv[1]).vars.domain, read(process.argv[2]).verify_password)' "$lab/inventory.yaml" "$lab/secrets.yaml")
swaks --silent 2 --helo demo.client --server 198.18.0.12 --from someone@example.org --to "demo@$domain" \
  --header "Subject: hello from the demo" --body "Delivered through edge node2 to core node1."
sleep 1
echo "--- read back over IMAP (TLS, lab CA) ---"
curl -s --cacert "$lab/ca.pem" "imaps://198.18.0.11/INBOX;UID=1" -u "demo@$domain:$password" | grep -E '^(Subject|From):|Delivered'
# The records to publish, published to the lab's own DNS (its resolver on the bridge, 198.18.0.1).
node bin/run.js dns -i "$lab/inventory.yaml" --apply
# The core sends outbound mail nowhere: the outbound checks say they are skipped (see the verify
# tests, which capture it with --peer).
node bin/run.js verify -i "$lab/inventory.yaml" --resolver 198.18.0.1

node bin/run.js tco --json > "$out/tco.json"
node bin/run.js score --tco "$out/tco.json"
node bin/run.js plan --format ics --output "$out/plan.ics"
node bin/run.js assess --company "Demo Trading Co." --industry fmcg --revenue 50000000 --seats 500 \
  --zone apac,europe,americas --compliance gdpr,pipl --no-probe --out-dir "$out/assessment"
echo
echo "Lab up: mailops lab status; mailops lab ssh node1; mailops lab down to remove it."
echo "Written: $out/tco.json, $out/plan.ics, $out/assessment/report.html"
