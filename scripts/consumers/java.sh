#!/usr/bin/env bash
# Java consumer: a Maven app in a scratch directory depends on the built package (dist/java,
# a Maven repository, from package:java) and aws-cdk-lib at the library's minimum peer
# version, compiles consumers/java and runs it with exec:java; then the template is checked.
# Maven uses the project-local repository of package:java (.tmp/maven-repository), where
# scripts/packaging/maven-cdknag.sh installs cdk-nag's Java artifact: the registry's
# metadata for io.github.cdklabs:cdknag lists only 2.x, so our pom's [3.0.2,4.0.0) range
# does not resolve from it.
LANGUAGE=java
source "$(dirname "$0")/lib.sh"
need mvn "Apache Maven"
need java "a JDK, 17 or newer"
need_file "$ROOT/dist/java/io/github/cdk-kms-patterns/cdk-kms-patterns/$VERSION" "run npx projen package:java first"
REPO="$ROOT/.tmp/maven-repository"
bash "$ROOT/scripts/packaging/maven-cdknag.sh" "$REPO" || fail "cdk-nag's Java artifact could not be installed"
# The same version is rebuilt in place: never let Maven use a copy from an earlier build.
rm -rf "$REPO/io/github/cdk-kms-patterns"

APP="$WORK/java"
rm -rf "$APP" && mkdir -p "$APP"
cp -r "$ROOT/consumers/java/." "$APP/"
cd "$APP"
CDK_OUTDIR="$APP/cdk.out" mvn -B -q "-Dmaven.repo.local=$REPO" "-Ddist.repository=file://$ROOT/dist/java" \
  "-Dcdk-kms-patterns.version=$VERSION" "-Daws-cdk-lib.version=$CDK_VERSION" "-Dconstructs.version=$CONSTRUCTS_VERSION" \
  compile exec:java "-Dexec.mainClass=consumer.ConsumerApp" \
  || fail "the Maven build or the synth failed"
check_assembly "$APP/cdk.out"
