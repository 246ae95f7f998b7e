"""ASR engines side by side (issue 32): PyTorch, CTranslate2 (short clips packed or alone)
and faster-whisper as the anchor, on the same Whisper tiny.en weights, in one process.

Three workloads, each on every engine:

* **long audio**: a recording of real speech (Debian's asterisk prompts joined), its
  transcript with word times; then the whole analysis (label, transcript, cues) of it;
* **short clips**: real prompts of at most :data:`SHORT_MAX_SECONDS`, transcripts alone
  (WER against Debian's references) and the whole label-with-transcript analysis as one
  batch, with the seconds of each stage and the ceiling it sets (clips / its seconds);
* **one clip** of 5 s, label with transcript, after load: the median of three runs.

Word times are compared with faster-whisper's (the anchor, sequential mode, word
timestamps on): the words of two transcripts are matched by a word-level alignment
(difflib) and the mean absolute difference of their start times reported.
"""

from __future__ import annotations

import difflib
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks.acoustics import ASTERISK_DIR, real_speech
from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line
from model_core.asr import Transcriber, Transcript, Word, normalize_for_wer
from model_core.audio import MODEL_SAMPLE_RATE, load_audio, recording_from_array
from model_core.devices import pick_placement, quiet_libraries

SHORT_MAX_SECONDS = 2.5
LONG_TARGET_X, WHOLE_LONG_TARGET_X = 20.0, 10.0
SHORT_RATE_TARGET, ONE_CLIP_TARGET_S = 3.5, 0.6
PIPELINE_ENGINES = ("torch", "ctranslate2")


def engines_section(
    device: str = "cpu",
    speech_dir: Path = ASTERISK_DIR,
    short_count: int = 48,
    long_seconds: float = 60.0,
    model_spec: str = "default",
) -> Section:
    """Every engine on the same audio in this process: the report and its figures."""
    import jiwer

    from model_core.asr_ct2 import CTranslate2Transcriber
    from model_core.pipeline import Analyzer, Clip, load_model
    from model_core.weights.sources import ctranslate2_folder
    from train.datasets.asterisk import asterisk_pairs

    quiet_libraries()
    placement = pick_placement(device)
    folder = ctranslate2_folder("whisper-tiny.en")
    assert folder is not None
    engines = {
        "PyTorch (today's path)": Transcriber.from_source("whisper-tiny.en", placement),
        "CTranslate2, clips alone": CTranslate2Transcriber(folder, placement, pack=False),
        "CTranslate2, clips packed (not shipped)": CTranslate2Transcriber(
            folder, placement, pack=True
        ),
    }
    anchor = _Anchor(folder, placement)
    long_audio = real_speech(long_seconds / 60, speech_dir)
    pairs = [
        (path, text)
        for path, text in asterisk_pairs(speech_dir)
        if load_audio(path).duration <= SHORT_MAX_SECONDS
    ][:short_count]
    short = [load_audio(path).for_model for path, _ in pairs]
    references = [normalize_for_wer(text) for _, text in pairs]
    short_seconds = sum(len(c) for c in short) / MODEL_SAMPLE_RATE

    for transcriber in engines.values():  # warm-up: kernels, caches, first allocations
        transcriber.transcribe(short[:2])
    anchor.transcribe(short[:2], words=True)

    long_rows, short_rows = [], []
    anchor_long, anchor_long_s = _timed(lambda: anchor.transcribe([long_audio], words=True))
    for name, transcriber in engines.items():
        found, seconds = _timed(lambda t=transcriber: t.transcribe([long_audio]))
        long_rows.append((name, seconds, found[0], _start_gap(found[0], anchor_long[0])))
    long_rows.append(("faster-whisper 1.2.1 (anchor)", anchor_long_s, anchor_long[0], 0.0))

    anchor_short, anchor_short_s = _timed(lambda: anchor.transcribe(short, words=True))
    for name, transcriber in engines.items():
        found, seconds = _timed(lambda t=transcriber: t.transcribe(short))
        gaps = [_start_gap(a, b) for a, b in zip(found, anchor_short, strict=True)]
        gap = float(np.nanmean(gaps)) if not all(np.isnan(gaps)) else float("nan")
        wer = jiwer.wer(references, [normalize_for_wer(t.text) for t in found])
        short_rows.append((name, seconds, wer, gap))
    anchor_wer = jiwer.wer(references, [normalize_for_wer(t.text) for t in anchor_short])
    short_rows.append(
        ("faster-whisper, word times, one by one (anchor)", anchor_short_s, anchor_wer, 0.0)
    )
    _, bare_s = _timed(lambda: anchor.transcribe(short, words=False))
    bare_wer = jiwer.wer(references, [normalize_for_wer(t.text) for t in anchor.last])
    short_rows.append(
        ("faster-whisper, no word times, one by one (anchor)", bare_s, bare_wer, float("nan"))
    )

    model = load_model(model_spec, placement)
    pipeline: dict[str, dict] = {}
    long_clip = Clip(recording_from_array(long_audio, MODEL_SAMPLE_RATE, name="long.wav"))
    short_clips = [
        Clip(recording_from_array(c, MODEL_SAMPLE_RATE, name=f"c{i}.wav"))
        for i, c in enumerate(short)
    ]
    five = Clip(
        recording_from_array(
            long_audio[: 5 * MODEL_SAMPLE_RATE], MODEL_SAMPLE_RATE, name="five.wav"
        )
    )
    for engine in PIPELINE_ENGINES:
        analyzer = Analyzer(model, asr_engine=engine)
        analyzer.analyze(short_clips[:2], rationale=False)  # warm-up, the language check loaded
        results, batch_s = _timed(lambda a=analyzer: a.analyze(short_clips, rationale=False))
        _, whole_long_s = _timed(lambda a=analyzer: a.analyze([long_clip], rationale=False))
        ones = [_timed(lambda a=analyzer: a.analyze([five], rationale=False))[1] for _ in range(3)]
        pipeline[engine] = dict(
            batch_s=batch_s,
            stages=_stages(results),
            whole_long_s=whole_long_s,
            one_s=statistics.median(ones),
            labels=[r.label for r in results],
        )
    return _report(
        placement.describe(),
        long_seconds,
        long_rows,
        len(short),
        short_seconds,
        short_rows,
        pipeline,
        model.config.name,
    )


class _Anchor:
    """faster-whisper on the packaged CTranslate2 folder: greedy, English, no VAD, no
    temperature fallback (the product's decoding), int8 on CPUs."""

    def __init__(self, folder: Path, placement):
        import torch
        from faster_whisper import WhisperModel

        from model_core.asr_ct2 import compute_type_for

        self.model = WhisperModel(
            str(folder),
            device=placement.device.type,
            compute_type=compute_type_for(placement),
            cpu_threads=torch.get_num_threads(),
        )
        self.last: list[Transcript] = []

    def transcribe(self, clips: list[np.ndarray], words: bool) -> list[Transcript]:
        found = []
        for clip in clips:
            segments, _ = self.model.transcribe(
                clip,
                language="en",
                beam_size=1,
                temperature=0.0,
                word_timestamps=words,
                vad_filter=False,
                condition_on_previous_text=False,
            )
            segments = list(segments)
            timed = [
                Word(w.word.strip(), w.start, w.end, w.probability)
                for s in segments
                for w in (s.words or [])
            ]
            found.append(Transcript(" ".join(s.text.strip() for s in segments), timed))
        self.last = found
        return found


def _timed(work):
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started


def _start_gap(found: Transcript, reference: Transcript) -> float:
    """Mean |start difference| (s) of the words two transcripts share (matched by a
    word-level alignment of their normalised texts); NaN when they share none."""
    a = [normalize_for_wer(w.text) for w in found.words]
    b = [normalize_for_wer(w.text) for w in reference.words]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    gaps = [
        abs(found.words[block.a + k].start - reference.words[block.b + k].start)
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]
    return statistics.fmean(gaps) if gaps else float("nan")


def _stages(results) -> dict[str, float]:
    """A batch's seconds per stage (batch stages are held by every clip; acoustics summed)."""
    first = dict(results[0].timings)
    first.pop("batch_size", None)
    first["acoustics"] = sum(r.timings.get("acoustics", 0.0) for r in results)
    return first


def _report(
    where, long_seconds, long_rows, n_short, short_seconds, short_rows, pipeline, name
) -> Section:
    torch_long = long_rows[0][1]
    lines = [
        f"## ASR engines side by side: Whisper tiny.en, {where}",
        "",
        f"Machine: {machine_line()}. One process, one timed run of each after a warm-up; "
        "CTranslate2 int8 on CPUs (float16 on CUDA), PyTorch float32. faster-whisper (the anchor) "
        "reads the same packaged folder: greedy, English, no VAD, word times on.",
        "",
        f"### A {long_seconds:.0f}-s recording: transcript with word times",
        "",
        "| engine | seconds | real time | vs PyTorch | words | word-start gap to the anchor, ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine, seconds, transcript, gap in long_rows:
        lines.append(
            f"| {engine} | {seconds:.3g} | {long_seconds / seconds:.1f}x | x{torch_long / seconds:.3g} "
            f"| {len(transcript.words)} | {gap * 1000:.0f} |"
        )
    torch_short = short_rows[0][1]
    lines += [
        "",
        f"### {n_short} short prompts ({short_seconds / n_short:.2f} s mean, "
        f"at most {SHORT_MAX_SECONDS:g} s): transcripts",
        "",
        "| engine | clips/s | vs PyTorch | WER | word-start gap to the anchor, ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for engine, seconds, wer, gap in short_rows:
        gap_text = "" if gap != gap else f"{gap * 1000:.0f}"
        lines.append(
            f"| {engine} | {n_short / seconds:.3g} | x{torch_short / seconds:.3g} | {wer:.2%} | {gap_text} |"
        )
    before, after = pipeline["torch"], pipeline["ctranslate2"]
    lines += [
        "",
        f"### The whole analysis with {name} (label, transcript, cues; no rationale)",
        "",
        "| | PyTorch ASR | CTranslate2 ASR | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| {n_short} short prompts as one batch, clips/s | {n_short / before['batch_s']:.2f} | "
        f"{n_short / after['batch_s']:.2f} | x{before['batch_s'] / after['batch_s']:.2f} |",
        f"| the {long_seconds:.0f}-s recording, real time | {long_seconds / before['whole_long_s']:.1f}x | "
        f"{long_seconds / after['whole_long_s']:.1f}x | x{before['whole_long_s'] / after['whole_long_s']:.2f} |",
        f"| one 5-s clip, s (median of 3) | {before['one_s']:.2f} | {after['one_s']:.2f} | "
        f"x{before['one_s'] / after['one_s']:.2f} |",
        "",
        f"Where the batch of {n_short} went, s, and the ceiling each stage sets (clips/s if it were the only one):",
        "",
        "| stage | PyTorch ASR | ceiling | CTranslate2 ASR | ceiling |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for stage in sorted(set(before["stages"]) | set(after["stages"])):
        cells = []
        for run in (before, after):
            seconds = run["stages"].get(stage)
            cells += ["", ""] if not seconds else [f"{seconds:.2f}", f"{n_short / seconds:.1f}"]
        lines.append(f"| {stage.replace('_', ' ')} | " + " | ".join(cells) + " |")
    same = sum(a == b for a, b in zip(before["labels"], after["labels"], strict=True))
    lines += ["", f"- labels equal under both engines on {same} of {n_short} prompts"]
    ct2_long = next(row for row in long_rows if row[0] == "CTranslate2, clips alone")
    packed = next(row for row in short_rows if row[0].startswith("CTranslate2, clips packed"))
    figures = [
        Figure(
            "long audio, transcript with word times, CTranslate2",
            long_seconds / ct2_long[1],
            "x real time",
            f"{long_seconds / ct2_long[1]:.1f}x (PyTorch {long_seconds / torch_long:.1f}x)",
            at_least=LONG_TARGET_X,
        ),
        Figure(
            "whole analysis of the long recording",
            long_seconds / after["whole_long_s"],
            "x real time",
            f"{long_seconds / after['whole_long_s']:.1f}x",
            at_least=WHOLE_LONG_TARGET_X,
        ),
        Figure(
            "short prompts, transcripts, CTranslate2 packed",
            n_short / packed[1],
            "clips/s",
            f"{n_short / packed[1]:.2f} clips/s, WER {packed[2]:.2%}",
        ),
        Figure(
            "short prompts, label with transcript",
            n_short / after["batch_s"],
            "clips/s",
            f"{n_short / after['batch_s']:.2f} clips/s (PyTorch ASR {n_short / before['batch_s']:.2f})",
            at_least=SHORT_RATE_TARGET,
        ),
        Figure(
            "one 5-s clip, label with transcript",
            after["one_s"],
            "s",
            f"{after['one_s']:.2f} s (PyTorch ASR {before['one_s']:.2f} s)",
            below=ONE_CLIP_TARGET_S,
        ),
    ]
    return Section("\n".join(lines) + "\n", figures)
