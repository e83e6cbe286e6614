#!/usr/bin/env bash
# Set up, then run the linter and the whole test suite. Extra arguments go to pytest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

lint_paths=(app tests)
if [ -d bench ]; then
  lint_paths+=(bench)
fi
.venv/bin/ruff check "${lint_paths[@]}"

status=0
.venv/bin/pytest -q "$@" || status=$?
if [ "$status" -eq 5 ]; then
  # pytest's "no tests were collected": a suite that ran nothing has not passed.
  echo "test: pytest collected no tests" >&2
fi
exit "$status"
