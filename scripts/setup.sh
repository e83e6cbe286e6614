#!/usr/bin/env bash
# Prepare this checkout to run: Debian packages, the virtualenv, the Python packages.
# Idempotent and quick when nothing changed; run.sh and test.sh call it every time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# git runs the collector; chromium (and its driver) runs the browser test.
DEBIAN_PACKAGES=(git chromium chromium-driver)
VENV=.venv
# Python packages are reinstalled only when one of these files changes.
STAMP="$VENV/.setup-stamp"

say() { echo "setup: $*" >&2; }

missing_packages() {
  local package
  for package in "${DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      echo "$package"
    fi
  done
}

install_debian_packages() {
  if ! command -v dpkg-query >/dev/null; then
    say "not a Debian system; make sure these are installed: ${DEBIAN_PACKAGES[*]}"
    return
  fi
  local missing
  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}"
    say "install them with: sudo apt-get install -y ${missing[*]}"
    if ! command -v git >/dev/null; then
      say "git is required; stopping"
      exit 1
    fi
    return
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
}

create_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv in $VENV"
    python3 -m venv "$VENV"
  fi
}

install_python_packages() {
  local wanted
  wanted="$(cat requirements.txt requirements-dev.txt pyproject.toml \
    <("$VENV/bin/python" --version) | sha256sum | cut -d' ' -f1)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && [ -x "$VENV/bin/commitstats" ]; then
    return
  fi
  say "installing Python packages from requirements-dev.txt"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r requirements-dev.txt
  say "installing Commit Stats in editable mode"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e . --no-deps
  echo "$wanted" > "$STAMP"
}

install_debian_packages
create_venv
install_python_packages
