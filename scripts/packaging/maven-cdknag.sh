#!/usr/bin/env bash
# Puts cdk-nag's Java artifact (io.github.cdklabs:cdknag, the version in node_modules) into
# a project-local Maven repository, so that the range our pom declares ([3.0.2,4.0.0))
# resolves. Why: the maven-metadata.xml that the reachable Maven registry serves for cdknag
# lists only 2.x, although 3.x's pom and jar are served; Maven resolves a range from the
# metadata, so it finds no 3.x. `install:install-file` writes maven-metadata-local.xml,
# which Maven merges into range resolution.
# Used by package:java (jsii-pacmak --maven-local-repository) and the Java consumer test.
# Usage: scripts/packaging/maven-cdknag.sh [repository-dir]   (default .tmp/maven-repository)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
REPO="$(mkdir -p "${1:-$ROOT/.tmp/maven-repository}" && cd "${1:-$ROOT/.tmp/maven-repository}" && pwd)"
VERSION="$(node -p "require('$ROOT/node_modules/cdk-nag/package.json').version")"
DIR="$REPO/io/github/cdklabs/cdknag"
if grep -qs "<version>$VERSION</version>" "$DIR/maven-metadata-local.xml" && [ -f "$DIR/$VERSION/cdknag-$VERSION.jar" ]; then
  echo "maven-cdknag: io.github.cdklabs:cdknag:$VERSION already in $REPO"
  exit 0
fi
command -v mvn >/dev/null || { echo "maven-cdknag: mvn (Apache Maven) is required" >&2; exit 1; }
# The pom and jar by exact version (no range, no metadata needed), without its dependencies.
for type in pom jar; do
  mvn -B -q dependency:get "-Dartifact=io.github.cdklabs:cdknag:$VERSION:$type" -Dtransitive=false "-Dmaven.repo.local=$REPO" || {
    echo "maven-cdknag: could not download io.github.cdklabs:cdknag:$VERSION ($type) from Maven Central" >&2; exit 1; }
done
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cp "$DIR/$VERSION/cdknag-$VERSION.jar" "$DIR/$VERSION/cdknag-$VERSION.pom" "$TMP/"
mvn -B -q install:install-file "-Dfile=$TMP/cdknag-$VERSION.jar" "-DpomFile=$TMP/cdknag-$VERSION.pom" "-Dmaven.repo.local=$REPO"
grep -qs "<version>$VERSION</version>" "$DIR/maven-metadata-local.xml" || {
  echo "maven-cdknag: $DIR/maven-metadata-local.xml does not list $VERSION after install" >&2; exit 1; }
echo "maven-cdknag: installed io.github.cdklabs:cdknag:$VERSION into $REPO"
