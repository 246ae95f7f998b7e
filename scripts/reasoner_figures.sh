#!/bin/bash
# Issue 30: systems on the same judged clips, one after another on an otherwise idle
# machine, under the same review. Usage:
#   bash scripts/reasoner_figures.sh [SYSTEM ...]
# SYSTEM: old (the 3.0.0 default, from $OLD_DEFAULT), stage1, refine, grouped (each greedy
# and with up to 4 drafts); all of them when none is named.
set -e
export HF_HUB_OFFLINE=1
run() { .venv/bin/emostudio-train evaluate manifest:runs/reasoner/judged.csv --rationales 72 --no-card --device cpu --cache runs/reasoner/cache "$@"; }
both() {  # $1: name, $2: checkpoint
  run --model "$2" --drafts 1 --out "runs/reasoner/fig-$1-greedy"
  run --model "$2" --drafts 4 --out "runs/reasoner/fig-$1-upto4"
}
systems=${*:-old stage1 refine grouped}
for system in $systems; do
  case $system in
    old) run --model "${OLD_DEFAULT:?set OLD_DEFAULT to a copy of the 3.0.0 default}" --drafts 1 --out runs/reasoner/fig-3.0.0 ;;
    stage1) both stage1 runs/reasoner/model/final ;;
    refine) both refine runs/reasoner/model-refine/final ;;
    grouped) both grouped runs/reasoner/model-grouped/final ;;
    *) echo "unknown system $system" >&2; exit 2 ;;
  esac
done
echo all done
