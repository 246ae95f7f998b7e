"""Transcript reliability benchmark: does EmoStudio flag the transcripts Whisper invents?

Whisper tiny.en writes fluent English whatever it hears. On speech of another language
that text is invented, and a quote of it must never read as *supported*
(:mod:`model_core.reliability`). This benchmark transcribes clips of several corpora,
English and not, keeps the decoder's signals of each (mean token log-probability, the
no-speech probability, each word's probability, the seconds of voiced speech) in a cache,
and reports per corpus how many transcripts the checks flag: non-English ones should all be
flagged, English ones of speakers the thresholds were not chosen on none.

Speakers are split in two by their rank in sorted order: the *tune* half (even ranks) is
where thresholds may be chosen, the *held-out* half (odd ranks) is what the targets are
judged on. Corpora are ``LANG=SPEC`` (a data spec of :mod:`train.datasets`), e.g.
``am=ased:data/ased``; ``en=asterisk-test`` is always there. EmoSpeech's keywords are split
by language: ``bacho`` is Hindi, the others Indian English.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line

NON_ENGLISH_TARGET = 0.95  # share of non-English transcripts flagged unreliable
ENGLISH_TARGET = 0.95  # share of English transcripts judged reliable
HINDI_KEYWORDS = {"bacho"}
DEFAULT_CORPORA = ("en=asterisk-test",)
RIGHT_WER = 0.34  # a transcript this close to what was said is right (one word in three)


@dataclass(frozen=True)
class Signals:
    """One clip's transcript and decoder signals, as cached."""

    corpus: str
    language: str
    speaker: str
    clip: str
    text: str
    word_probabilities: list[float]
    avg_logprob: float | None
    no_speech_prob: float | None
    voiced_seconds: float
    half: str  # "tune" or "held-out"
    english_probability: float | None = None  # by model_core.language; None: not checked

    def judged(self) -> Any:
        from model_core.reliability import assess

        return assess(
            self.text,
            self.avg_logprob,
            self.no_speech_prob,
            self.voiced_seconds,
            self.word_probabilities,
            self.english_probability,
        )


def _language(language: str, example: Any) -> str:
    keyword = (example.extra or {}).get("keyword")
    if keyword is None:
        return language
    return "hi" if keyword in HINDI_KEYWORDS else "en"


def sample_clips(
    corpora: list[str], per_corpus: int, seed: int = 0
) -> list[tuple[str, str, Any, str]]:
    """``(corpus, language, example, half)`` for up to ``per_corpus`` clips of each corpus,
    drawn evenly across its speakers (seeded)."""
    from train.datasets import load_examples

    chosen = []
    for entry in corpora:
        language, _, spec = entry.partition("=")
        examples = load_examples(spec)
        by_speaker: dict[str, list[Any]] = defaultdict(list)
        for example in examples:
            by_speaker[example.speaker or example.id].append(example)
        speakers = sorted(by_speaker)
        halves = {s: ("tune" if rank % 2 == 0 else "held-out") for rank, s in enumerate(speakers)}
        rng = random.Random(seed)
        for clips in by_speaker.values():
            rng.shuffle(clips)
        picked: list[Any] = []
        while len(picked) < per_corpus and any(by_speaker.values()):
            for speaker in speakers:
                if by_speaker[speaker] and len(picked) < per_corpus:
                    picked.append(by_speaker[speaker].pop())
        name = spec.split(":")[0]
        chosen += [(name, _language(language, e), e, halves[e.speaker or e.id]) for e in picked]
    return chosen


def measure(
    corpora: list[str], per_corpus: int, cache: Path, source: str = "whisper-tiny.en"
) -> list[Signals]:
    """Transcribe the sampled clips not yet in ``cache`` (a JSON-lines file) and return
    the signals of all of them; the cache makes a long run resumable."""
    from model_core.acoustics.analysis import analyze_acoustics
    from model_core.asr import Transcriber
    from model_core.audio import MODEL_SAMPLE_RATE, load_audio
    from model_core.devices import pick_placement, quiet_libraries

    done = {}
    if cache.exists():
        for line in cache.read_text().splitlines():
            row = json.loads(line)
            done[row["clip"]] = Signals(**row)
    todo = [c for c in sample_clips(corpora, per_corpus) if c[2].id not in done]
    if todo:
        quiet_libraries()
        transcriber = Transcriber.from_source(source, pick_placement("cpu"))
        cache.parent.mkdir(parents=True, exist_ok=True)
        for first in range(0, len(todo), 16):
            batch = todo[first : first + 16]
            clips = [load_audio(example.audio).for_model for _, _, example, _ in batch]
            transcripts = transcriber.transcribe(clips)
            with cache.open("a") as out:
                for (corpus, language, example, half), clip, transcript in zip(
                    batch, clips, transcripts, strict=True
                ):
                    analysis = analyze_acoustics(clip, MODEL_SAMPLE_RATE)
                    signals = Signals(
                        corpus,
                        language,
                        example.speaker or example.id,
                        example.id,
                        transcript.text,
                        [w.probability for w in transcript.words if w.probability is not None],
                        transcript.avg_logprob,
                        transcript.no_speech_prob,
                        round(analysis.voiced_fraction * analysis.duration, 3),
                        half,
                    )
                    done[example.id] = signals
                    out.write(json.dumps(signals.__dict__) + "\n")
            print(f"{min(first + 16, len(todo))}/{len(todo)} clips transcribed", file=sys.stderr)
    wanted = {c[2].id for c in sample_clips(corpora, per_corpus)}
    chosen = [s for clip, s in done.items() if clip in wanted]
    unchecked = [s for s in chosen if s.text and s.english_probability is None]
    if unchecked:
        checked = _check_language(
            unchecked, {c[2].id: c[2] for c in sample_clips(corpora, per_corpus)}
        )
        done.update(checked)
        cache.write_text("".join(json.dumps(s.__dict__) + "\n" for s in done.values()))
        chosen = [done[s.clip] for s in chosen]
    return chosen


def _check_language(signals: list[Signals], examples: dict[str, Any]) -> dict[str, Signals]:
    """The same signals with P(English) by the product's language check."""
    from dataclasses import replace

    from model_core.audio import load_audio
    from model_core.devices import pick_placement
    from model_core.language import shared_check

    check = shared_check(pick_placement("cpu"))
    checked = {}
    for first in range(0, len(signals), 16):
        batch = signals[first : first + 16]
        clips = [load_audio(examples[s.clip].audio).for_model for s in batch]
        for s, p in zip(batch, check.english_probability(clips), strict=True):
            checked[s.clip] = replace(s, english_probability=p)
        print(f"{min(first + 16, len(signals))}/{len(signals)} languages checked", file=sys.stderr)
    return checked


def _references(corpora: list[str]) -> dict[str, str]:
    """What was said in each English clip that a corpus names: its transcript, or the
    keyword of an EmoSpeech clip."""
    from train.datasets import load_examples

    said = {}
    for entry in [*DEFAULT_CORPORA, *corpora]:
        for example in load_examples(entry.partition("=")[2]):
            text = example.transcript or (example.extra or {}).get("keyword")
            if text:
                said[example.id] = text
    return said


def _english_rows(signals: list[Signals], said: dict[str, str]) -> list[str]:
    import jiwer

    from model_core.asr import normalize_for_wer

    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in signals:
        reference = normalize_for_wer(said.get(s.clip, ""))
        if s.language != "en" or not reference:
            continue
        hypothesis = normalize_for_wer(s.text)
        right = bool(hypothesis) and jiwer.wer(reference, hypothesis) <= RIGHT_WER
        flagged = not s.judged().reliable
        row = counts[(s.corpus, s.half)]
        row[0 if right else 2] += 1
        row[1 if right else 3] += flagged
    return [
        f"| {c} | {h} | {a} | {b} | {x} | {y} |" for (c, h), (a, b, x, y) in sorted(counts.items())
    ]


def reliability_section(
    corpora: list[str], per_corpus: int = 120, cache: Path = Path("runs/reliability/signals.jsonl")
) -> Section:
    """The report: per corpus and half, the share of transcripts flagged unreliable."""
    signals = measure([*DEFAULT_CORPORA, *corpora], per_corpus, cache)
    groups: dict[tuple[str, str, str], list[bool]] = defaultdict(list)
    reasons: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in signals:
        verdict = s.judged()
        groups[(s.language, s.corpus, s.half)].append(not verdict.reliable)
        for reason in verdict.reasons:
            # "only 1 word(s) for 2.1 s ..." and "only 2 word(s) ..." are one check
            check = re.sub(r"\d+(\.\d+)?", "N", reason.split(" (")[0].split(":")[0])
            reasons[(s.language, s.corpus)][check] += 1
    lines = [
        "## Transcript reliability: invented transcripts flagged",
        "",
        f"Machine: {machine_line()}. Whisper tiny.en; {len(signals)} clips; thresholds of "
        "`model_core/reliability.py`; speakers split into a tune and a held-out half.",
        "",
        "| language | corpus | half | clips | flagged unreliable | target |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    figures = []
    for (language, corpus, half), flags in sorted(groups.items()):
        share = sum(flags) / len(flags)
        english = language == "en"
        target = (
            f"at most {1 - ENGLISH_TARGET:.0%}" if english else f"at least {NON_ENGLISH_TARGET:.0%}"
        )
        lines.append(f"| {language} | {corpus} | {half} | {len(flags)} | {share:.1%} | {target} |")
        if half == "held-out":
            what = (
                f"transcripts judged {'reliable' if english else 'unreliable'}, {language} {corpus}"
            )
            value = (1 - share if english else share) * 100
            goal = (ENGLISH_TARGET if english else NON_ENGLISH_TARGET) * 100
            figures.append(
                Figure(f"{what} (held-out speakers)", value, "%", f"{value:.1f} %", at_least=goal)
            )
    lines += [
        "",
        "English transcripts against what was said (a transcript is *right* when its word "
        f"error rate is at most {RIGHT_WER:.0%}; flagging a wrong one is the check working):",
        "",
        "| corpus | half | right | right, flagged | wrong | wrong, flagged |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *_english_rows(signals, _references(corpora)),
        "",
        "Why (clips per check; a clip may fail several):",
        "",
    ]
    for (language, corpus), counts in sorted(reasons.items()):
        text = ", ".join(
            f"{reason} {n}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"- {language} {corpus}: {text}")
    return Section("\n".join(lines) + "\n", figures)
