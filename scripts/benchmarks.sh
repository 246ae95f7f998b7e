#!/usr/bin/env bash
# Regenerate docs/benchmarks.md: every CPU benchmark, one after the other, on a quiet machine.
# The GPU figures (docs/benchmarks-gpu.md) come from a GPU machine: see that file.
set -euo pipefail
cd "$(dirname "$0")/.."
EMOSTUDIO=${EMOSTUDIO:-.venv/bin/emostudio}
out=docs/benchmarks.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
BENCHES=(acoustics asr model grounding train)
declare -A OPTIONS=([train]="--batch 8")
for what in "${BENCHES[@]}"; do
  echo "== emostudio bench $what" >&2
  # shellcheck disable=SC2086
  "$EMOSTUDIO" bench "$what" --device cpu ${OPTIONS[$what]:-} --out "$tmp/$what.md" >&2
done
{
  echo "# Benchmarks"
  echo
  echo "Measured on $(date -u +%Y-%m-%d) by \`bash scripts/benchmarks.sh\`, which runs"
  echo "\`emostudio bench acoustics|asr|model|grounding|train --device cpu\` one after the other."
  echo "Each benchmark times its candidates in one process, on the same inputs, and reports"
  echo "medians and ratios. GPU figures: [benchmarks-gpu.md](benchmarks-gpu.md)."
  for what in "${BENCHES[@]}"; do
    echo
    sed 's/^## /## /' "$tmp/$what.md"
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out" >&2
