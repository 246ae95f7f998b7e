#!/usr/bin/env bash
# Rebuild EmoStudio's default model (assets/models/default): the synthetic-prosody model
# fine-tuned on RAVDESS speech, judged on held-out actors and across corpora.
#
#   bash scripts/train_default.sh /path/to/RAVDESS [/path/to/ASED]
#
# RAVDESS: the folder holding Actor_01 .. Actor_24 (the speech release, Zenodo 1188976,
# CC BY-NC-SA 4.0). ASED (optional, evaluation only): the folder holding 01Neutral ..
# 05Angry. FOLDS="1" runs only fold 1 of the speaker-independent cross-validation (each
# fold trains a model: about 40 min on 2 CPU cores; ASED_SAMPLE caps the ASED clips scored).
# Rerunning resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
RAVDESS=${1:?usage: bash scripts/train_default.sh /path/to/RAVDESS [/path/to/ASED]}
ASED=${2:-}
FOLDS=${FOLDS:-1 2 3 4}
ASED_SAMPLE=${ASED_SAMPLE:-480}
TRAIN=${TRAIN:-.venv/bin/emostudio-train}
RUN=runs/ravdess
RECIPE=train/recipes/ravdess.toml          # stage 1: one joint epoch from the synthetic model
STAGE2=train/recipes/ravdess-stage2.toml   # stage 2: one more at a lower rate

mkdir -p data "$RUN"
ln -sfn "$(cd "$RAVDESS" && pwd)" data/ravdess  # the recipe reads data/ravdess (git-ignored)
"$TRAIN" validate ravdess:data/ravdess --no-audio
"$TRAIN" rationales ravdess:data/ravdess --out "$RUN/rationales.jsonl" --teacher template \
  --labels neutral,happy,sad,angry
# Speaker-independent figures, EmoReasoner (both stages per fold) and the eGeMAPS peer on
# the same folds.
# shellcheck disable=SC2086
"$TRAIN" crossval ravdess:data/ravdess --folds 4 --only $FOLDS --config "$RECIPE" --config "$STAGE2" \
  --out "$RUN/cv"
# The model to ship: both stages on all 24 actors.
"$TRAIN" fit --config "$RECIPE"
"$TRAIN" fit --config "$STAGE2"
FINAL="$RUN/model-stage2/final"
"$TRAIN" compare asterisk-test --model "$FINAL" --model synthetic --cache "$RUN/cache" \
  --out "$RUN/asterisk-compare"
if [ -n "$ASED" ]; then
  "$TRAIN" compare "ased:$ASED" --sample "$ASED_SAMPLE" --model "$FINAL" --model synthetic \
    --peer-train ravdess:data/ravdess --cache "$RUN/cache" --out "$RUN/ased"
fi
.venv/bin/python scripts/ship_default.py "$RUN" --final "$FINAL"
