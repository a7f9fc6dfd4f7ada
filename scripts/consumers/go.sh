#!/usr/bin/env bash
# Go consumer: a Go module in a scratch directory requires our module at the package's
# version and aws-cdk-go at the library's minimum peer version, builds consumers/go and runs
# it; then the template is checked.
# The reachable Go module proxy refuses cdk-nag-go v3 and the cloud-assembly-schema-go
# version it requires (403), and our own module is not published: scripts/packaging/
# go-proxy.sh serves all three from a file proxy (.tmp/goproxy), generated from their jsii
# assemblies and from dist/go; everything else comes from the Go module proxy.
LANGUAGE=go
source "$(dirname "$0")/lib.sh"
need go
need_file "$ROOT/dist/go/cdkkmspatterns/go.mod" "run npx projen package:go first"
bash "$ROOT/scripts/packaging/go-proxy.sh" --self || fail "the file Go proxy could not be built"
source "$ROOT/scripts/packaging/go-env.sh"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
MODULE="$(sed -n 's/^module //p' "$ROOT/dist/go/cdkkmspatterns/go.mod")"
# The same version is rebuilt in place: drop our module from the module cache, so that Go
# extracts this build instead of reusing an earlier one.
CACHE="$(go env GOMODCACHE)"
# Go also keeps an index of each module-cache directory (in GOCACHE), keyed by path and
# version on the grounds that such a directory never changes: a rebuilt v0.0.0 would be
# compiled from the earlier build's file list ("undefined: KeyConstructBase"). Not indexing
# costs a directory read per module.
export GODEBUG="${GODEBUG:+$GODEBUG,}goindex=0"
for dir in "$CACHE/${MODULE%/*}" "$CACHE/cache/download/${MODULE%/*}"; do
  if [ -d "$dir" ]; then chmod -R u+w "$dir" && rm -rf "$dir"; fi
done

APP="$WORK/go"
rm -rf "$APP" && mkdir -p "$APP"
cp "$ROOT/consumers/go/main.go" "$APP/"
cd "$APP"
go mod init consumer >/dev/null 2>&1 || fail "go mod init failed"
go get "$MODULE@v$VERSION" "github.com/aws/aws-cdk-go/awscdk/v2@v$CDK_VERSION" || fail "go get of $MODULE@v$VERSION and aws-cdk-go failed"
go mod tidy || fail "go mod tidy failed"
go build -o consumer . || fail "the Go app does not compile against the generated module"
CDK_OUTDIR="$APP/cdk.out" ./consumer || fail "synth failed"
check_assembly "$APP/cdk.out"
# The README states the Go version the generated go.mod requires: keep them in step.
GO_LINE="$(sed -n 's/^go //p' "$ROOT/dist/go/cdkkmspatterns/go.mod")"
grep -q "requires \*\*Go $GO_LINE\*\* or newer" "$ROOT/README.md" \
  || fail "README.md must say the Go module's go.mod requires **Go $GO_LINE** or newer (dist/go/cdkkmspatterns/go.mod says go $GO_LINE)"
