#!/usr/bin/env bash
# Rewrite docs/benchmarks.md on a quiet machine: every CPU benchmark, one report (about 45 min on 2 cores).
# The development benchmarks live in benchmarks/ (not shipped); `emostudio bench` is the app's own.
cd "$(dirname "$0")/.." && exec "${PYTHON:-.venv/bin/python}" -m benchmarks all --device cpu --out docs/benchmarks.md "$@"
