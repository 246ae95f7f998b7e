"""ASR benchmark: word error rate and speed of Whisper on Debian's asterisk prompts.

The references are Debian's ``core-sounds-en.txt`` transcripts; both sides are lower-cased
with punctuation removed (:func:`model_core.asr.normalize_for_wer`); prompts whose
transcript is a tone description (``[beep]``) are skipped.
"""

from __future__ import annotations

import time

from emostudio.bench.report import Figure, Section
from emostudio.bench.timing import machine_line
from model_core.asr import Transcriber, normalize_for_wer
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from model_core.devices import pick_placement, quiet_libraries
from train.datasets.asterisk import ASTERISK_DIR, asterisk_pairs

WER_TARGET_PERCENT = 10.0
PACKED_WER_MARGIN_POINTS = 0.5  # issue 16: the faster path only within 0.5 points


def run_asr_benchmark(
    source: str = "whisper-tiny.en", device: str = "auto", limit: int | None = None
) -> str:
    """Transcribe the prompts (all, or the first ``limit``) and report WER and speed."""
    return asr_section(source, device, limit).markdown


def asr_section(
    source: str = "whisper-tiny.en", device: str = "auto", limit: int | None = None
) -> Section:
    """The prompts (all, or the first ``limit``) transcribed twice in one run, each clip
    padded to its own 30-s window and packed with others into shared windows
    (:mod:`model_core.asr_packing`): the report and its figures."""
    import jiwer

    quiet_libraries()
    pairs = asterisk_pairs()[:limit]
    if not pairs:
        raise FileNotFoundError(f"no asterisk prompts with transcripts under {ASTERISK_DIR}")
    placement = pick_placement(device)
    transcriber = Transcriber.from_source(source, placement)
    clips = [load_audio(path).for_model for path, _ in pairs]
    audio = sum(len(c) for c in clips) / MODEL_SAMPLE_RATE
    references = [normalize_for_wer(text) for _, text in pairs]
    words = sum(len(r.split()) for r in references)
    runs = {}
    for way, pack in (("padded", False), ("packed", True)):
        started = time.perf_counter()
        results = transcriber.transcribe(clips, pack=pack)
        seconds = time.perf_counter() - started
        hypotheses = [normalize_for_wer(r.text) for r in results]
        runs[way] = (jiwer.process_words(references, hypotheses), seconds)
    (padded, padded_s), (packed, packed_s) = runs["padded"], runs["packed"]
    rows = "\n".join(
        f"| {way} | **{m.wer:.2%}** | {m.substitutions} | {m.deletions} | {m.insertions} "
        f"| {seconds:.1f} | {audio / seconds:.1f}x | {padded_s / seconds:.2f} |"
        for way, (m, seconds) in runs.items()
    )
    points = (packed.wer - padded.wer) * 100
    markdown = (
        f"## ASR: {source} on {len(pairs)} asterisk prompts ({audio / 60:.1f} min), {placement.describe()}\n\n"
        f"Machine: {machine_line()}\n\n"
        f"Both ways in this run, over {words} words, windows in batches of "
        f"{transcriber.batch_size}, word times included: each prompt padded to its own 30-s "
        f"window (what Whisper was trained on), and prompts packed end to end into shared "
        f"windows, a second of silence between them (`model_core.asr_packing`).\n\n"
        "| way | WER | substitutions | deletions | insertions | seconds | x real time "
        "| speed vs padded |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        f"{rows}\n\n"
        f"- packed against padded: {points:+.2f} points of WER, x{padded_s / packed_s:.1f} the "
        f"speed ({'within' if abs(points) <= 0.5 else 'OUTSIDE'} issue 16's 0.5 points)\n"
    )
    figures = [
        Figure(
            f"ASR WER, {source}, {len(pairs)} asterisk prompts ({audio / 60:.1f} min), "
            f"{placement.describe()}, {way}",
            m.wer * 100,
            "%",
            f"{m.wer:.2%} ({audio / seconds:.1f}x real time)",
            below=WER_TARGET_PERCENT,
        )
        for way, (m, seconds) in runs.items()
    ]
    figures.append(
        Figure(
            "ASR WER, packed minus padded, same run",
            points,
            "points",
            f"{points:+.2f} points at x{padded_s / packed_s:.1f} the speed",
            below=PACKED_WER_MARGIN_POINTS,
        )
    )
    return Section(markdown, figures)
