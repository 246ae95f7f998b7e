#!/bin/bash
# Issue 30: every system on the same judged clips, one after another on an otherwise idle machine.
set -e
export HF_HUB_OFFLINE=1
run() { .venv/bin/emostudio-train evaluate manifest:runs/reasoner/judged.csv --rationales 72 --no-card --device cpu --cache runs/reasoner/cache "$@"; }
run --model default --out runs/reasoner/final-default
run --model runs/reasoner/model/final --drafts 1 --out runs/reasoner/final-greedy
run --model runs/reasoner/model/final --drafts 4 --out runs/reasoner/final-best4
run --model runs/reasoner/model/final --drafts 1 --constrained --out runs/reasoner/final-constrained
echo all done
