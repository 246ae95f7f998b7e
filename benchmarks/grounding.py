"""Grounding benchmark: time to ground an 80-word rationale against a transcript and cues."""

from __future__ import annotations

import random
import time

from benchmarks.report import Figure, Section
from benchmarks.timing import Timing, machine_line
from model_core.cues import level_of
from model_core.cues.catalog import CITABLE
from model_core.grounding import ground

TARGET_MS = 5.0

# An 80-word transcript (about 30 s of speech).
TRANSCRIPT_TEXT = (
    "I can't believe you did this again after everything we talked about last week please just "
    "stop and listen to me for once because I am tired of saying the same things over and over "
    "while nothing ever changes and you keep acting like none of it matters to you at all so "
    "tell me honestly what you want me to do now because I really do not know anymore and "
    "I need an answer today"
)
TRANSCRIPT = TRANSCRIPT_TEXT.split()
SENTENCES = [
    'The speaker sounds angry: she raises her voice and says "please just stop".',
    "Her pitch is slightly raised and the pace is hurried, with few pauses.",
    "The intonation is not monotone; it rises at the end like a question.",
    'Quoting "after everything we talked about", she stresses her frustration.',
    "A trembling, breathy voice and long pauses would suggest sadness, but they are absent.",
    "She speaks quickly and loudly, without hesitation, in a tense voice.",
    'The word again and the phrase "listen to me" carry the complaint.',
    "Overall the delivery is forceful rather than quiet or slow.",
]
CUE_NAMES = CITABLE  # the cues rationales may cite (the cue catalog)


def _rationale(rng: random.Random, words: int = 80) -> str:
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(rng.choice(SENTENCES))
    return " ".join(" ".join(parts).split()[:words])


def _cues(rng: random.Random) -> dict[str, dict]:
    cues = {}
    for name in CUE_NAMES:
        z = rng.uniform(-2.5, 2.5)
        cues[name] = {
            "name": name,
            "label": name,
            "value": 100 + z,
            "unit": "u",
            "z": z,
            "level": level_of(z),
            "spans": [[1.0, 1.5], [3.0, 3.4]],
            "detail": {"direction": "rising" if z > 0 else "falling", "pauses": 2},
        }
    return cues


def run_grounding_benchmark(rationales: int = 200, repeats: int = 5) -> str:
    """Run the benchmark and return a Markdown report."""
    return grounding_section(rationales, repeats).markdown


def grounding_section(rationales: int = 200, repeats: int = 5) -> Section:
    """Ground ``rationales`` rationales ``repeats`` times over: the report and its figure."""
    rng = random.Random(0)
    words = [{"word": w, "start": 0.3 * i, "end": 0.3 * i + 0.25} for i, w in enumerate(TRANSCRIPT)]
    inputs = [(_rationale(rng), _cues(rng)) for _ in range(rationales)]
    claims = sum(len(ground(text, words, cues, (0, 10))) for text, cues in inputs)
    per_call = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text, cues in inputs:
            ground(text, words, cues, (0.0, 10.0))
        per_call.append((time.perf_counter() - started) / rationales)
    passes = Timing("grounding", per_call)
    median_ms = passes.median * 1000
    markdown = (
        f"## Grounding: {rationales} rationales of 80 words, {repeats} passes\n\n"
        f"Machine: {machine_line()}\n\n"
        f"- **{median_ms:.2f} ms** per rationale (median (min–max) of the passes: {passes.spread(1000)} ms; "
        f"target under {TARGET_MS:g} ms), {claims / rationales:.1f} claims per rationale, "
        f"transcript of {len(words)} words\n"
    )
    figure = Figure(
        f"grounding one 80-word rationale ({len(words)}-word transcript)",
        median_ms,
        "ms",
        f"{passes.spread(1000)} ms",
        below=TARGET_MS,
    )
    return Section(markdown, [figure])
