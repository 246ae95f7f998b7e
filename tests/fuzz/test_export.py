"""Fuzzing the exporters: TextGrid, EAF, manifest, CSV and JSON of analyses with arbitrary text.

Labels, rationales, words and citations with quotes, line ends, tabs, controls, BOMs,
astral characters and very long runs, on arbitrary valid time spans, must come back:
the TextGrid through Praat (parselmouth) and praatio, the EAF through an XML parser and
pympi, the manifest, the CSV through the csv module and the JSON through json. The only
changes are the documented ones (:func:`praat_text`, :func:`xml_text`, and the manifest's
labels trimmed as the training loader reads them).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import parselmouth
import pytest
import soundfile as sf
from hypothesis import example, given
from hypothesis import strategies as st
from parselmouth.praat import call
from praatio import textgrid as praatio_textgrid

from emostudio.store import Project
from emostudio.store.export import FORMATS, export, textgrid_text, write_eaf
from emostudio.store.spreadsheet import spreadsheet_cell
from model_core.audio import Recording
from model_core.grounding import VERDICTS
from model_core.result import AnalysisResult
from tests.fuzz.strategies import SOME_TEXT, fuzz

RATE = 1000  # recording frames per second: durations are whole milliseconds
SERIAL = itertools.count()  # a new recording (content hash) for every example


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@pytest.fixture(scope="module")
def project(folder):
    """One project for all examples: creating one per example would take most of the time."""
    with Project(folder / "p.emostudio") as opened:
        yield opened, folder


def praat_text(text: str) -> str:
    """A text as a TextGrid keeps it: one line (line ends become spaces), no NUL, no BOM."""
    for line_end in ("\r\n", "\r", "\n"):
        text = text.replace(line_end, " ")
    return text.replace("\x00", "").replace("\ufeff", "")


def xml_text(text: str) -> str:
    """A text as XML 1.0 keeps it: \\n line ends, no characters XML cannot hold."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        c
        for c in text
        if c in "\t\n"
        or ("\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd")
        or c >= "\U00010000"
    )


@st.composite
def analyses(draw, overlapping: bool = False):
    """(recording name, speaker, AnalysisResult, annotator, label): valid, disjoint spans
    on a millisecond grid unless ``overlapping`` (then anything inside the recording)."""
    frames = draw(st.integers(50, 20_000))
    duration = frames / RATE

    def spans(count: int) -> list[tuple[float, float]]:
        if overlapping:
            pairs = st.tuples(st.floats(0, duration), st.floats(0, duration))
            return [tuple(p) for p in draw(st.lists(pairs, max_size=count))]
        times = sorted(draw(st.lists(st.integers(0, frames), max_size=2 * count, unique=True)))
        return [(a / RATE, b / RATE) for a, b in zip(times[::2], times[1::2], strict=False)]

    words = [{"word": draw(SOME_TEXT), "start": a, "end": b} for a, b in spans(8)]
    citations = [
        {
            "text": draw(SOME_TEXT),
            "start_char": 0,
            "end_char": 1,
            "kind": "word",
            "claim": draw(SOME_TEXT),
            "verdict": draw(st.sampled_from(VERDICTS)),
            "spans": [list(span) for span in spans(3)],
            "evidence": draw(SOME_TEXT),
            "cue": None,
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    start = draw(st.floats(0, duration - 0.01))
    end = draw(st.floats(start + 0.01, duration))
    labels = draw(st.lists(SOME_TEXT, max_size=3, unique=True))
    result = AnalysisResult(
        file=None,
        sha256="",
        duration=duration,
        sample_rate=RATE,
        start=start,
        end=end,
        label=draw(st.none() | SOME_TEXT),
        probabilities={label: draw(st.floats(0, 1)) for label in labels},
        transcript=draw(SOME_TEXT),
        words=words,
        rationale=draw(SOME_TEXT),
        citations=citations,
        cues={"descriptor": draw(SOME_TEXT)},
        model={"name": draw(SOME_TEXT.filter(bool)), "version": "1", "trained": True},
    )
    name = draw(st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), max_size=30))
    annotator = draw(SOME_TEXT.filter(str.strip))
    return frames, name, draw(st.none() | SOME_TEXT), result, annotator, draw(SOME_TEXT)


def recording(folder: Path, case) -> Recording:
    frames, name, *_ = case
    path = folder / f"{name}.wav" if name not in ("", ".", "..") else folder / "clip.wav"
    return Recording(
        np.zeros((frames, 1), np.float32), RATE, sha256=f"{next(SERIAL):064x}", path=path
    )


def stored(project: Project, folder: Path, case) -> tuple[int, AnalysisResult]:
    """Add the case's analysis and one annotation (the label the files show) to ``project``;
    the audio is written too (a manifest points only to files that exist)."""
    _, _, speaker, result, annotator, label = case
    audio = recording(folder, case)
    sf.write(audio.path, audio.samples, RATE)
    result.sha256 = audio.sha256
    analysis_id = project.add_recording(audio, speaker=speaker, analysis=result)
    project.annotate(analysis_id, annotator, label, accepted=False)
    return analysis_id, project.analysis(analysis_id)


def human_of(case) -> dict:
    """The annotation the files show: the case's label, corrected by its annotator."""
    *_, annotator, label = case
    return {
        "label": label,
        "accepted": False,
        "annotator": annotator,
        "created": "2026-11-30T09:00",
    }


def expected_tiers(
    result: AnalysisResult, human: dict
) -> dict[str, list[tuple[float, float, str]]]:
    model = " ".join(str(result.model[k]) for k in ("name", "version") if result.model.get(k))
    model_label = f"{result.label} ({model})" if result.label and model else (result.label or "")
    human_label = f"{human['label']} (corrected by {human['annotator']}, 2026-11-30)"
    tiers = {
        "words": [(w["start"], w["end"], w["word"]) for w in result.words],
        "model label": [(result.start, result.end, model_label)],
        "human label": [(result.start, result.end, human_label)],
        "model rationale": [(result.start, result.end, result.rationale)],
    }
    for number, citation in enumerate(result.citations, 1):
        name = f"cue {number}: {citation['claim']} [{citation['verdict']}]"
        tiers[name] = [(a, b, citation["text"]) for a, b in citation["spans"]]
    return tiers


def praat_tiers(path: Path) -> dict[str, list[tuple[float, float, str]]]:
    grid = parselmouth.read(str(path))
    tiers = {}
    for tier in range(1, call(grid, "Get number of tiers") + 1):
        intervals = [
            (
                call(grid, "Get start time of interval", tier, i),
                call(grid, "Get end time of interval", tier, i),
                call(grid, "Get label of interval", tier, i),
            )
            for i in range(1, call(grid, "Get number of intervals", tier) + 1)
        ]
        tiers[call(grid, "Get tier name", tier)] = intervals
    return tiers


def labelled(intervals, clean) -> list[tuple[float, float, str]]:
    """The intervals whose cleaned text is not empty (empty ones read back as gaps)."""
    return [(a, b, clean(text)) for a, b, text in intervals if clean(text)]


def same(read, wanted) -> None:
    assert [text for *_, text in read] == [text for *_, text in wanted]
    for (a, b, _), (x, y, _) in zip(read, wanted, strict=True):
        assert math.isclose(a, x, abs_tol=1e-9) and math.isclose(b, y, abs_tol=1e-9)


def simple_case(label: str = "sad", **fields):
    """A hand-written case: a 1 s recording analysed whole."""
    result = AnalysisResult(
        **{
            "file": None,
            "sha256": "",
            "duration": 1.0,
            "sample_rate": RATE,
            "start": 0.0,
            "end": 1.0,
            **fields,
        }
    )
    return 1000, "clip", None, result, "ann", label


def write_textgrid(folder: Path, case) -> tuple[Path, AnalysisResult]:
    result = case[3]
    path = folder / "analysis.TextGrid"
    path.write_text(textgrid_text(result, human_of(case)), encoding="utf-8")
    return path, result


@fuzz(40)
@given(case=analyses())
@example(case=simple_case(rationale="tiny", start=5e-324))  # "5e-324": praatio reads no exponent
@example(case=simple_case(rationale="tiny", start=1.9e-61))  # Praat refused the long number
@example(case=simple_case(label="\ufeffsad", rationale="a\rb\r\nc\x00"))  # changed on reading
def test_textgrids_read_back_with_the_same_texts_and_times(folder, case):
    path, result = write_textgrid(folder, case)
    read = praat_tiers(path)
    wanted = expected_tiers(result, human_of(case))
    assert list(read) == [praat_text(tier) for tier in wanted]
    for (_, intervals), tier in zip(read.items(), wanted.values(), strict=True):
        same(labelled(intervals, str), labelled(tier, praat_text))
        assert intervals[0][0] == 0.0
        assert math.isclose(intervals[-1][1], max(result.duration, result.end), abs_tol=1e-9)
    grid = praatio_textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    for tier, wanted_intervals in zip(grid.tiers, wanted.values(), strict=True):
        # praatio strips the whitespace around each text; otherwise the same
        assert [e.label for e in tier.entries] == [
            t for *_, t in labelled(wanted_intervals, lambda s: praat_text(s).strip())
        ]


@fuzz(40)
@given(case=analyses(), media=st.none() | SOME_TEXT)
@example(case=simple_case(label="\x08", rationale="a\rb"), media="clip.wav")  # not XML
@example(case=simple_case(), media="/data/clip.flac")  # pympi's KeyError: 'flac'
def test_eaf_files_parse_as_xml_with_the_same_annotations(folder, case, media):
    from pympi.Elan import Eaf

    result = case[3]
    path = folder / "analysis.eaf"
    write_eaf(result, human_of(case), path, media)
    ET.parse(path)  # well-formed XML, whatever the texts held
    eaf = Eaf(str(path))
    wanted = expected_tiers(result, human_of(case))
    assert list(eaf.get_tier_names()) == [xml_text(tier) for tier in wanted]
    if media:
        assert eaf.media_descriptors[0]["MEDIA_URL"] == xml_text(media)
    for tier, intervals in wanted.items():
        read = sorted(eaf.get_annotation_data_for_tier(xml_text(tier)))
        assert read == [
            (round(a * 1000), round(b * 1000), xml_text(text))
            for a, b, text in intervals
            if round(b * 1000) > round(a * 1000)
        ]


@fuzz(25)
@given(case=analyses())
@example(case=simple_case(label="=1+1", rationale="@SUM(1)", transcript="\r-x"))  # formulas
def test_exports_hold_every_text(project, case):
    """Through :func:`export`: the file names stay inside the output folder, the CSV and
    the JSON hold every text unchanged (bar the CSV's apostrophe before a cell a
    spreadsheet would run as a formula)."""
    opened, folder = project
    _, _, speaker, _, annotator, label = case
    analysis_id, result = stored(opened, folder, case)
    out = folder / "out"
    # A blank label is no training label: a manifest of only those would be refused.
    formats = [fmt for fmt in FORMATS if fmt != "manifest" or label.strip()]
    written = [path for fmt in formats for path in export(opened, out, fmt)]
    assert all(path.parent == out.resolve() for path in written)
    table, dump = written[-2:]
    if label.strip():
        with open(out / "manifest.csv", newline="", encoding="utf-8") as handle:
            rows = {int(r["id"].rsplit("-", 1)[1]): r for r in csv.DictReader(handle)}
        assert rows[analysis_id]["label"] == label.strip()
        assert rows[analysis_id]["transcript"] == result.transcript
        assert rows[analysis_id]["speaker"] == (speaker or "")
    with open(table, newline="", encoding="utf-8") as handle:
        row = {int(r["id"]): r for r in csv.DictReader(handle)}[analysis_id]
    shown = spreadsheet_cell
    assert (row["human_label"], row["human_annotator"]) == (shown(label), shown(annotator))
    assert row["speaker"] == shown(speaker or "")
    assert row["rationale"] == shown(result.rationale)
    assert row["transcript"] == shown(result.transcript)
    assert row["model_label"] == shown(result.label or "")
    for key, value in result.probabilities.items():
        assert float(row[f"p_{key}"]) == value
    record = {r["id"]: r for r in json.loads(dump.read_text(encoding="utf-8"))}[analysis_id]
    assert record["result"] == result.to_dict()
    assert record["human_label"] == label and record["speaker"] == speaker
    assert record["model_label"] == result.label
    assert record["annotations"][0]["annotator"] == annotator


@fuzz(40)
@given(case=analyses(overlapping=True))
@example(
    case=simple_case(
        words=[{"word": "x", "start": 0.5, "end": 0.2}, {"word": "y", "start": 0.3, "end": 0.9}]
    )
)
def test_overlapping_or_reversed_spans_still_give_files_praat_reads(folder, case):
    path, result = write_textgrid(folder, case)
    texts = {praat_text(w["word"]) for w in result.words}
    end = max(result.duration, result.end)
    for tier, intervals in praat_tiers(path).items():
        cursor = 0.0
        for start, stop, text in intervals:
            assert start == cursor and stop > start  # contiguous, nothing reversed
            cursor = stop
            assert tier != "words" or not text or text in texts
        assert math.isclose(cursor, end, abs_tol=1e-9)
