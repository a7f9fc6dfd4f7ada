#!/usr/bin/env bash
# Runs the consumer tests (scripts/consumers/<language>.sh) on the packages under dist/,
# TypeScript first: its assembly is the reference that every other language's template
# must equal. Runs every language, then fails if any failed, with a time per language.
# `npx projen test:consumers` builds the packages first. Usage: run.sh [language...]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LANGUAGES=("${@:-typescript}")
[ $# -eq 0 ] && LANGUAGES=(typescript python java go)
export CONSUMERS_WORK="${CONSUMERS_WORK:-${TMPDIR:-/tmp}/cdk-kms-patterns-consumers}"
summary=()
failed=0
for language in "${LANGUAGES[@]}"; do
  start=$SECONDS
  if bash "$ROOT/scripts/consumers/$language.sh"; then
    result=passed
  else
    result=FAILED
    failed=$((failed + 1))
  fi
  summary+=("$(printf '%-10s %-6s %4d s' "$language" "$result" $((SECONDS - start)))")
  # The TypeScript app is the reference for the others.
  if [ "$language" = typescript ] && [ "$result" = passed ]; then
    export CONSUMERS_REFERENCE="$CONSUMERS_WORK/typescript/cdk.out"
  fi
done
echo
echo "Consumer tests:"
printf '  %s\n' "${summary[@]}"
echo "$(( ${#LANGUAGES[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
