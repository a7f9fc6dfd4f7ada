#!/usr/bin/env bash
# TypeScript consumer: a fresh npm app in a scratch directory installs the packed npm
# tarball (dist/js, from package:js) with aws-cdk-lib, constructs and cdk-nag at the
# library's minimum peer versions, compiles consumers/typescript/app.ts with tsc (against
# the packed declarations) and synthesizes; then the template is checked.
LANGUAGE=typescript
source "$(dirname "$0")/lib.sh"
need npm
TARBALL="$(ls "$ROOT"/dist/js/cdk-kms-patterns@*.jsii.tgz 2>/dev/null | head -1 || true)"
need_file "${TARBALL:-dist/js/cdk-kms-patterns@*.jsii.tgz}" "run npx projen package:js first"
TS_VERSION="$(node -p "require('$ROOT/node_modules/typescript/package.json').version")"

APP="$WORK/typescript"
rm -rf "$APP" && mkdir -p "$APP"
cp "$ROOT/consumers/typescript/app.ts" "$APP/"
cd "$APP"
cat > package.json <<JSON
{ "name": "consumer", "version": "0.0.0", "private": true }
JSON
cat > tsconfig.json <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "outDir": "out", "types": [] }, "files": ["app.ts"] }
JSON
npm install --no-audit --no-fund --loglevel=error "$TARBALL" "aws-cdk-lib@$CDK_VERSION" "constructs@$CONSTRUCTS_VERSION" \
  "cdk-nag@$CDK_NAG_VERSION" "typescript@$TS_VERSION" || fail "npm install of the tarball and its peers failed"
npx tsc -p . || fail "app.ts does not compile against the packed declarations"
CDK_OUTDIR="$APP/cdk.out" node out/app.js || fail "synth failed"
check_assembly "$APP/cdk.out"
