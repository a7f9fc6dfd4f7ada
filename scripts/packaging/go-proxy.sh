#!/usr/bin/env bash
# Builds a file-based Go module proxy in .tmp/goproxy with the Go modules of our jsii
# dependencies that the reachable Go module proxy refuses (403 "not available"):
# github.com/cdklabs/cdk-nag-go/cdknag/v3 and the cloud-assembly-schema-go version it
# requires, at the versions in node_modules. It generates them
# from the dependency's own jsii assembly with `jsii-pacmak --code-only`, as their publisher
# does. With `--self`, it also adds our own module from dist/go (after package:go), for the
# Go consumer test.
# Use it with (scripts/packaging/go-env.sh prints these):
#   GOPROXY=file://$ROOT/.tmp/goproxy,https://proxy.golang.org  GONOSUMDB=<those modules>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PROXY="$ROOT/.tmp/goproxy"
GEN="$ROOT/.tmp/go-gen"
mkdir -p "$GEN"
command -v go >/dev/null || { echo "go-proxy: the go command is required" >&2; exit 1; }

# The jsii packages whose Go modules the proxy refuses: cdk-nag 3, and the cloud assembly
# schema version that cdk-nag's generated go.mod requires (the one in node_modules).
for pkg in cdk-nag @aws-cdk/cloud-assembly-schema; do
  version="v$(node -p "require('$ROOT/node_modules/$pkg/package.json').version")"
  out="$GEN/${pkg//\//_}"
  if [ ! -f "$out/done-$version" ]; then
    rm -rf "$out"
    (cd "$ROOT" && npx jsii-pacmak --code-only --target go --outdir "$out" "node_modules/$pkg") >"$GEN.log" 2>&1 || {
      cat "$GEN.log" >&2; echo "go-proxy: jsii-pacmak could not generate the Go module of $pkg" >&2; exit 1; }
    touch "$out/done-$version"
  fi
  moddir="$(dirname "$(find "$out/go" -mindepth 2 -maxdepth 2 -name go.mod | head -1)")"
  python3 "$ROOT/scripts/packaging/go-proxy.py" "$PROXY" "$moddir" "$version"
done

if [ "${1:-}" = "--self" ]; then
  SELF_VERSION="v$(node -p "require('$ROOT/package.json').version")"
  [ -f "$ROOT/dist/go/cdkkmspatterns/go.mod" ] || { echo "go-proxy: no dist/go/cdkkmspatterns: run npx projen package:go first" >&2; exit 1; }
  python3 "$ROOT/scripts/packaging/go-proxy.py" "$PROXY" "$ROOT/dist/go/cdkkmspatterns" "$SELF_VERSION"
fi
