"""ASR benchmark: word error rate and speed of Whisper on Debian's asterisk prompts.

The references are Debian's ``core-sounds-en.txt`` transcripts; both sides are lower-cased
with punctuation removed (:func:`model_core.asr.normalize_for_wer`); prompts whose
transcript is a tone description (``[beep]``) are skipped.
"""

from __future__ import annotations

import time

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line
from model_core.asr import Transcriber, normalize_for_wer
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from model_core.devices import pick_placement, quiet_libraries
from train.datasets.asterisk import ASTERISK_DIR, asterisk_pairs

WER_TARGET_PERCENT = 10.0


def run_asr_benchmark(
    source: str = "whisper-tiny.en", device: str = "auto", limit: int | None = None
) -> str:
    """Transcribe the prompts (all, or the first ``limit``) and report WER and speed."""
    return asr_section(source, device, limit).markdown


def asr_section(
    source: str = "whisper-tiny.en", device: str = "auto", limit: int | None = None
) -> Section:
    """One pass of each engine over the prompts (all, or the first ``limit``), in one
    process: the report, with the product's engine (CTranslate2) as the headline figure."""
    import jiwer

    from model_core.asr_ct2 import CTranslate2Transcriber
    from model_core.weights.sources import ctranslate2_folder

    quiet_libraries()
    pairs = asterisk_pairs()[:limit]
    if not pairs:
        raise FileNotFoundError(f"no asterisk prompts with transcripts under {ASTERISK_DIR}")
    placement = pick_placement(device)
    folder = ctranslate2_folder(source)
    engines = {"PyTorch": Transcriber.from_source(source, placement)}
    if folder is not None:
        engines = {"CTranslate2": CTranslate2Transcriber(folder, placement), **engines}
    clips = [load_audio(path).for_model for path, _ in pairs]
    audio = sum(len(c) for c in clips) / MODEL_SAMPLE_RATE
    references = [normalize_for_wer(text) for _, text in pairs]
    words = sum(len(r.split()) for r in references)
    rows = []
    for name, transcriber in engines.items():
        started = time.perf_counter()
        results = transcriber.transcribe(clips)
        seconds = time.perf_counter() - started
        measures = jiwer.process_words(references, [normalize_for_wer(r.text) for r in results])
        rows.append((name, measures, seconds))
    lines = [
        f"## ASR: {source} on {len(pairs)} asterisk prompts ({audio / 60:.1f} min), {placement.describe()}",
        "",
        f"Machine: {machine_line()}. Each engine once, in this process, windows in batches of "
        "8, word times included; CTranslate2 int8 on CPUs.",
        "",
        "| engine | WER | substitutions / deletions / insertions | seconds | real time |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, measures, seconds in rows:
        lines.append(
            f"| {name} | **{measures.wer:.2%}** | {measures.substitutions} / {measures.deletions} / "
            f"{measures.insertions} of {words} words | {seconds:.1f} | {audio / seconds:.1f}x |"
        )
    if len(rows) == 2:
        lines += ["", f"- CTranslate2 against PyTorch: x{rows[1][2] / rows[0][2]:.2f} faster"]
    name, measures, seconds = rows[0]
    figure = Figure(
        f"ASR WER, {source} ({name}), {len(pairs)} asterisk prompts ({audio / 60:.1f} min), {placement.describe()}",
        measures.wer * 100,
        "%",
        f"{measures.wer:.2%} ({audio / seconds:.1f}x real time)",
        below=WER_TARGET_PERCENT,
    )
    return Section("\n".join(lines) + "\n", [figure])
