#!/usr/bin/env bash
# Runs the jest suites (unit, security, compliance) against the newest aws-cdk-lib 2.x:
# the peer range ^2.257.0 promises every later 2.x, and the project itself builds on the
# minimum. Works in a scratch copy of the tree, so the project's node_modules and lock
# file stay on 2.257. integ/ is not run: integ-runner reads only 2.257-era assemblies.
# Arguments go to jest (e.g. a test file); CDK_LATEST_VERSION overrides the version.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=${CDK_LATEST_VERSION:-$(npm view aws-cdk-lib@latest version)}
case "$version" in
  2.*) ;;
  *) echo "aws-cdk-lib@latest is $version, outside the peer range ^2.257.0" >&2; exit 1 ;;
esac
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cdk-latest-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# Hard links: quick and no extra disk. npm replaces a package's files rather than writing
# into them; the files it does rewrite are copied first so the originals stay untouched.
cp -al "$root/." "$scratch/"
for f in package.json package-lock.json node_modules/.package-lock.json; do
  if [ -f "$scratch/$f" ]; then cp --remove-destination "$root/$f" "$scratch/$f"; fi
done
cd "$scratch"
npm install --no-save --no-audit --no-fund --ignore-scripts "aws-cdk-lib@$version"
installed=$(node -p 'require("aws-cdk-lib/package.json").version')
[ "$installed" = "$version" ] || { echo "installed aws-cdk-lib $installed, expected $version" >&2; exit 1; }
echo "aws-cdk-lib $installed"
# The library, tests and examples against its types (jest compiles without type checks).
npx tsc --noEmit -p test/tsconfig.json
# test/release checks the packing rules of this repository, not aws-cdk-lib behaviour.
# Not `exec`: the EXIT trap removes the scratch copy afterwards.
npx jest --ci --coverage=false --testPathIgnorePatterns /node_modules/ /test/release/ -- "$@"
