#!/usr/bin/env bash
# Writes Jinja versions of the blueprints' templates into $1 (mailops' {{#each}}/{{#if}} → Jinja).
set -euo pipefail
out=$1
root="$(dirname "$0")/../../blueprints"
for blueprint in base core edge; do
  mkdir -p "$out/$blueprint"
  for template in "$root/$blueprint"/templates/*; do
    sed -E -e 's/\{\{#each ([a-z_]+)\}\}/{% for item in \1 %}/g' -e 's/\{\{\.([a-z_]+)\}\}/{{ item.\1 }}/g' -e 's/\{\{\/each\}\}/{% endfor %}/g' \
      -e 's/\{\{#if ([a-z_]+)\}\}/{% if \1 %}/g' -e 's/\{\{\/if\}\}/{% endif %}/g' "$template" > "$out/$blueprint/$(basename "$template").j2"
  done
done
