#!/usr/bin/env bash
# Set up, then run Commit Stats on http://127.0.0.1:5000 with the embedded database.
# Extra arguments go to `commitstats serve` (for example --port 8000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/commitstats serve "$@"
