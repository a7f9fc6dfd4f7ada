#!/usr/bin/env bash
# Creates .venv (gitignored) with the Python tools the test suite shells out to.
# Idempotent: a venv that already has the pinned versions is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-dev.txt
stamp=.venv/.requirements-installed
if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi
# An existing venv (or a link to a shared one) is added to, never recreated.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r "$req"
cp "$req" "$stamp"
.venv/bin/cfn-lint --version
