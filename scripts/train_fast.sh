#!/usr/bin/env bash
# Rebuild EmoStudio's fast model (assets/models/fast): the default's recipe with the label
# head reading Whisper on each clip's own frames (`--whisper-context clip`) instead of
# 30-s padded windows, so a label needs no padded encoder pass (issue 16). Judged as the
# default is, on held-out actors and across corpora.
#
#   bash scripts/train_fast.sh /path/to/RAVDESS [/path/to/ASED]
#
# Run scripts/train_default.sh first: this reuses its folds (runs/ravdess/folds) and its
# feature cache (the eGeMAPS and cue block is shared; only Whisper runs again, on the
# clips' own frames, a few minutes on 2 CPU cores). The synthetic model's rows, which do
# not depend on the head, are in the default's card and are not measured again.
set -euo pipefail
cd "$(dirname "$0")/.."
RAVDESS=${1:?usage: bash scripts/train_fast.sh /path/to/RAVDESS [/path/to/ASED]}
ASED=${2:-}
ASED_SAMPLE=${ASED_SAMPLE:-481}
RATIONALES=${RATIONALES:-48}
TRAIN=${TRAIN:-.venv/bin/emostudio-train}
DEFAULT_RUN=runs/ravdess
RUN=runs/ravdess-fast
CACHE="$DEFAULT_RUN/cache"
BASE=synthetic
# The default's recipe (scripts/train_default.sh), in the clip context with no tail: the
# best of the contexts probed (docs/experiments/2026-11-30-fast-model.md).
EXTRA=(--train-only asterisk-train --train-only-sample 16 --whisper-context clip --whisper-tail 0)

test -f "$DEFAULT_RUN/folds/fold1-train.csv" || {
  echo "run scripts/train_default.sh first: $DEFAULT_RUN/folds is missing" >&2
  exit 2
}
mkdir -p data "$RUN"
ln -sfn "$(cd "$RAVDESS" && pwd -P)" data/ravdess  # -P: data/ravdess itself may be given
"$TRAIN" crossval ravdess:data/ravdess --folds 4 --head "$BASE" "${EXTRA[@]}" \
  --cache "$CACHE" --out "$RUN/cv-head"
"$TRAIN" fit-head "manifest:$DEFAULT_RUN/folds/fold1-train.csv" --base "$BASE" "${EXTRA[@]}" \
  --cache "$CACHE" --out "$RUN/model-fold1"
"$TRAIN" compare "manifest:$DEFAULT_RUN/folds/fold1-test.csv" --model "$RUN/model-fold1" \
  --rationales "$RATIONALES" --cache "$CACHE" --out "$RUN/heldout-head"
"$TRAIN" fit-head ravdess:data/ravdess --base "$BASE" "${EXTRA[@]}" --cache "$CACHE" \
  --out "$RUN/model-head"
"$TRAIN" compare asterisk-test --model "$RUN/model-head" --cache "$CACHE" \
  --out "$RUN/asterisk-compare-head"
if [ -n "$ASED" ]; then
  for part in 0 1; do
    suffix=$([ "$part" = 0 ] && echo "" || echo "-part$part")
    "$TRAIN" compare "ased:$ASED" --sample "$ASED_SAMPLE" --sample-part "$part" \
      --model "$RUN/model-head" --peer-train ravdess:data/ravdess --cache "$CACHE" \
      --out "$RUN/ased-head$suffix"
  done
fi
.venv/bin/python scripts/ship_fast.py "$RUN" --default-run "$DEFAULT_RUN" --final "$RUN/model-head"
