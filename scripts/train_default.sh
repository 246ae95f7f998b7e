#!/usr/bin/env bash
# Rebuild EmoStudio's default model (assets/models/default): the synthetic-prosody model's
# LLM and encoders, with a label head learnt from several corpora, judged leave-one-
# corpus-out (issue 28).
#
#   bash scripts/train_default.sh RAVDESS EMOSPEECH [TESS TUREV ASED]
#
# RAVDESS: the folder holding Actor_01 .. Actor_24 (Zenodo 1188976, CC BY-NC-SA 4.0).
# EMOSPEECH: the folder holding Misc, House, ... (github.com/RakshakTeam/emospeech-dataset-v1,
# CC BY-NC-SA 4.0). TESS (datasets/ of github.com/deepxzy/Toronto-emotional-speech-set),
# TUREV (the repository holding "Sound Source", github.com/Xeonen/TurEV-DB) and ASED (the
# folder holding 01Neutral .. 05Angry, github.com/wgwangang/ASED_V1) are evaluation only.
#
# On 2 CPU cores: the synthetic corpus about 3 minutes; measuring every clip once (eGeMAPS,
# the cues, Whisper on the clip's own frames, one channel-augmented copy of each training
# clip) about an hour, cached in runs/corpora/cache so that a rerun resumes; the
# leave-one-corpus-out runs a few minutes each.
set -euo pipefail
cd "$(dirname "$0")/.."
RAVDESS=${1:?usage: bash scripts/train_default.sh RAVDESS EMOSPEECH [TESS TUREV ASED]}
EMOSPEECH=${2:?usage: bash scripts/train_default.sh RAVDESS EMOSPEECH [TESS TUREV ASED]}
TRAIN=${TRAIN:-.venv/bin/emostudio-train}
RUN=${RUN:-runs/corpora}
CACHE="$RUN/cache"
mkdir -p data "$RUN"
link() { ln -sfn "$(cd "$1" && pwd -P)" "data/$2"; }  # -P: data/NAME itself may be given
link "$RAVDESS" ravdess
link "$EMOSPEECH" emospeech
EVALUATE=()
[ -n "${3:-}" ] && link "$3" tess && EVALUATE+=(--evaluate tess:data/tess)
[ -n "${4:-}" ] && link "$4" turev && EVALUATE+=(--evaluate turev:data/turev)
[ -n "${5:-}" ] && link "$5" ased && EVALUATE+=(--evaluate ased:data/ased)
"$TRAIN" validate ravdess:data/ravdess emospeech:data/emospeech --no-audio
# The synthetic corpus: sad for the fold that holds RAVDESS out (EmoSpeech has none).
"$TRAIN" synth --out runs/synthetic/corpus --seed 0
CORPORA=(--train ravdess:data/ravdess --train emospeech:data/emospeech
  --always asterisk-train@16 --always manifest:runs/synthetic/corpus/train-synthetic.csv
  "${EVALUATE[@]}" --check asterisk-test --whisper-context clip --cache "$CACHE")
# Population norms of the cues from the training corpora's neutral clips, checked on the
# held-out ones.
"$TRAIN" norms ravdess:data/ravdess emospeech:data/emospeech asterisk-train \
  "${EVALUATE[@]}" --cache "$CACHE" --out model_core/cues/population_norms.json \
  | tee "$RUN/norms.txt"
# The ablation: one change at a time from the shipped recipe, on the same folds.
"$TRAIN" corpus-cv "${CORPORA[@]}" --no-peer --out "$RUN/ablation" \
  --recipe multi-corpus --recipe no-augmentation --recipe class-balance --recipe anchor-1 \
  --recipe no-anchor --recipe layer-1 --recipe layer-3 --recipe acoustic-only \
  --recipe whisper-only
# The headline run: the new recipe, the one shipped before refitted on the same data, the
# eGeMAPS peer and the model shipped before (its clip-context head) as it is; and the head
# to ship, fitted on every training corpus and calibrated on the held-out-corpus logits.
"$TRAIN" corpus-cv "${CORPORA[@]}" --speaker-folds ravdess=4 --recipe multi-corpus \
  --recipe default-2.0 --shipped "${SHIPPED:-fast}" --out "$RUN/cv" --write-model "$RUN/model"
.venv/bin/python scripts/ship_corpora.py "$RUN"
