"""Utterances of long recordings (issue 33): where the cut falls, what it does to the
labels and what a 10-minute recording costs, side by side in one run.

Test recordings are real clips of several corpora (RAVDESS, TESS, ASED, TurEV-DB and
EmoSpeech under ``data_dir``; a missing corpus is left out with a note) joined end to end at
16 kHz mono. Clips are drawn with a seeded RNG evenly over each corpus's speakers, and in
turn over the corpora, so that neighbours are speakers of different corpora. A clip is
drawn *as an utterance* when :func:`model_core.segments.segment` of the clip alone finds one
in it: TurEV-DB's words and EmoSpeech's keywords are mostly shorter than the shortest
utterance (1 s) and some ASED files hold nothing the detector hears. The same number of
clips drawn regardless of that is measured beside them, to show what such clips do.

The rules (pure functions, tested in ``tests/benchmarks/test_utterances_bench.py``):

* a **join** is the stretch between the end of a clip and the start of the next (the
  inserted silence; a point without one). It is **found** when an utterance boundary (an
  utterance's start or end, or the midpoint of the pause between two consecutive
  utterances) lies within :data:`TOLERANCE_S` of that stretch. The midpoint counts because
  the cut between two utterances is their whole pause: RAVDESS's own second of silence
  before and after each sentence puts both edges far from the join it was cut at.
* a clip is **split mid-word** when an utterance's start or end falls inside the clip's
  speech as the detector finds it *in the clip alone*, more than one 32-ms frame from that
  speech's edges (the frames alone move an edge by one). A cut at a pause inside a clip
  is not mid-word.

Label agreement compares each clip analysed alone with the utterance of the joined
recording (with silences) that overlaps it most. Both read against population priors
(``Clip(..., baseline=None, voice=None)``): ``analyze --segments`` reads a recording of three
or more utterances against its own utterances, which would change labels for reasons
other than the cut. A control analyses each clip alone cut to its own utterances, to tell
what trimming a clip's silence does from what its neighbours do. Peak memory is the
process's resident set size sampled every 50 ms from ``/proc/self/statm`` during each path
(``ru_maxrss`` is a lifetime peak and cannot tell the paths apart); it includes the model.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.report import Figure, Section
from benchmarks.timing import machine_line
from model_core.segments import FRAME_SECONDS, SAMPLE_RATE, SegmentSettings

CORPORA = ("ravdess", "tess", "ased", "turev", "emospeech")  # reader name = folder name
TOLERANCE_S = 0.3
GAP_S = (0.4, 1.2)  # the silence put between clips, drawn uniformly
MAX_LOOKED_AT = 400  # candidates read per corpus before it is given up as exhausted
SEED = 33
KINDS = dict(utterances="utterances alone", any="any drawn", long="the long recording's")
NEAR_TIE = 0.05  # two labels' probabilities this close: the choice between them is a toss
JOIN_TARGET, AGREEMENT_TARGET, REAL_TIME_TARGET, MEMORY_TARGET_GB = 0.9, 0.9, 10.0, 3.0


def boundaries_of(utterances: list[tuple[float, float]]) -> list[float]:
    """Every start and end of ``utterances``, and the midpoint of each pause between two
    consecutive ones, sorted (seconds)."""
    found = [t for span in utterances for t in span]
    found += [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(utterances)]
    return sorted(found)


def joins_found(
    joins: list[tuple[float, float]], boundaries: list[float], tolerance: float = TOLERANCE_S
) -> list[bool]:
    """Whether a boundary lies within ``tolerance`` of each join stretch (start, end)."""
    points = np.asarray(boundaries, dtype=float)
    if not len(points):
        return [False] * len(joins)
    # distance from a point to a stretch: 0 inside it, else to its nearer end
    return [
        bool(np.min(np.maximum(np.maximum(a - points, points - b), 0.0)) <= tolerance)
        for a, b in joins
    ]


def mid_word_cuts(
    speech: list[tuple[float, float]],
    utterances: list[tuple[float, float]],
    margin: float = FRAME_SECONDS,
) -> int:
    """How many utterance starts and ends fall inside one clip's ``speech`` stretches
    (on the recording's axis), more than ``margin`` from their edges."""
    edges = [t for span in utterances for t in span]
    return sum(a + margin < t < b - margin for a, b in speech for t in edges)


def joins_inside(
    joins: list[tuple[float, float]],
    utterances: list[tuple[float, float]],
    tolerance: float = TOLERANCE_S,
) -> list[bool]:
    """Whether each join lies inside one utterance, more than ``tolerance`` from its edges:
    the clips on either side were merged into one utterance."""
    return [any(s + tolerance < a and b < e - tolerance for s, e in utterances) for a, b in joins]


def best_overlap(span: tuple[float, float], utterances: list[tuple[float, float]]) -> int | None:
    """Index of the utterance that overlaps ``span`` most; None when none overlaps it."""
    overlaps = [min(span[1], e) - max(span[0], s) for s, e in utterances]
    if not overlaps or max(overlaps) <= 0:
        return None
    return int(np.argmax(overlaps))


def layout(
    durations: list[float], gaps: list[float]
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Clip spans and join stretches of clips of ``durations`` laid end to end with
    ``gaps[k]`` seconds of silence after clip ``k`` (one fewer gap than clips)."""
    spans, joins, at = [], [], 0.0
    for k, duration in enumerate(durations):
        spans.append((at, at + duration))
        at += duration
        if k < len(durations) - 1:
            joins.append((at, at + gaps[k]))
            at += gaps[k]
    return spans, joins


@dataclass(frozen=True)
class Piece:
    """A clip at 16 kHz mono, its speech alone (s, from the detector) and its utterances alone."""

    corpus: str
    samples: np.ndarray
    speech: list[tuple[float, float]]
    alone: list[tuple[float, float]]

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


class Draw:
    """Clips of the corpora found under ``data_dir``, drawn in turn (see the module)."""

    def __init__(self, data_dir: Path, vad, settings: SegmentSettings, seed: int = SEED):
        from benchmarks.reliability import sample_clips
        from train.datasets import DatasetError

        self.vad, self.settings, self.notes = vad, settings, []
        self.candidates: dict[str, list] = {}
        for name in CORPORA:
            folder = Path(data_dir) / name
            if not folder.is_dir():
                self.notes.append(f"{name}: no folder {folder}, left out")
                continue
            try:
                drawn = sample_clips([f"x={name}:{folder}"], MAX_LOOKED_AT, seed)
            except (DatasetError, OSError, ValueError) as err:  # the others stay measurable
                self.notes.append(f"{name}: cannot be read ({err}), left out")
                continue
            self.candidates[name] = [example for _, _, example, _ in drawn]
        self.looked_at: Counter = Counter()
        self.kept: Counter = Counter()
        self.speakers: dict[str, set[str]] = {name: set() for name in self.candidates}
        self._next = dict.fromkeys(self.candidates, 0)
        self._turn = 0  # whose turn it is, kept between calls so that every corpus gets turns

    def _next_of(self, name: str, utterances_only: bool) -> Piece | None:
        from model_core.audio import load_audio
        from model_core.segments import speech_stretches, utterances_of

        while self._next[name] < len(self.candidates[name]):
            example = self.candidates[name][self._next[name]]
            self._next[name] += 1
            self.looked_at[name] += 1
            samples = load_audio(example.audio).for_model
            stretches = speech_stretches(self.vad.probabilities(samples), self.settings)
            alone = utterances_of(stretches, self.settings, len(samples) / SAMPLE_RATE)
            if alone or not utterances_only:
                self.kept[name] += bool(alone)
                self.speakers[name].add(example.speaker or example.id)
                speech = [(a * FRAME_SECONDS, b * FRAME_SECONDS) for a, b in stretches]
                return Piece(name, samples, speech, alone)
        return None

    def take(self, count: int, utterances_only: bool = True) -> list[Piece]:
        """The next ``count`` clips, the corpora in turn; ``utterances_only``: only clips
        that alone hold an utterance (fewer when the corpora run out)."""
        names, taken, live = list(self.candidates), [], set(self.candidates)
        while len(taken) < count and live:
            name = names[self._turn % len(names)]
            self._turn += 1
            piece = self._next_of(name, utterances_only) if name in live else None
            if piece is None:
                live.discard(name)
            else:
                taken.append(piece)
        return taken


def joined(pieces: list[Piece], silences: bool, seed: int = SEED):
    """The samples of ``pieces`` with seeded silences of :data:`GAP_S` between them (or
    none), their spans and their joins (seconds)."""
    rng = random.Random(seed)
    # gaps rounded to whole samples, so that the spans are where the samples are
    gaps = [round(rng.uniform(*GAP_S) * SAMPLE_RATE) if silences else 0 for _ in pieces[1:]]
    parts = [
        part
        for p, g in zip(pieces, [*gaps, 0], strict=True)
        for part in (p.samples, np.zeros(g, np.float32))
    ]
    spans, joins = layout([p.duration for p in pieces], [g / SAMPLE_RATE for g in gaps])
    return np.concatenate(parts), spans, joins


def boundary_run(pieces: list[Piece], silences: bool, vad, settings, seed: int = SEED) -> dict:
    """Join the clips, cut the recording, score its joins and clips."""
    from model_core.segments import segment

    samples, spans, joins = joined(pieces, silences, seed)
    cut = segment(samples, settings, vad)
    found = joins_found(joins, boundaries_of(cut.utterances))
    speech = [
        [(s + a, s + b) for a, b in p.speech] for p, (s, _) in zip(pieces, spans, strict=True)
    ]
    return dict(
        clips=len(pieces),
        joins=len(joins),
        found=sum(found),
        merged=sum(joins_inside(joins, cut.utterances)),
        split=sum(mid_word_cuts(s, cut.utterances) > 0 for s in speech),
        # how deep into the clip's speech each such edge falls: a clipped onset or tail,
        # or a cut through the middle
        depths=[
            f"{p.corpus} {1000 * min(t - a, b - t):.0f} ms"
            for p, stretches in zip(pieces, speech, strict=True)
            for a, b in stretches
            for t in (t for span in cut.utterances for t in span)
            if a + FRAME_SECONDS < t < b - FRAME_SECONDS
        ],
        lost=sum(
            bool(s) and best_overlap((s[0][0], s[-1][1]), cut.utterances) is None for s in speech
        ),
        silent=sum(not s for s in speech),
        utterances=len(cut.utterances),
        missed=[
            f"{pieces[k].corpus} | {pieces[k + 1].corpus} at {a:.2f}-{b:.2f} s"
            for k, ((a, b), hit) in enumerate(zip(joins, found, strict=True))
            if not hit
        ],
        cut=cut,
        spans=spans,
        samples=samples,
    )


def _labels(analyzer, clips, batch: int, transcribe: bool = False):
    results = []
    for first in range(0, len(clips), batch):
        results += analyzer.analyze(
            clips[first : first + batch], rationale=False, transcribe=transcribe
        )
    return results


def label_agreement(analyzer, pieces: list[Piece], run: dict, batch: int) -> dict:
    """Labels of each clip alone against those of the utterance overlapping it most, and
    of the clip alone cut to its own utterances (the cut's trimming without the neighbours)."""
    from model_core.audio import recording_from_array
    from model_core.pipeline import Clip

    clips = [
        recording_from_array(p.samples, SAMPLE_RATE, name=f"{k}.wav") for k, p in enumerate(pieces)
    ]
    alone = _labels(analyzer, [Clip(r) for r in clips], batch)
    own = [Clip(r, p.alone[0][0], p.alone[-1][1]) for r, p in zip(clips, pieces, strict=True)]
    trimmed = [r.label for r in _labels(analyzer, own, batch)]
    recording = recording_from_array(run["samples"], SAMPLE_RATE, name="joined.wav")
    utterances = run["cut"].utterances
    cut = _labels(analyzer, [Clip(recording, s, e) for s, e in utterances], batch)
    matched = [best_overlap(span, utterances) for span in run["spans"]]
    labels = [None if m is None else cut[m].label for m in matched]
    differ = [k for k, a in enumerate(alone) if labels[k] != a.label]
    return dict(
        clips=len(pieces),
        same=len(pieces) - len(differ),
        unmatched=sum(m is None for m in matched),
        shared=sum(n > 1 for n in Counter(m for m in matched if m is not None).values()),
        # near-ties: the clip alone gave the utterance's label almost its own label's chance
        near=sum(
            labels[k] is not None
            and alone[k].probabilities[alone[k].label] - alone[k].probabilities.get(labels[k], 0.0)
            < NEAR_TIE
            for k in differ
        ),
        by_corpus=Counter(pieces[k].corpus for k in differ),
        trimmed_alone=sum(t == a.label for t, a in zip(trimmed, alone, strict=True)),
        trimmed_cut=sum(t == c for t, c in zip(trimmed, labels, strict=True)),
    )


def measured(work):
    """``(work(), seconds, peak RSS in bytes)``: the resident set size read from
    ``/proc/self/statm`` every 50 ms by a thread while ``work`` runs (0 without ``/proc``)."""
    peak, stop, statm = [0], threading.Event(), Path("/proc/self/statm")

    def sample() -> None:
        while statm.exists():
            peak[0] = max(peak[0], int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
            if stop.wait(0.05):
                break

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.perf_counter()
    try:
        value = work()
    finally:
        seconds = time.perf_counter() - started
        stop.set()
        thread.join()
    return value, seconds, peak[0]


def long_run(analyzer, pieces: list[Piece], samples, vad, settings, batch: int) -> dict:
    """Seconds and peak memory of each path over the long recording (``samples``: the
    ``pieces`` joined), one timed run each."""
    from benchmarks.engines import _stages
    from model_core.audio import recording_from_array
    from model_core.pipeline import Clip
    from model_core.segments import segment

    recording = recording_from_array(samples, SAMPLE_RATE, name="long.wav")
    # warm-up: the ASR engine and the language check load at their first transcript
    _labels(analyzer, [Clip(recording, 0.0, pieces[0].duration)], batch, transcribe=True)

    def per_utterance(transcribe: bool):
        """The product's path: model_core.utterances, consecutive utterances transcribed
        a stretch at a time (population priors, as the clips alone are read)."""
        from model_core.utterances import analyze_utterances

        cut = segment(recording.for_model, settings, vad)
        found = analyze_utterances(analyzer, recording, cut, batch=batch, transcribe=transcribe)
        return cut, list(found)

    def each_alone():
        """Each utterance its own clip, transcribed alone (the path before stretches)."""
        cut = segment(recording.for_model, settings, vad)
        spans = [Clip(recording, s, e) for s, e in cut.utterances]
        return cut, _labels(analyzer, spans, batch, True)

    paths = {
        "segmentation alone": lambda: (segment(recording.for_model, settings, vad), []),
        "per utterance, labels, no transcripts": lambda: per_utterance(False),
        "per utterance, labels and transcripts": lambda: per_utterance(True),
        "per utterance, each transcribed alone": each_alone,
        "whole file as one clip, label and transcript": lambda: (
            None,
            analyzer.analyze([Clip(recording)], rationale=False, transcribe=True),
        ),
    }
    rows = {}
    for name, path in paths.items():
        (cut, results), seconds, peak = measured(path)
        stages: dict[str, float] = {}
        for first in range(0, len(results), batch):  # batch stages held by each result
            for stage, spent in _stages(results[first : first + batch]).items():
                stages[stage] = stages.get(stage, 0.0) + spent
        rows[name] = dict(seconds=seconds, peak=peak, stages=stages)
        rows[name]["utterances"] = len(cut.utterances) if cut is not None else 1
    return dict(seconds=recording.duration, clips=len(pieces), rows=rows)


def utterances_section(
    data_dir: Path = Path("data"),
    clips: int = 40,
    long_minutes: float = 10.0,
    model_spec: str = "default",
    device: str = "auto",
) -> Section:
    """Boundaries, label agreement and the long recording's timings: the report and its figures."""
    from benchmarks.model import peak_memory
    from emostudio.cli.batches import default_batch
    from model_core.devices import pick_placement, quiet_libraries
    from model_core.pipeline import Analyzer, load_model
    from model_core.segments import VoiceActivity

    quiet_libraries()
    vad, settings = VoiceActivity(), SegmentSettings()
    draw = Draw(data_dir, vad, settings)
    title = "## Utterances of long recordings (issue 33)"
    if not draw.candidates:
        note = "; ".join(draw.notes) or f"no corpus under {data_dir}"
        return Section(f"{title}: not measured\n\nNo corpus to draw clips from: {note}.\n")
    every = Draw(data_dir, vad, settings).take(clips, utterances_only=False)
    used = draw.take(clips)
    boundaries = {
        (kind, silences): boundary_run(pieces, silences, vad, settings)
        for kind, pieces in (("utterances", used), ("any", every))
        for silences in (True, False)
    }
    kept_before = Counter(draw.kept)
    long_pieces: list[Piece] = []
    # clips until they and their silences (0.8 s on average) fill the length
    while sum(p.duration + sum(GAP_S) / 2 for p in long_pieces) < long_minutes * 60:
        more = draw.take(1)
        if not more:
            break
        long_pieces += more
    if len(used) < 2 or not long_pieces:  # too few corpora on disk: say so, measure nothing
        read = ", ".join(f"{c} {n}" for c, n in draw.looked_at.items())
        return Section(
            f"{title}: not measured\n\nThe corpora ran out: {len(used)} clips for the joins, "
            f"{len(long_pieces)} for the long recording (clips read: {read}). "
            + "; ".join(draw.notes)
            + "\n"
        )
    placement = pick_placement(device)
    analyzer = Analyzer(load_model(model_spec, placement))
    batch = default_batch(placement.device.type)
    agreement = label_agreement(analyzer, used, boundaries["utterances", True], batch)
    boundaries["long", True] = boundary_run(long_pieces, True, vad, settings, SEED + 1)
    samples = boundaries["long", True]["samples"]
    long = long_run(analyzer, long_pieces, samples, vad, settings, batch)
    return _report(
        draw, kept_before, boundaries, agreement, long, placement, analyzer, batch, peak_memory
    )


def _report(draw, kept_before, boundaries, agreement, long, placement, analyzer, batch, memory):
    name = analyzer.model.config.name
    lines = [
        f"## Utterances of long recordings (issue 33): {name}, {placement.describe()}",
        "",
        f"Machine: {machine_line()}. Silero VAD through ONNX Runtime, the default cut "
        f"({SegmentSettings()}); one timed run of each path after a warm-up. Seed {SEED}.",
        "",
        "| corpus | clips read | an utterance alone | speakers | used: boundaries and labels "
        "| used: long recording |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for corpus in draw.candidates:
        lines.append(
            f"| {corpus} | {draw.looked_at[corpus]} | {draw.kept[corpus]} "
            f"| {len(draw.speakers[corpus])} | {kept_before[corpus]} "
            f"| {draw.kept[corpus] - kept_before[corpus]} |"
        )
    lines += [f"- {note}" for note in draw.notes]
    lines += [
        "",
        f"### Boundaries: joins found within {TOLERANCE_S:g} s",
        "",
        "| clips | silence between clips | clips | joins | found | joins inside one utterance "
        "| clips split mid-word | clips in no utterance | clips with no speech alone | utterances |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (kind, silences), r in boundaries.items():
        lines.append(
            f"| {KINDS[kind]} "
            f"| {'0.4-1.2 s' if silences else 'none'} | {r['clips']} | {r['joins']} "
            f"| {r['found'] / max(1, r['joins']):.1%} ({r['found']}) | {r['merged']} | {r['split']} "
            f"| {r['lost']} | {r['silent']} | {r['utterances']} |"
        )
    for (kind, silences), r in boundaries.items():
        if kind == "any":
            continue
        where = "the long recording" if kind == "long" else f"{r['clips']} clips"
        where += " with silences" if silences else " without silences"
        if r["missed"]:
            lines.append(
                f"- missed {where} ({min(8, len(r['missed']))} of {len(r['missed'])} shown): "
                + "; ".join(r["missed"][:8])
            )
        if r["depths"]:
            lines.append(
                f"- utterance edges inside a clip's speech ({where}): " + ", ".join(r["depths"])
            )
    a = agreement
    lines += [
        "",
        "### Labels: each clip alone against the utterance overlapping it most",
        "",
        f"- {a['same']} of {a['clips']} clips ({a['same'] / max(1, a['clips']):.1%}) have their "
        f"utterance's label (population priors both ways; no transcript, no rationale); "
        f"{a['unmatched']} clips overlap no utterance; {a['shared']} utterances hold more than one clip",
        f"- of the {a['clips'] - a['same']} that differ, {a['near']} are near-ties (the two labels "
        f"within {NEAR_TIE:g} in the clip alone); by corpus: "
        + (", ".join(f"{c} {n}" for c, n in a["by_corpus"].most_common()) or "none"),
        f"- control, each clip alone cut to its own utterances: the whole clip's label on "
        f"{a['trimmed_alone']} of {a['clips']}, the joined recording's utterance's on "
        f"{a['trimmed_cut']} (trimming the clip's silence against what joining adds)",
        "",
        f"### A {long['seconds'] / 60:.1f}-minute recording of {long['clips']} clips with silences",
        "",
        f"Batches of {batch} utterances (`analyze --segments`' default on this device); "
        f"ASR {type(analyzer.transcriber).__name__}; no rationale.",
        "",
        "| path | utterances | seconds | real time | vs whole file | peak RSS, MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = long["rows"]
    whole = rows["whole file as one clip, label and transcript"]["seconds"]
    for path, row in rows.items():
        lines.append(
            f"| {path} | {row['utterances']} | {row['seconds']:.1f} | {long['seconds'] / row['seconds']:.1f}x "
            f"| x{row['seconds'] / whole:.2f} | {row['peak'] / 2**20:.0f} |"
        )
    lines += ["", "Where the model's seconds went:", ""]
    for path, row in rows.items():
        if row["stages"]:
            spent = ", ".join(f"{k} {v:.1f}" for k, v in sorted(row["stages"].items()))
            lines.append(f"- {path}: {spent}")
    lines.append(f"- {memory(placement)} (ru_maxrss: the whole run)")
    with_asr = rows["per utterance, labels and transcripts"]
    peak = max(row["peak"] for row in rows.values())
    silent, bare = boundaries["utterances", True], boundaries["utterances", False]
    figures = [
        Figure(
            f"joins found, clips {where}",
            100 * r["found"] / max(1, r["joins"]),
            "%",
            f"{r['found']} of {r['joins']}",
            at_least=100 * JOIN_TARGET,
        )
        for where, r in (("with silences", silent), ("without silences", bare))
    ]
    figures += [
        Figure(
            "clips split mid-word, both conditions",
            silent["split"] + bare["split"],
            "clips",
            f"{silent['split']} + {bare['split']}",
            below=1,
        ),
        Figure(
            "labels: clip alone = its utterance",
            100 * a["same"] / max(1, a["clips"]),
            "%",
            f"{a['same']} of {a['clips']}",
            at_least=100 * AGREEMENT_TARGET,
        ),
        Figure(
            "long recording per utterance, labels and transcripts",
            long["seconds"] / with_asr["seconds"],
            "x real time",
            f"{with_asr['seconds']:.1f} s for {long['seconds']:.0f} s (whole file {whole:.1f} s)",
            at_least=REAL_TIME_TARGET,
        ),
        Figure(
            "long recording, peak RSS of any path",
            peak / 1e9,
            "GB",
            f"{peak / 2**20:.0f} MiB",
            below=MEMORY_TARGET_GB,
        ),
    ]
    return Section("\n".join(lines) + "\n", figures)
