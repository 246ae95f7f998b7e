#!/bin/bash
# Issue 30: every system on the same judged clips, one after another on an otherwise idle
# machine, under the same review. Usage: bash scripts/reasoner_figures.sh [OLD_DEFAULT]
#   OLD_DEFAULT: a copy of the 3.0.0 default (no evidence table), when one is at hand.
set -e
export HF_HUB_OFFLINE=1
run() { .venv/bin/emostudio-train evaluate manifest:runs/reasoner/judged.csv --rationales 72 --no-card --device cpu --cache runs/reasoner/cache "$@"; }
if [ -n "$1" ]; then run --model "$1" --drafts 1 --out runs/reasoner/fig-3.0.0; fi
run --model runs/reasoner/model/final --drafts 1 --out runs/reasoner/fig-stage1-greedy
run --model runs/reasoner/model/final --drafts 4 --out runs/reasoner/fig-stage1-upto4
run --model runs/reasoner/model-refine/final --drafts 1 --out runs/reasoner/fig-refine-greedy
run --model runs/reasoner/model-refine/final --drafts 4 --out runs/reasoner/fig-refine-upto4
echo all done
