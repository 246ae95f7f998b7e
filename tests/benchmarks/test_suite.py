"""``python -m benchmarks all``: one report of every benchmark, its figures consistent with
each other; a failing benchmark is reported and the others still run."""

from __future__ import annotations

import re
import statistics

import pytest

from benchmarks.cli import main
from benchmarks.suite import Bench, run_suite

NUMBER = r"[0-9]+(?:\.[0-9]+)?"
SPREAD = re.compile(rf"^({NUMBER}) \(({NUMBER})–({NUMBER})\)$")  # median (min–max)
SECTIONS = (
    "## Machine and versions",
    "## Summary",
    "## Runs",
    "## Acoustics: ",
    "## ASR: ",
    "## Model: ",
    "## Throughput: ",
    "## ASR engines side by side: ",
    "## Projects: import and search",
    "## GUI: opening a ",
    "## Grounding: ",
    "## Training: ",
)
MACHINE_ROWS = (
    "CPU",
    "cores",
    "RAM",
    "OS",
    "GPU",
    "Python",
    "torch",
    "transformers",
    "parselmouth",
    "librosa",
    "numpy",
    "PySide6",
    "emostudio",
)


def table_rows(report: str, heading: str) -> dict[str, list[str]]:
    """The rows of the first table after ``heading``, by their first cell."""
    section = report[report.index(heading) :]
    rows, started = {}, False
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            started = True
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
        elif started:
            break
    return rows


def median_of(cell: str) -> float:
    """The median of a ``median (min–max)`` cell, checked to lie within its range."""
    match = SPREAD.match(cell)
    assert match, f"not 'median (min–max)': {cell!r}"
    median, low, high = (float(group) for group in match.groups())
    assert low <= median <= high, cell
    return median


def close(printed: float, computed: float) -> bool:
    # Three significant digits on each printed figure: agreement to about 1 %.
    return abs(printed - computed) <= 0.015 * abs(computed) + 1e-9


@pytest.mark.slow
@pytest.mark.real_data
def test_quick_run_writes_one_consistent_report(asterisk_dir, tmp_path, capsys):
    out = tmp_path / "report.md"
    status = main(["all", "--quick", "--out", str(out)])
    report = out.read_text()
    assert status == 0, report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary file left

    for heading in SECTIONS:
        assert heading in report, heading
    assert "`python -m benchmarks all --repeats 3 --device auto --quick --out " in report
    assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC", report)
    for row in MACHINE_ROWS:
        assert re.search(rf"^\| {row} \| \S", report, re.M), row
    assert (
        "not installed" not in table_rows(report, "## Machine and versions").get("torch", [""])[0]
    )

    # Acoustics: three runs each, and the ratios are the medians' ratios.
    acoustics = table_rows(report, "## Acoustics: ")
    cues = acoustics["full cue set (model_core)"]
    praat = acoustics["Praat pitch alone (parselmouth)"]
    pyin = acoustics["librosa.pyin alone"]
    assert cues[0] == praat[0] == "3"
    reference = median_of(cues[1])
    assert float(cues[3]) == 1.0
    assert close(float(praat[3]), median_of(praat[1]) / reference), praat
    assert close(float(pyin[3]), float(pyin[1]) / reference), pyin
    summary = re.search(rf"\| ({NUMBER}) s = ({NUMBER})x the full cue set \|", report)
    assert summary and close(float(summary.group(1)), median_of(praat[1]))
    assert close(float(summary.group(2)), float(summary.group(1)) / reference)

    # Training: examples/s is the batch over the median step, and the speed-up their ratio.
    batch = int(re.search(r"steps of (\d+) clips", report).group(1))
    training = table_rows(report, "## Training: ")
    without = training["without the encoder cache (first epoch)"]
    with_cache = training["with the encoder cache (later epochs)"]
    assert close(float(without[1]), batch / median_of(without[0]))
    assert close(float(with_cache[1]), batch / median_of(with_cache[0]))
    assert close(float(with_cache[2]), float(with_cache[1]) / float(without[1]))

    # Model: one row per stage, each a median (min–max) for one clip and for the batch.
    stages = table_rows(report, "## Model: ")
    assert {"decode", "acoustics", "whisper encoder", "label scoring"} <= set(stages)
    for stage, cells in stages.items():
        if stage not in ("stage", "---"):
            assert median_of(cells[0]) > 0 and median_of(cells[1]) > 0, stage

    # Throughput: one file at a time and batches side by side, the speed-up their ratio.
    throughput = table_rows(report, "## Throughput: ")
    for row in (
        "label only",
        "label only, no transcript (`--no-transcript`)",
        "label and a 2-token rationale",
    ):
        before, batched, speedup = throughput[row]
        assert close(float(speedup.lstrip("x")), float(batched) / float(before)), row
    # Where the batch's time went: the stages and the rest add up to the batch's seconds,
    # which are the batched rate's; only the paths with a transcript ran ASR.
    spent = table_rows(report, "Where the batch of 2's time went")
    totals = [float(cell) for cell in spent.pop("total")]
    rest = [float(cell) for cell in spent["the rest (decoding files, prompts, checks)"]]
    assert min(rest) >= 0, rest
    del spent["stage"], spent["---"]
    for column, total in enumerate(totals):
        cells = [float(cells[column]) for cells in spent.values() if cells[column]]
        assert abs(sum(cells) - total) <= 0.005 * len(cells) + 0.005, (column, cells, total)
    rates = [
        throughput[row][1]
        for row in (
            "label only",
            "label only, no transcript (`--no-transcript`)",
            "label and a 2-token rationale",
        )
    ]
    for rate, total in zip(rates, totals, strict=True):
        assert abs(float(rate) - 2 / total) <= 0.01 * float(rate) + 2 / total**2 * 0.005, (
            rate,
            total,
        )
    assert spent["asr"][0] and not spent["asr"][1] and spent["asr"][2]
    assert spent["generation"][2] and not spent["generation"][0]

    # ASR engines: the ratios are the seconds' ratios; both engines labelled every prompt.
    engines = table_rows(report, "### A 5-s recording: transcript with word times")
    torch_row = engines["PyTorch (today's path)"]
    for name in ("CTranslate2, clips alone", "faster-whisper 1.2.1 (anchor)"):
        row = engines[name]
        assert close(float(row[2].lstrip("x")), float(torch_row[0]) / float(row[0])), name
        assert int(row[3]) > 0, name  # words transcribed
    assert re.search(r"labels equal under both engines on 2 of 2 prompts", report)

    gui = table_rows(report, "## GUI: opening a ")
    assert median_of(gui["waveform painted (decode + envelope pyramid)"][0]) > 0
    assert re.search(rf"\*\*{NUMBER} \({NUMBER}–{NUMBER}\) clips/s\*\*", report)  # store import

    # The summary lists the targets, unjudged at --quick sizes; every bench ran.
    assert "| under 2 s | not judged (--quick sizes) |" in report
    assert "| at least 20 clips/s | not judged (--quick sizes) |" in report
    runs = table_rows(report, "## Runs")
    assert [cells[0] for name, cells in runs.items() if name not in ("benchmark", "---")] == [
        "ok"
    ] * 9

    progress = capsys.readouterr().err
    names = (
        "acoustics",
        "asr",
        "model",
        "throughput",
        "engines",
        "store",
        "gui",
        "grounding",
        "train",
    )
    for name in names:
        assert re.search(rf"{name} ok in {NUMBER} s", progress), name


def test_failing_benchmark_is_reported_and_the_others_run(tmp_path, capsys):
    out = tmp_path / "report.md"
    out.write_text("the previous report\n")
    benches = [
        Bench(
            "acoustics",
            "benchmarks.acoustics:acoustics_section",
            {"minutes": 0.1, "speech_dir": str(tmp_path / "no-speech")},
            "once",
        ),
        Bench("crash", "os:abort", {}, "once"),  # a worker that dies without a traceback
        Bench(
            "grounding",
            "benchmarks.grounding:grounding_section",
            {"rationales": 5, "repeats": 3},
            "3 passes",
        ),
    ]
    (tmp_path / "no-speech").mkdir()
    status = run_suite(benches, out, "python -m benchmarks all (test)")
    report = out.read_text()
    assert status == 1
    assert "## acoustics: FAILED" in report
    assert "FileNotFoundError: no WAV files under" in report and "no-speech" in report
    assert "| acoustics | | FAILED | | |" in report
    assert "## crash: FAILED" in report and "Error: `killed by signal SIGABRT`" in report
    assert "the previous report" not in report
    per_rationale = re.search(
        rf"\*\*({NUMBER}) ms\*\* per rationale \(median \(min–max\) of the passes: "
        rf"({NUMBER} \({NUMBER}–{NUMBER}\)) ms",
        report,
    )
    assert per_rationale and close(float(per_rationale.group(1)), median_of(per_rationale.group(2)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no-speech", "report.md"]
    progress = capsys.readouterr().err
    assert "acoustics FAILED" in progress and "grounding ok in" in progress


def test_unwritable_report_fails_before_running(tmp_path, capsys):
    never = [Bench("grounding", "benchmarks.grounding:grounding_section", {}, "")]
    with pytest.raises(OSError, match="does not exist"):
        run_suite(never, tmp_path / "missing" / "report.md", "test")
    assert "grounding" not in capsys.readouterr().err
    status = main(["all", "--quick", "--out", str(tmp_path / "missing" / "report.md")])
    assert status == 1
    assert "does not exist" in capsys.readouterr().err


def test_bench_without_a_benchmark_lists_all(capsys):
    assert main([]) == 0
    assert re.search(r"\{acoustics,[a-z,]*,all\}", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["all", "--batch", "8"], "--batch: for a single benchmark"),
        (["grounding", "--quick"], "apply to `python -m benchmarks all` only"),
    ],
)
def test_options_of_the_wrong_kind_are_refused(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_figures_are_medians_of_their_runs():
    from benchmarks.timing import Timing

    timing = Timing("x", [0.3, 0.1, 0.2, 0.9])
    assert timing.spread() == "0.250 (0.100–0.900)"
    assert median_of(timing.spread()) == pytest.approx(statistics.median(timing.seconds), rel=0.01)
