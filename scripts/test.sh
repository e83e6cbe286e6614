#!/usr/bin/env bash
# Set up, then run the linter and the whole test suite. Extra arguments go to pytest.
# Both always run, so one report shows every problem; any failure fails the script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

lint_paths=(app tests)
if [ -d bench ]; then
  lint_paths+=(bench)
fi
lint_status=0
.venv/bin/ruff check "${lint_paths[@]}" || lint_status=$?

test_status=0
.venv/bin/pytest -q "$@" || test_status=$?
if [ "$test_status" -eq 5 ]; then
  # pytest's "no tests were collected": a suite that ran nothing has not passed.
  echo "test: pytest collected no tests" >&2
fi

if [ "$lint_status" -ne 0 ]; then
  echo "test: ruff found problems (exit $lint_status)" >&2
  exit "$lint_status"
fi
exit "$test_status"
