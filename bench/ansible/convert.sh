#!/usr/bin/env bash
# Writes Jinja versions of the blueprints' Handlebars templates into $1: {{#each list}} bodies
# ({{field}} of the item, {{@root.name}} of the blueprint) → {% for item in list %}, {{#if}} → {% if %}.
set -euo pipefail
out=$1
root="$(dirname "$0")/../../blueprints"
for blueprint in base core edge; do
  mkdir -p "$out/$blueprint"
  for template in "$root/$blueprint"/templates/*; do
    perl -0pe 's/\{\{#each (\w+)\}\}(.*?)\{\{\/each\}\}/my ($l, $b) = ($1, $2); $b =~ s#\{\{\@root\.(\w+)\}\}#{{ $1 }}#g; $b =~ s#\{\{(?!\s)(\w+)\}\}#{{ item.$1 }}#g; $b =~ s#\{\{this\}\}#{{ item }}#g; "{% for item in $l %}$b\{% endfor %}"/gse; s/\{\{#if (\w+)\}\}/{% if $1 %}/g; s/\{\{else\}\}/{% else %}/g; s/\{\{\/if\}\}/{% endif %}/g' "$template" > "$out/$blueprint/$(basename "$template").j2"
  done
done
