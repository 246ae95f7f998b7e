#!/usr/bin/env bash
# Rewrite docs/benchmarks.md on a quiet machine: every CPU benchmark, one report (about 45 min on 2 cores).
cd "$(dirname "$0")/.." && exec "${EMOSTUDIO:-.venv/bin/emostudio}" bench all --device cpu --out docs/benchmarks.md "$@"
