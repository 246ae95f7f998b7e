"""Write the manifests for training the LLM's reasoning on a CPU (issue 30).

Training: RAVDESS actors 1-18, a share of EmoSpeech's users (a few clips each) and a
share of the synthetic-prosody corpus (transcripts with words of feeling, for quotes).
Held out (``held-out.csv``): RAVDESS actors 19-24 and the other EmoSpeech users, never
seen in training. ``evaluation-only.csv``: 16 clips each of TESS, TurEV-DB and ASED, the
evaluation-only corpora. ``judged.csv``: the first half of each, mixed (the figures in
the card). Rows alternate between corpora, so ``emostudio-train evaluate --rationales N``
writes rationales for all of them.

    python scripts/reasoner_data.py --out runs/reasoner
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train.datasets import load_examples  # noqa: E402
from train.datasets.example import Example  # noqa: E402

HELD_OUT_ACTORS = {f"ravdess-actor{n:02d}" for n in range(19, 25)}
EMOSPEECH_TRAIN_SHARE = 0.6  # of users (by a hash of their id)
PER_USER = 5
SYNTHETIC_EVERY = 3  # one synthetic clip in three
HELD_OUT_PER_CORPUS = 48
EVALUATION_ONLY = {"tess": "data/tess", "turev": "data/turev", "ased": "data/ased"}
EVALUATION_PER_CORPUS = 16


def _share(name: str) -> float:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") / 2**32


def _row(example: Example, split: str) -> dict[str, str]:
    return {
        "path": str(Path(example.audio).resolve()),
        "label": example.label or "",
        "transcript": example.transcript or "",
        "speaker": example.speaker or "",
        "split": split,
    }


def _spread(examples: list[Example], count: int) -> list[Example]:
    """``count`` examples spread evenly over the list (every speaker and label alike)."""
    if len(examples) <= count:
        return examples
    step = len(examples) / count
    return [examples[int(i * step)] for i in range(count)]


def _interleave(groups: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """Rows taken in turn from each group, so that any first N rows hold every group."""
    rows = []
    for index in range(max((len(g) for g in groups), default=0)):
        rows += [group[index] for group in groups if index < len(group)]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "reasoner")
    parser.add_argument("--ravdess", default="data/ravdess")
    parser.add_argument("--emospeech", default="data/emospeech")
    parser.add_argument("--synthetic", default="runs/synthetic/corpus/train-synthetic.csv")
    args = parser.parse_args()
    train: list[dict[str, str]] = []
    held: list[dict[str, str]] = []
    ravdess = load_examples(f"ravdess:{args.ravdess}")
    train += [_row(e, "train") for e in ravdess if e.speaker not in HELD_OUT_ACTORS]
    held += [
        _row(e, "test")
        for e in _spread([e for e in ravdess if e.speaker in HELD_OUT_ACTORS], HELD_OUT_PER_CORPUS)
    ]
    by_user: dict[str, list[Example]] = {}
    for example in load_examples(f"emospeech:{args.emospeech}"):
        if example.speaker:  # the shared "unknown user" is nobody's voice
            by_user.setdefault(example.speaker, []).append(example)
    held_users: list[Example] = []
    for user, items in sorted(by_user.items()):
        if len(items) < 3:
            continue
        if _share(user) < EMOSPEECH_TRAIN_SHARE:
            train += [_row(e, "train") for e in items[:PER_USER]]
        else:
            held_users += items[:PER_USER]
    emospeech_held = [_row(e, "test") for e in _spread(held_users, HELD_OUT_PER_CORPUS)]
    held = _interleave([held, emospeech_held])  # any first N rows hold both corpora
    synthetic = ROOT / args.synthetic
    if synthetic.exists():
        examples = load_examples(f"manifest:{synthetic}")
        train += [_row(e, "train") for e in examples[::SYNTHETIC_EVERY]]
    else:
        print(f"no synthetic corpus at {synthetic}: training without it", file=sys.stderr)
    evaluation = _interleave(
        [
            [
                _row(e, "test")
                for e in _spread(load_examples(f"{kind}:{path}"), EVALUATION_PER_CORPUS)
            ]
            for kind, path in EVALUATION_ONLY.items()
            if (ROOT / path).exists()
        ]
    )
    # The figures' set: half the held-out clips and half the evaluation-only ones, mixed.
    judged = _interleave([held[: len(held) // 2], evaluation[: len(evaluation) // 2]])
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = (
        ("train.csv", train),
        ("held-out.csv", held),
        ("evaluation-only.csv", evaluation),
        ("judged.csv", judged),
    )
    for name, rows in outputs:
        if not rows:
            continue
        with open(args.out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.out / name} ({len(rows)} clips)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
