# Shared by the consumer scripts (sourced): paths, versions and the template check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The peer versions the library declares as its minimum (package.json peerDependencies).
peer() { node -p "require('$ROOT/package.json').peerDependencies['$1'].replace(/^[\\^~]/, '')"; }
CDK_VERSION="$(peer aws-cdk-lib)"
CONSTRUCTS_VERSION="$(peer constructs)"
CDK_NAG_VERSION="$(peer cdk-nag)"
VERSION="$(node -p "require('$ROOT/package.json').version")"
# Scratch space per language, outside the repository (a consumer is not inside our tree).
WORK="${CONSUMERS_WORK:-${TMPDIR:-/tmp}/cdk-kms-patterns-consumers}"

fail() { echo "consumer test ($LANGUAGE): $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "the '$1' command is required${2:+ ($2)}"; }
need_file() { [ -e "$1" ] || fail "$1 is missing: $2"; }

# Asserts on the synthesized assembly in $1 (and, if CONSUMERS_REFERENCE names the
# TypeScript consumer's assembly, that the template is the same).
check_assembly() {
  (cd "$ROOT" && npx tsx scripts/consumers/check-template.ts "$LANGUAGE" "$1" ${CONSUMERS_REFERENCE:+"$CONSUMERS_REFERENCE"})
}
