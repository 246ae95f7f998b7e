"""What every command shares: reporting per-file failures without tracebacks."""

from __future__ import annotations

import argparse
import json
import math
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from model_core.audio import AudioError
from model_core.cues import SpeakerBaseline
from model_core.kinds import Policy

PROG = "emostudio"


def whole_number(minimum: int, meaning: str = ""):
    """An argparse ``type``: a whole number of at least ``minimum`` (``meaning`` says what
    the smallest value stands for, e.g. "0: one per core")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"a whole number is needed, got {text!r}") from None
        if value < minimum:
            extra = f" ({meaning})" if meaning else ""
            raise argparse.ArgumentTypeError(f"at least {minimum}{extra}, got {value}")
        return value

    return parse


def report_error(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr, prefixed with the program name."""
    print(f"{PROG}: {message}", file=stream or sys.stderr, flush=True)


def for_each_file(
    paths: Iterable[str], handle: Callable[[str], None], *, debug: bool = False
) -> int:
    """Run ``handle`` on each path; report failures on stderr and go on.

    Returns
    -------
    int
        The number of files that failed. An :class:`AudioError` prints its own
        message (it names the file and the problem); anything else is a bug,
        reported as one line (the traceback too with ``debug``).
    """
    failures = 0
    for path in paths:
        try:
            handle(path)
        except AudioError as err:
            failures += 1
            report_error(str(err))
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as err:  # a bug: say so plainly, keep going with the next file
            failures += 1
            report_error(
                f"{path}: internal error ({type(err).__name__}: {err}); "
                "rerun with --debug and report it"
            )
            if debug:
                traceback.print_exc()
    return failures


def json_line(data: dict[str, Any], stream: TextIO | None = None) -> None:
    """Write one JSON object per line (NaN is written as null, never as invalid JSON).

    A file name that is not UTF-8 (surrogate escapes) is written as ``\\udcXX`` escapes,
    so that the line stays valid UTF-8 JSON and ``json.loads`` gives the name back.
    """
    text = json.dumps(_finite(data), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(_finite(data), ensure_ascii=True)
    print(text, file=stream or sys.stdout, flush=True)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


# ----------------------------------------------------------------- speaker baselines
def add_baseline_options(parser, *, same_speaker: bool = False) -> None:
    """``--sex`` / ``--baseline JSON`` (and ``--same-speaker``): what the cues are measured against."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--sex",
        choices=("female", "male"),
        help="population priors for this sex when no speaker baseline is given",
    )
    group.add_argument(
        "--baseline",
        type=Path,
        metavar="JSON",
        help="a speaker baseline written by 'emostudio baseline'",
    )
    if same_speaker:
        group.add_argument(
            "--same-speaker",
            action="store_true",
            help="the files are one speaker's: measure them all first and use them as the baseline "
            "(much better than population priors; needs several recordings)",
        )


def baseline_from_args(args) -> SpeakerBaseline:
    """The baseline the options ask for; population priors by default."""
    if getattr(args, "baseline", None):
        try:
            return SpeakerBaseline.from_dict(json.loads(args.baseline.read_text()))
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            RecursionError,
        ) as err:  # deep JSON nesting
            raise SystemExit(
                f"{PROG}: {args.baseline}: not a readable baseline file ({err})"
            ) from err
    return SpeakerBaseline.population(getattr(args, "sex", None))


def same_speaker_baseline(
    paths: Iterable[str], name: str = "this speaker"
) -> SpeakerBaseline | None:
    """A baseline from every readable file of ``paths`` (unreadable ones are reported later, when analysed)."""
    from model_core.audio import load_audio
    from model_core.cues import analyze_clip

    measurements = []
    for path in paths:
        try:
            measurements.append(analyze_clip(load_audio(path))[1].raw_values())
        except AudioError:
            continue  # the analysis pass names the file and its problem
    return SpeakerBaseline.from_measurements(name, measurements) if measurements else None


def same_speaker_voice(analyzer, paths: Iterable[str]):
    """The label head's view of the speaker from every readable file of ``paths``; None
    when the model has no label head or no file is readable."""
    from model_core.audio import load_audio
    from model_core.pipeline import Clip

    if analyzer.model.head is None:
        return None
    clips = []
    for path in paths:
        try:
            clips.append(Clip(load_audio(path)))
        except AudioError:
            continue  # the analysis pass names the file and its problem
    return analyzer.voice_of(clips) if clips else None


def add_model_options(parser) -> None:
    """``--model`` and ``--device``, shared by the commands that run a model."""
    from model_core.devices import DEVICE_CHOICES

    parser.add_argument(
        "--model",
        default="default",
        help="'default' (the shipped model; 'fast' is the same since 3.0.0), 'synthetic' "
        "(the synthetic-prosody model) or an EmoReasoner checkpoint folder",
    )
    parser.add_argument("--device", default="auto", choices=DEVICE_CHOICES)
    parser.add_argument(
        "--asr-engine",
        default=None,
        choices=("auto", "ctranslate2", "torch"),
        help="who transcribes: auto (default; $EMOSTUDIO_ASR_ENGINE if set) takes CTranslate2 "
        "where the model's Whisper is a CTranslate2 model (the packaged one is), else PyTorch",
    )


def add_rationale_source(parser) -> None:
    """``--rationale-source``, shared by ``analyze`` and ``import``."""
    parser.add_argument(
        "--rationale-source",
        default=Policy.CHECKED,
        choices=tuple(Policy),
        help="checked (default): the model's rationale when it passes the review (grounded, "
        "no claim against the label, the most marked cue weighed), else one composed from the "
        "measurements; model: the model's text as written; composer: composed only (fast)",
    )
    parser.add_argument(
        "--drafts",
        type=int,
        choices=range(1, 5),
        metavar="K",
        default=None,
        help="up to K (1-4) drafts of the model's rationale: a greedy one, then K-1 sampled "
        "ones (one batch) for a clip whose draft the review rejects; default: the model's "
        "own setting",
    )
