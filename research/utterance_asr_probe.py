"""Transcripts of a long recording's utterances: each utterance alone, or a stretch at once?

Issue 33's 10-minute target: decoding each of 159 utterances alone (a padded 30-s Whisper
window each, and a language check each) took 243 s on 2 cores against 37 s for the file
as one clip. This probe joins real prompts with Debian's reference transcripts (one voice,
different sentences, 0.6 s of silence between: a session's shape), cuts the recording, and
transcribes its utterances both ways with the model's own transcriber:

* **alone**: every utterance its own clip, in batches (``analyze``'s path before);
* **stretch**: consecutive utterances decoded as one stretch, words given back by time
  (:func:`model_core.utterances.transcripts_of`, language check once per stretch).

It reports WER against the references (each prompt matched to the utterance overlapping it
most), how many utterances' transcripts differ, loops (a run of words said again at once)
and the seconds of each. Usage::

    python research/utterance_asr_probe.py [--prompts 120] [--stretch 8]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _loops(words: list[str], size: int = 4) -> bool:
    """Whether ``size`` words are repeated at once (Whisper's loop)."""
    return any(
        words[i : i + size] == words[i + size : i + 2 * size]
        for i in range(len(words) - 2 * size + 1)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=120)
    parser.add_argument("--stretch", type=int, default=8, help="utterances per stretch")
    parser.add_argument("--gap", type=float, default=0.6, help="s of silence between prompts")
    parser.add_argument("--show", type=int, default=0, help="print this many that differ")
    parser.add_argument(
        "--separation", type=float, default=None, help="s of silence between a stretch's utterances"
    )
    args = parser.parse_args()

    import jiwer

    from model_core.asr import normalize_for_wer
    from model_core.audio import load_audio, recording_from_array
    from model_core.devices import quiet_libraries
    from model_core.language import english_probabilities
    from model_core.pipeline import Analyzer
    from model_core.segments import segment
    from model_core.utterances import transcripts_of
    from train.datasets.asterisk import asterisk_pairs

    quiet_libraries()
    if args.separation is not None:
        import model_core.utterances

        model_core.utterances.SEPARATION_S = args.separation
    analyzer = Analyzer.load("default", "cpu")
    pairs = [(p, t) for p, t in asterisk_pairs() if 1.0 < load_audio(p).duration < 12.0]
    pairs = pairs[: args.prompts]
    gap = np.zeros(int(args.gap * 16_000), dtype=np.float32)
    parts, spans, cursor = [gap], [], len(gap)
    for path, _ in pairs:
        speech = load_audio(path).for_model
        spans.append((cursor / 16_000, (cursor + len(speech)) / 16_000))
        parts += [speech, gap]
        cursor += len(speech) + len(gap)
    recording = recording_from_array(np.concatenate(parts), 16_000, name="probe")
    cut = segment(recording.for_model)
    utterances = cut.utterances
    print(f"{len(pairs)} prompts, {recording.duration:.0f} s, {len(utterances)} utterances")

    def clip(span):
        return recording.for_model[int(span[0] * 16_000) : int(span[1] * 16_000)]

    started = time.perf_counter()
    alone = analyzer.transcriber.transcribe([clip(u) for u in utterances])
    check = analyzer.english_check()
    if check is not None:
        english_probabilities(check, [clip(u) for u in utterances], [t.text for t in alone])
    alone_s = time.perf_counter() - started
    started = time.perf_counter()
    stretched = []
    for first in range(0, len(utterances), args.stretch):
        group = utterances[first : first + args.stretch]
        stretched += [t for t, _ in transcripts_of(analyzer, recording, group)]
    stretch_s = time.perf_counter() - started

    def owner(span) -> int:
        overlap = [max(0.0, min(span[1], u[1]) - max(span[0], u[0])) for u in utterances]
        return int(np.argmax(overlap))

    references = [normalize_for_wer(text) for _, text in pairs]
    for name, transcripts, seconds in (
        ("alone", alone, alone_s),
        ("stretch", stretched, stretch_s),
    ):
        hypotheses = [""] * len(pairs)
        for index, span in enumerate(spans):
            hypotheses[index] = normalize_for_wer(transcripts[owner(span)].text)
        kept = [i for i, r in enumerate(references) if r]
        wer = jiwer.wer([references[i] for i in kept], [hypotheses[i] or "-" for i in kept])
        loops = sum(_loops(t.text.lower().split()) for t in transcripts)
        print(
            f"{name:8s} WER {wer:.2%}  loops {loops}  {seconds:.1f} s "
            f"({recording.duration / seconds:.1f}x real time, language check included)"
        )
    differ = sum(
        normalize_for_wer(a.text) != normalize_for_wer(b.text)
        for a, b in zip(alone, stretched, strict=True)
    )
    print(f"transcripts that differ: {differ} of {len(utterances)}")
    shown = 0
    for a, b in zip(alone, stretched, strict=True):
        if normalize_for_wer(a.text) != normalize_for_wer(b.text) and shown < args.show:
            print(f"  alone:   {a.text}\n  stretch: {b.text}")
            shown += 1


if __name__ == "__main__":
    main()
