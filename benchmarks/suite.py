"""``python -m benchmarks all``: every benchmark, one after the other, into one Markdown report.

Each benchmark runs in its own Python process (``python -m benchmarks.suite worker
...``), so that none inherits another's state: the acoustics benchmark pins its process
to one core, the model and training benchmarks report their process's peak memory, the
GUI benchmark holds a QApplication, and a crash or an error in one leaves the others
running. A worker writes its :class:`~benchmarks.report.Section` as JSON; the parent
writes the report (machine, versions, command, summary of the headline figures against
their targets, then every section) to a temporary file and renames it into place.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TextIO

from benchmarks.machine import machine_table
from benchmarks.report import Section

HEARTBEAT_SECONDS = 30.0  # how often a long benchmark says it is still running
ERROR_LINES = 20  # the end of a failed benchmark's output kept in the report


@dataclass(frozen=True)
class Bench:
    """One benchmark of the suite: the function that measures it and its arguments."""

    name: str
    function: str  # "module:function" returning a Section
    options: dict
    repeats: str  # how the repetitions are made, for the report


@dataclass(frozen=True)
class Outcome:
    bench: Bench
    seconds: float
    section: Section | None = None
    error: str = ""
    skipped: bool = False

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped (--skip)"
        return "ok" if self.section else "FAILED"


def plan(
    repeats: int = 3,
    device: str = "auto",
    quick: bool = False,
    speech_dir: Path | None = None,
) -> list[Bench]:
    """The benchmarks of ``python -m benchmarks all``, at full or ``quick`` (tiny) sizes.

    Full sizes are the targets' (10 min and 1 hour of speech, 500 clips, 10,000
    analyses, a 60-minute recording, batches of 32 and 8 clips); ``quick`` sizes take
    seconds each and check the machinery, not the machine.
    """
    n = max(1, repeats)
    # absolute: the workers run in scratch folders
    speech = {"speech_dir": str(Path(speech_dir).resolve())} if speech_dir else {}

    def size(full, tiny):
        return tiny if quick else full

    # --quick: a tiny random model (built and run in seconds) instead of the shipped one
    model = {"random": "tiny"} if quick else {}
    return [
        Bench(
            "acoustics",
            "benchmarks.acoustics:acoustics_section",
            dict(
                minutes=size(10.0, 0.1),
                repeats=n,
                long_minutes=size(60.0, 0.5),
                long_repeats=n,
                **speech,
            ),
            f"in one process: full cue set, Praat pitch and the long run {n} times each; "
            f"librosa.pyin (30 times slower) {max(1, n // 3)} time(s)",
        ),
        Bench(
            "asr",
            "benchmarks.asr:asr_section",
            dict(device=device, limit=size(None, 1)),
            "one pass over the prompts (the WER does not change between passes)",
        ),
        Bench(
            "model",
            "benchmarks.model:model_section",
            dict(
                device=device, batch=size(32, 2), repeats=n, tokens=size(60, 2), **speech, **model
            ),
            f"each stage {n} times after a warm-up, for one clip and for the batch",
        ),
        Bench(
            "throughput",
            "benchmarks.throughput:throughput_section",
            # the shipped model even at --quick sizes: a random one has no ASR to analyse with
            dict(device=device, batch=size(32, 2), tokens=size(60, 2), imports=not quick, **speech),
            "one timed run of each path after a warm-up, the default and the fast model in one process",
        ),
        Bench(
            "engines",
            "benchmarks.engines:engines_section",
            dict(device=device, short_count=size(48, 2), long_seconds=size(60.0, 5.0), **speech),
            "one timed run of each engine after a warm-up, all in one process",
        ),
        Bench(
            "store",
            "benchmarks.store:store_section",
            dict(
                clips=size(500, 16),
                model_clips=size(8, 0),  # 32 take minutes: the figure has no target,
                rows=size(10_000, 200),
                repeats=n,
                device=device,
            ),
            f"the --cues-only import {n} times, each into a new project; "
            + size("the import with the model once; ", "")
            + "the search: 7 queries x 5",
        ),
        Bench(
            "gui",
            "benchmarks.gui:gui_section",
            dict(minutes=size(60.0, 0.25), repeats=n),
            f"the recording opened {n} times, each in a new window, data folder and project",
        ),
        Bench(
            "grounding",
            "benchmarks.grounding:grounding_section",
            dict(rationales=size(200, 20), repeats=n),
            f"{n} passes over the rationales",
        ),
        Bench(
            "train",
            "benchmarks.train:train_section",
            dict(device=device, batch=size(8, 1), steps=size(6, 2), **speech, **model),
            "once; the medians are over its training steps (the steps are the repeats)",
        ),
    ]


def run_suite(
    benches: list[Bench],
    out: Path,
    command: str,
    quick: bool = False,
    skip: tuple[str, ...] = (),
    progress: TextIO | None = None,
) -> int:
    """Run ``benches`` one after the other, each in its own process; write the report to
    ``out`` (atomically) and return 0, or 1 when a benchmark failed. Progress goes to
    ``progress`` (stderr).

    Raises
    ------
    OSError
        When ``out`` cannot be written; its folder is checked before anything runs.
    """
    _check_writable(out)
    progress = progress or sys.stderr  # looked up now, so that a redirected stderr is used
    started = time.monotonic()
    date = datetime.datetime.now(datetime.UTC)
    outcomes = []
    for index, bench in enumerate(benches, 1):
        if bench.name in skip:
            outcomes.append(Outcome(bench, 0.0, skipped=True))
            print(f"benchmarks all: {bench.name} skipped", file=progress, flush=True)
            continue
        print(
            f"benchmarks all: [{index}/{len(benches)}] {bench.name} ...",
            file=progress,
            flush=True,
        )
        outcome = _run_one(bench, progress, started)
        outcomes.append(outcome)
        total = time.monotonic() - started
        print(
            f"benchmarks all: {bench.name} {outcome.status} in {outcome.seconds:.1f} s "
            f"(elapsed {total / 60:.1f} min)"
            + (f": {outcome.error.splitlines()[0]}" if outcome.error else ""),
            file=progress,
            flush=True,
        )
    report = render(outcomes, command, date, time.monotonic() - started, quick)
    _write_atomically(out, report)
    print(f"benchmarks all: wrote {out}", file=progress, flush=True)
    return 1 if any(o.status == "FAILED" for o in outcomes) else 0


def _run_one(bench: Bench, progress: TextIO, suite_started: float) -> Outcome:
    environment = dict(os.environ)
    if bench.name == "gui" and not (
        environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY")
    ):
        environment.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display: draw off screen
    # The worker runs in a scratch folder (whatever it leaves, a core dump say, goes with it),
    # so it finds this copy of emostudio through the path, not through the current folder.
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parents[1]), environment.get("PYTHONPATH")])
    )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"emostudio-bench-{bench.name}-") as folder:
        result, log = Path(folder) / "section.json", Path(folder) / "output.log"
        argv = [
            sys.executable,
            "-m",
            "benchmarks.suite",
            "worker",
            bench.function,
            json.dumps(bench.options),
            str(result),
        ]
        with log.open("w") as output:
            process = subprocess.Popen(
                argv, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=folder
            )
            while True:
                try:
                    status = process.wait(timeout=HEARTBEAT_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    print(
                        f"benchmarks all:   {bench.name} running, {time.monotonic() - started:.0f} s "
                        f"(elapsed {(time.monotonic() - suite_started) / 60:.1f} min)",
                        file=progress,
                        flush=True,
                    )
        seconds = time.monotonic() - started
        if status == 0 and result.exists():
            return Outcome(bench, seconds, Section.from_json(json.loads(result.read_text())))
        tail = log.read_text(errors="replace").strip().splitlines()[-ERROR_LINES:]
        reason = tail[-1] if tail else "no output"
        if status < 0:  # killed: the output's last line is not the reason (out of memory?)
            reason = f"killed by signal {signal.Signals(-status).name}"
        return Outcome(
            bench, seconds, error=f"{reason}\n(exit status {status})\n" + "\n".join(tail)
        )


def render(
    outcomes: list[Outcome],
    command: str,
    date: datetime.datetime,
    seconds: float,
    quick: bool = False,
) -> str:
    """The whole report: how it was made, machine and versions, summary, sections."""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{command}` on {date:%Y-%m-%d %H:%M} UTC, in {seconds / 60:.1f} min.",
        "Each benchmark ran in its own process, one after the other, and times its candidates",
        "on the same inputs in that process; figures are medians, with (min–max) over the",
        "repeats. Speed ratios are against anchors measured in the same run on the same audio:",
        "Praat's pitch (parselmouth) and `librosa.pyin`.",
    ]
    if quick:
        lines += [
            "",
            "**`--quick`: tiny sizes, to check that every benchmark runs; the figures say",
            "nothing about the targets.**",
        ]
    lines += [
        "",
        "## Machine and versions",
        "",
        machine_table().rstrip(),
        "",
        "## Summary",
        "",
        "| benchmark | what | measured | target | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for outcome in outcomes:
        if outcome.section is None:
            lines.append(f"| {outcome.bench.name} | | {outcome.status} | | |")
            continue
        for figure in outcome.section.figures:
            lines.append(
                f"| {outcome.bench.name} | {figure.what} | {figure.text} | {figure.target} | "
                f"{figure.verdict(judged=not quick)} |"
            )
    lines += [
        "",
        "## Runs",
        "",
        "| benchmark | status | seconds | repeats |",
        "| --- | --- | ---: | --- |",
    ]
    lines += [
        f"| {o.bench.name} | {o.status} | {'' if o.skipped else f'{o.seconds:.1f}'} | {o.bench.repeats} |"
        for o in outcomes
    ]
    for outcome in outcomes:
        lines.append("")
        if outcome.section is not None:
            lines.append(outcome.section.markdown.rstrip())
        elif not outcome.skipped:
            reason, _, output = outcome.error.partition("\n")
            lines += [
                f"## {outcome.bench.name}: FAILED",
                "",
                "Error: `" + reason.replace("`", "'") + "`",
                "",
                "```",
                output.strip(),
                "```",
            ]
    return "\n".join(lines) + "\n"


def _check_writable(out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"{out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OSError(f"{out}: the folder {folder} is not writable")
    if out.is_dir():
        raise OSError(f"{out}: is a folder")


def _write_atomically(out: Path, text: str) -> None:
    # A temporary file in the same folder, then a rename: readers see the old report or the
    # new one, never half of one, and an interrupted run leaves the old one in place.
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide the report from others
        os.replace(temporary, out)
    except BaseException:
        os.unlink(temporary)
        raise


def _worker(function: str, options: str, result: str) -> None:
    module, _, name = function.partition(":")
    kwargs = json.loads(options)
    if "speech_dir" in kwargs:
        kwargs["speech_dir"] = Path(kwargs["speech_dir"])
    section = getattr(import_module(module), name)(**kwargs)
    Path(result).write_text(json.dumps(section.to_json()))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "worker":
        sys.exit(
            "usage: python -m benchmarks.suite worker MODULE:FUNCTION OPTIONS_JSON RESULT_JSON"
        )
    _worker(*sys.argv[2:])
