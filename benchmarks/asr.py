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
    """One pass over the prompts (all, or the first ``limit``): the report and its figures."""
    import jiwer

    quiet_libraries()
    pairs = asterisk_pairs()[:limit]
    if not pairs:
        raise FileNotFoundError(f"no asterisk prompts with transcripts under {ASTERISK_DIR}")
    placement = pick_placement(device)
    transcriber = Transcriber.from_source(source, placement)
    clips = [load_audio(path).for_model for path, _ in pairs]
    started = time.perf_counter()
    results = transcriber.transcribe(clips)
    seconds = time.perf_counter() - started
    audio = sum(len(c) for c in clips) / MODEL_SAMPLE_RATE
    references = [normalize_for_wer(text) for _, text in pairs]
    hypotheses = [normalize_for_wer(r.text) for r in results]
    measures = jiwer.process_words(references, hypotheses)
    markdown = (
        f"## ASR: {source} on {len(pairs)} asterisk prompts ({audio / 60:.1f} min), {placement.describe()}\n\n"
        f"Machine: {machine_line()}\n\n"
        f"- WER **{measures.wer:.2%}** ({measures.substitutions} substitutions, {measures.deletions} "
        f"deletions, {measures.insertions} insertions over {sum(len(r.split()) for r in references)} words)\n"
        f"- {seconds:.1f} s for {audio:.0f} s of audio ({audio / seconds:.1f}x real time, windows in "
        f"batches of {transcriber.batch_size}, word times included)\n"
    )
    figure = Figure(
        f"ASR WER, {source}, {len(pairs)} asterisk prompts ({audio / 60:.1f} min), {placement.describe()}",
        measures.wer * 100,
        "%",
        f"{measures.wer:.2%} ({audio / seconds:.1f}x real time)",
        below=WER_TARGET_PERCENT,
    )
    return Section(markdown, [figure])
