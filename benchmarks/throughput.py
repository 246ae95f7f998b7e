"""Throughput benchmark: many short clips end to end, one file at a time against batches,
side by side in one run (issue 16's targets).

Every figure runs the product's own paths on the same real-speech clips in the same
process: :meth:`model_core.pipeline.Analyzer.analyze` after decoding the files (label
only, and with a rationale the LLM writes), one file at a time (what ``emostudio
analyze`` did before ``--batch``) and as one batch, and ``emostudio import`` with the
model into a new project. A last row times Whisper's encoder alone on the clips padded to
30 s (what the product runs: its decoder needs it) and on each clip's own frames.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from pathlib import Path

from benchmarks.acoustics import ASTERISK_DIR, write_clips
from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line
from model_core.audio import load_audio
from model_core.devices import pick_placement, quiet_libraries
from model_core.pipeline import SHIPPED_MODELS, Analyzer, Clip, load_model, model_folder

SHORT_SECONDS, ONE_CLIP_SECONDS, TOKENS = 3.0, 5.0, 60
LABEL_RATE_TARGET, ONE_CLIP_TARGET, RATIONALE_RATE_TARGET, IMPORT_RATE_TARGET = 5.0, 0.4, 1.5, 2.0
PROBABILITY_TOLERANCE = 1e-3
# The analyzer's stages, as it times them (AnalysisResult.timings); Whisper's encoder and
# its decoder (ASR) are what a transcript costs.
STAGES = ("acoustics", "whisper_encoder", "asr", "encoders", "label_head", "scoring", "generation")
WHISPER_STAGES = ("whisper_encoder", "asr")
FAST_MODEL = "fast"  # measured beside the model asked for, when it ships


def _label_run(
    analyzer: Analyzer, paths: list[Path], rationale: bool = False, transcribe: bool = True
):
    """Seconds to decode and analyse ``paths`` as one batch, and the results."""
    started = time.perf_counter()
    clips = [Clip(load_audio(path)) for path in paths]
    results = analyzer.analyze(clips, rationale=rationale, transcribe=transcribe)
    return time.perf_counter() - started, results


def _import_rate(model_dir: Path, clips: Path, device: str, transcribe: bool = True) -> float:
    """Clips/s of ``emostudio import`` of ``clips`` with the model in ``model_dir``."""
    from emostudio.store.importer import ImportOptions, run_import
    from emostudio.store.project import Project

    with tempfile.TemporaryDirectory() as folder, Project(Path(folder) / "p.emostudio") as project:
        options = ImportOptions(
            model=str(model_dir),
            device=device,
            workers=os.cpu_count() or 1,
            transcribe=transcribe,
        )
        summary = run_import(project, clips, options)
    count = len(list(clips.glob("*.wav")))
    if summary.imported != count:
        raise RuntimeError(f"the benchmark import went wrong: {summary.text()}")
    return count / summary.seconds


def throughput_section(
    model_spec: str = "default",
    device: str = "auto",
    batch: int = 32,
    speech_dir: Path = ASTERISK_DIR,
    imports: bool = True,
    tokens: int = TOKENS,
    compare_with: str | None = FAST_MODEL,
) -> Section:
    """Each path one file at a time and as one batch, after a warm-up: the report, the
    ratios and the figures against issue 16's targets; then the same for ``compare_with``
    (the shipped fast model, when there is one) on the same clips, in this process."""
    quiet_libraries()
    placement = pick_placement(device)
    specs = [model_spec]
    # "fast" names the default since 3.0.0: the same folder is measured once.
    if (
        compare_with
        and model_folder(compare_with) != model_folder(model_spec)
        and _shipped(compare_with)
    ):
        specs.append(compare_with)
    sections, measured = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        short = write_clips(scratch / "short", batch, SHORT_SECONDS, speech_dir)
        longer = write_clips(scratch / "long", 1, ONE_CLIP_SECONDS, speech_dir)
        for spec in specs:
            model = load_model(spec, placement)
            measured[spec] = _measure(model, spec, short, longer, scratch, device, imports, tokens)
            sections.append(_report(model, placement, batch, tokens, **measured[spec]))
            del model
    if len(specs) == 1:
        return sections[0]
    comparison = _comparison(specs, measured, batch, tokens)
    return Section(
        sections[0].markdown + "\n" + comparison + "\n" + sections[1].markdown,
        sections[0].figures + sections[1].figures,
    )


def _shipped(spec: str) -> bool:
    """Whether ``spec`` names a shipped model whose checkpoint is present."""
    return (SHIPPED_MODELS.get(spec, Path("/nonexistent")) / "emostudio_config.json").exists()


def _measure(model, spec, short, longer, scratch, device, imports, tokens) -> dict:
    """Every path of one model on the same clips: rows, one-clip seconds, batch against
    alone, the encoder alone in both contexts, the import."""
    batch = len(short)
    shipped_tokens = model.config.max_rationale_tokens
    model.config = dataclasses.replace(model.config, max_rationale_tokens=tokens)
    labels = Analyzer(model)
    drafts = Analyzer(model, rationale_policy="model")  # the LLM writes every rationale
    rows: dict[str, dict[str, float]] = {"one file at a time": {}, f"batch of {batch}": {}}
    _label_run(labels, short[:2])  # warm-up
    one, one_results = _label_run(labels, longer)
    bare_one, _ = _label_run(labels, longer, transcribe=False)
    stages: dict[str, dict[str, float]] = {}  # the batched runs' seconds per stage
    for name, size in zip(rows, (1, batch), strict=True):
        runs = {
            "label": _batched(labels, short, size),
            "bare": _batched(labels, short, size, transcribe=False),
            "rationale": _batched(drafts, short, size, rationale=True),
        }
        for key, (seconds, spent) in runs.items():
            rows[name][key] = batch / seconds
            if size == batch:
                stages[key] = spent | {"total": seconds}
    same = _batch_equals_single(labels, short[:4])
    encoder = _encoder_seconds(model, short)
    import_rate = (
        {
            "with": _import_rate(model_folder(spec), scratch / "short", device),
            "without": _import_rate(model_folder(spec), scratch / "short", device, False),
        }
        if imports
        else None
    )
    model.config = dataclasses.replace(model.config, max_rationale_tokens=shipped_tokens)
    return dict(
        rows=rows,
        stages=stages,
        ones={"with": one, "without": bare_one},
        one_whisper=sum(_stage_seconds(one_results).get(k, 0.0) for k in WHISPER_STAGES),
        same=same,
        encoder=encoder,
        import_rate=import_rate,
    )


def _comparison(specs: list[str], measured: dict, batch: int, tokens: int) -> str:
    """Both models' batched rates and one-clip times side by side, with their ratios."""
    first, second = specs
    a, b = measured[first], measured[second]
    key = f"batch of {batch}"
    lines = [
        f"### `--model {second}` against `--model {first}`, same clips, same run",
        "",
        f"| | {first} | {second} | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row, text in (
        ("label", "label only, clips/s"),
        ("bare", "label only, no transcript, clips/s"),
        ("rationale", f"label and a {tokens}-token rationale, clips/s"),
    ):
        x, y = a["rows"][key][row], b["rows"][key][row]
        lines.append(f"| {text} (batch of {batch}) | {x:.3g} | {y:.3g} | x{y / x:.3g} |")
    for which, text in (("with", "one 5 s clip, s"), ("without", "one 5 s clip, no transcript, s")):
        x, y = a["ones"][which], b["ones"][which]
        lines.append(f"| {text} | {x:.2f} | {y:.2f} | x{x / y:.3g} faster |")
    if a["import_rate"] and b["import_rate"]:
        for which, text in (
            ("with", "import, clips/s"),
            ("without", "import --no-transcript, clips/s"),
        ):
            x, y = a["import_rate"][which], b["import_rate"][which]
            lines.append(f"| {text} | {x:.2f} | {y:.2f} | x{y / x:.3g} |")
    return "\n".join(lines) + "\n"


def _batched(
    analyzer: Analyzer,
    paths: list[Path],
    size: int,
    rationale: bool = False,
    transcribe: bool = True,
) -> tuple[float, dict[str, float]]:
    """Seconds to decode and analyse ``paths`` in batches of ``size``, and the seconds of
    each analyzer stage summed over the batches."""
    total, spent = 0.0, {}
    for first in range(0, len(paths), size):
        seconds, results = _label_run(analyzer, paths[first : first + size], rationale, transcribe)
        total += seconds
        for name, value in _stage_seconds(results).items():
            spent[name] = spent.get(name, 0.0) + value
    return total, spent


def _stage_seconds(results) -> dict[str, float]:
    """One batch's seconds per stage: every clip holds its batch's time of a batch stage;
    acoustics are timed per clip, and summed."""
    first = results[0].timings
    spent = {name: first[name] for name in STAGES if name in first and name != "acoustics"}
    spent["acoustics"] = sum(result.timings.get("acoustics", 0.0) for result in results)
    return spent


def _stage_table(stages: dict[str, dict[str, float]], batch: int, tokens: int) -> list[str]:
    """Where each batched path's time went, and what Whisper alone leaves possible."""
    columns = (
        ("label", "label only"),
        ("bare", "no transcript"),
        ("rationale", f"label and a {tokens}-token rationale"),
    )
    lines = [
        "",
        f"Where the batch of {batch}'s time went, s (the analyzer's own stage timings):",
        "",
        "| stage | " + " | ".join(text for _, text in columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for name in STAGES:
        if any(name in stages[key] for key, _ in columns):
            cells = [
                f"{stages[key][name]:.2f}" if name in stages[key] else "" for key, _ in columns
            ]
            lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(cells) + " |")
    rest = [
        stages[key]["total"] - sum(v for k, v in stages[key].items() if k != "total")
        for key, _ in columns
    ]
    lines.append(
        "| the rest (decoding files, prompts, checks) | "
        + " | ".join(f"{r:.2f}" for r in rest)
        + " |"
    )
    lines.append("| total | " + " | ".join(f"{stages[k]['total']:.2f}" for k, _ in columns) + " |")
    whisper = _whisper_seconds(stages["label"])
    lines += [
        "",
        f"- With a transcript, Whisper's padded encoder and its decoder alone took {whisper:.1f} s "
        f"of the label-only batch: however fast the rest, that path cannot pass "
        f"{batch / whisper:.2f} clips/s on this machine (shorter Whisper windows cost WER: "
        "docs/experiments/2026-11-30-whisper-context.md).",
    ]
    return lines


def _whisper_seconds(spent: dict[str, float]) -> float:
    """Seconds a transcript cost: Whisper's encoder and ASR."""
    return sum(spent.get(name, 0.0) for name in WHISPER_STAGES)


def _encoder_seconds(model, paths: list[Path]) -> dict[str, float]:
    """Whisper's encoder alone on the clips, in each context (the model's windows groups)."""
    import torch

    from model_core.model.reasoner import ClipInput

    clips = [ClipInput(load_audio(path).for_model) for path in paths]
    shipped, seconds = model.config, {}
    for context in ("padded", "clip"):
        model.config = dataclasses.replace(shipped, whisper_context=context, whisper_tail_s=0.0)
        started = time.perf_counter()
        with torch.inference_mode():
            model.whisper_states(clips)
        seconds[context] = time.perf_counter() - started
    model.config = shipped
    return seconds


def _batch_equals_single(analyzer: Analyzer, paths: list[Path]) -> float:
    """Largest difference of a probability between the clips in one batch and alone."""
    clips = [Clip(load_audio(path)) for path in paths]
    together = analyzer.analyze(clips, rationale=False)
    largest = 0.0
    for clip, result in zip(clips, together, strict=True):
        (alone,) = analyzer.analyze([clip], rationale=False)
        for label, p in result.probabilities.items():
            largest = max(largest, abs(p - alone.probabilities[label]))
    return largest


def _report(
    model, placement, batch, tokens, rows, stages, ones, one_whisper, same, encoder, import_rate
) -> Section:
    (old, new), where = list(rows), placement.describe()
    lines = [
        f"## Throughput: {model.config.name}, many short clips, {where}",
        "",
        f"Machine: {machine_line()}. Decode to result, {batch} clips of {SHORT_SECONDS:g} s of "
        "real speech (Debian's asterisk prompts), one timed run after a warm-up, all in this "
        "process.",
        "",
        f"| clips/s | {old} | {new} | speed-up |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, text in (
        ("label", "label only"),
        ("bare", "label only, no transcript (`--no-transcript`)"),
        ("rationale", f"label and a {tokens}-token rationale"),
    ):
        a, b = rows[old][key], rows[new][key]
        lines.append(f"| {text} | {a:.3g} | {b:.3g} | x{b / a:.3g} |")
    lines += _stage_table(stages, batch, tokens)
    ratio = encoder["padded"] / encoder["clip"]
    lines += [
        "",
        f"- one {ONE_CLIP_SECONDS:g} s clip, label end to end: **{ones['with']:.2f} s**; "
        f"without a transcript **{ones['without']:.2f} s**; Whisper's encoder and ASR took "
        f"{one_whisper:.2f} s of the first",
        f"- a clip in a batch against alone: largest probability difference {same:.1e}",
        f"- Whisper's encoder alone on the {batch} clips: padded to 30 s {encoder['padded']:.2f} s, "
        f"on each clip's own frames {encoder['clip']:.2f} s (x{ratio:.3g}); this model reads "
        f"{model.config.whisper_context} states; ASR decodes padded ones (Whisper's decoder "
        "loops on shorter states: docs/experiments/2026-11-30-whisper-context.md)",
    ]
    if import_rate is not None:
        lines.append(
            f"- `emostudio import` with the model: **{import_rate['with']:.2f} clips/s**; "
            f"with `--no-transcript` **{import_rate['without']:.2f} clips/s**"
        )
    fast, name = rows[new], model.config.name
    ceiling = {  # clips/s were everything but Whisper (and the LLM's writing) free
        "label": batch / _whisper_seconds(stages["label"]),
        "rationale": batch
        / (_whisper_seconds(stages["rationale"]) + stages["rationale"].get("generation", 0.0)),
    }
    figures = [
        Figure(
            f"{name}: label only, batch of {batch} x 3 s, {where}",
            fast["label"],
            "clips/s",
            f"{fast['label']:.2f} clips/s (x{fast['label'] / rows[old]['label']:.2f} one at a "
            f"time; Whisper alone allows {ceiling['label']:.2f})",
            at_least=LABEL_RATE_TARGET,
        ),
        Figure(
            f"{name}: label only, no transcript, batch of {batch} x 3 s, {where}",
            fast["bare"],
            "clips/s",
            f"{fast['bare']:.2f} clips/s (x{fast['bare'] / fast['label']:.2f} with a transcript)",
            at_least=LABEL_RATE_TARGET,
        ),
        Figure(
            f"{name}: one 5 s clip, label end to end, {where}",
            ones["with"],
            "s",
            f"{ones['with']:.2f} s (without a transcript {ones['without']:.2f} s; "
            f"Whisper alone {one_whisper:.2f} s)",
            below=ONE_CLIP_TARGET,
        ),
        Figure(
            f"{name}: batch of {batch}, {tokens}-token rationale, {where}",
            fast["rationale"],
            "clips/s",
            f"{fast['rationale']:.2f} clips/s (Whisper and generation alone allow "
            f"{ceiling['rationale']:.2f})",
            at_least=RATIONALE_RATE_TARGET if tokens == TOKENS else None,
        ),
        Figure(
            f"{name}: a clip's probabilities in a batch and alone",
            same,
            "",
            f"{same:.1e}",
            below=PROBABILITY_TOLERANCE,
        ),
    ]
    if import_rate is not None:
        figures.append(
            Figure(
                f"{name}: emostudio import with the model, 3 s clips, {where}",
                import_rate["with"],
                "clips/s",
                f"{import_rate['with']:.2f} clips/s (--no-transcript {import_rate['without']:.2f})",
                at_least=IMPORT_RATE_TARGET,
            )
        )
    return Section("\n".join(lines) + "\n", figures)


def run_throughput_benchmark(
    model_spec: str = "default", device: str = "auto", batch: int = 32
) -> str:
    return throughput_section(model_spec, device, batch).markdown
