#!/usr/bin/env bash
# Python consumer: a fresh virtualenv in a scratch directory installs the built wheel
# (dist/python, from package:python) with aws-cdk-lib, constructs and cdk-nag from PyPI at
# the library's minimum peer versions, runs consumers/python/app.py; then the template is
# checked.
LANGUAGE=python
source "$(dirname "$0")/lib.sh"
need python3
WHEEL="$(ls "$ROOT"/dist/python/cdk_kms_patterns-*.whl 2>/dev/null | head -1 || true)"
need_file "${WHEEL:-dist/python/cdk_kms_patterns-*.whl}" "run npx projen package:python first"

APP="$WORK/python"
rm -rf "$APP" && mkdir -p "$APP"
cp "$ROOT/consumers/python/app.py" "$APP/"
python3 -m venv "$APP/venv" || fail "python3 -m venv failed (on Debian: apt-get install python3-venv)"
"$APP/venv/bin/pip" install --quiet --disable-pip-version-check "$WHEEL" "aws-cdk-lib==$CDK_VERSION" \
  "constructs==$CONSTRUCTS_VERSION" "cdk-nag==$CDK_NAG_VERSION" || fail "pip install of the wheel and aws-cdk-lib failed"
(cd "$APP" && CDK_OUTDIR="$APP/cdk.out" "$APP/venv/bin/python" app.py) || fail "synth failed"
check_assembly "$APP/cdk.out"
