"""The bad-input campaign's corpus: broken, odd and hostile inputs, and what each entry point
must do with each of them.

Every :class:`Kind` says, per entry point it applies to, either :data:`ACCEPTED` (an odd
but valid input: processed without an error) or a :class:`Refused` (the words, one of which
the error must contain on the line that names the input, and the exit status).
:func:`build` writes every input into a folder. Audio comes from
:func:`tests.helpers.bad_audio.build_corpus`, extended by the cases only this campaign needs.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.helpers.bad_audio import build_corpus
from tests.helpers.signals import RATE, syllable_train

# Entry points.
ANALYZE, CUES, BASELINE, IMPORT, EXPORT = "analyze", "cues", "baseline", "import", "export"
VALIDATE, FIT, EVALUATE = "validate", "fit", "evaluate"
AGREEMENT = "agreement"  # emostudio agreement: reads a project's annotations
FEATURES = "features"  # emostudio features: eGeMAPS of audio files
GUI_OPEN, GUI_DROP, GUI_PROJECT = "gui-open", "gui-drop", "gui-project"
LABELS = ("neutral", "angry")  # the tiny test models' label set


@dataclass(frozen=True)
class Refused:
    words: tuple[str, ...]  # one of them (case-insensitive) is on the line naming the input
    status: int = 1  # the exit status (CLI entry points)


ACCEPTED = None  # an odd but valid input: no error, exit status 0
NOT_APPLICABLE = "n/a"  # (in overrides) the entry point cannot be given this input
Expect = Refused | None


@dataclass
class Built:
    """One input on disk: ``path`` (what the user passes), and what messages must name."""

    path: Path | None
    names: str = ""  # the text that the error line must contain; default: the path's basename
    paths: tuple[Path, ...] = ()  # several inputs at once (a drop of many files)
    argv: tuple[str, ...] = ()  # the whole command line, for command-line kinds
    skip: str | None = None  # why this input cannot be tried here
    skip_entries: dict[str, str] = field(default_factory=dict)  # the same, per entry point
    analyses: int = 0  # (projects) the analyses it holds: none may be lost

    def __post_init__(self) -> None:
        if not self.names and self.path is not None:
            self.names = self.path.name


@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    expect: dict[str, Expect]
    make: Callable[[Context], Built]


@dataclass
class Context:
    """What the makers share: the folder, a good clip, the audio pool and a tiny checkpoint."""

    folder: Path
    good: Path
    pool: dict[str, Path]
    project: Path  # a valid project holding one analysis
    checkpoint: Path | None = None
    built: dict[str, Built] = field(default_factory=dict)

    def own(self, kind: str, name: str) -> Path:
        """A fresh folder for one kind's input (an import of the folder sees only it)."""
        folder = self.folder / kind.replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name


KINDS: list[Kind] = []


def kind(name: str, group: str, expect: dict[str, Expect]):
    def register(make: Callable[[Context], Built]):
        KINDS.append(Kind(name, group, expect, make))
        return make

    return register


def refuse(*words: str, status: int = 1) -> Refused:
    return Refused(words, status)


# ----------------------------------------------------------------- audio files
AUDIO_ENTRIES = (CUES, FEATURES, BASELINE, IMPORT, ANALYZE, VALIDATE, FIT, EVALUATE, GUI_OPEN)
MANIFEST_ENTRIES = (VALIDATE, FIT, EVALUATE)  # each audio file is a row of a manifest there
# Fit and evaluate skip a file they cannot read, say so and go on with the others (status 0).
SKIPPED_STATUS = {FIT: 0, EVALUATE: 0}


def audio(
    refused: Refused | None, *, header_only_ok: bool = False, **overrides: Expect
) -> dict[str, Expect]:
    """Every audio entry point refuses (or accepts) the same way, but for ``overrides``.

    ``header_only_ok``: the header is fine, so ``validate`` (which reads headers only)
    accepts the file.
    """
    expect: dict[str, Expect] = {}
    for entry in AUDIO_ENTRIES:
        if refused is None:
            expect[entry] = ACCEPTED
        else:
            expect[entry] = Refused(refused.words, SKIPPED_STATUS.get(entry, refused.status))
    if header_only_ok:
        expect[VALIDATE] = ACCEPTED
    for entry, value in overrides.items():  # keyword names: import_ -> import
        expect[entry.rstrip("_")] = value
    return {k: v for k, v in expect.items() if v != NOT_APPLICABLE}


def _from_pool(kind_name: str, pool_name: str) -> Callable[[Context], Built]:
    def make(ctx: Context) -> Built:
        source = ctx.pool[pool_name]
        target = ctx.own(kind_name, pool_name)
        if source.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copyfile(source, target)
        return Built(target)

    return make


def _pcm_wav(rate: int, samples: np.ndarray, claimed_bytes: int | None = None) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    n = len(pcm) if claimed_bytes is None else claimed_bytes
    return (
        b"RIFF"
        + struct.pack("<I", (36 + n) & 0xFFFFFFFF)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, rate, (rate * 2) & 0xFFFFFFFF, 2, 16)
        + b"data"
        + struct.pack("<I", n)
        + pcm
    )


def _speech(seconds: float = 1.0) -> np.ndarray:
    return syllable_train(max(2, int(seconds / 0.25)), f0=160.0)


POOLED = {  # kind -> (file of bad_audio's corpus, expectation)
    "audio/empty": ("zero_bytes.wav", audio(refuse("empty"))),
    "audio/truncated-header": (
        "truncated_header.wav",
        audio(refuse("not a recognised", "cannot be decoded")),
    ),
    "audio/text-named-wav": ("text_named.wav", audio(refuse("not a recognised"))),
    "audio/random-bytes-mp3": (
        "random_bytes.mp3",
        audio(refuse("not a recognised", "cannot be decoded", "no samples")),
    ),
    "audio/nan-float": ("nan_samples.wav", audio(refuse("NaN"), header_only_ok=True)),
    "audio/inf-float": ("inf_samples.wav", audio(refuse("infinite"), header_only_ok=True)),
    "audio/one-sample": ("one_sample.wav", audio(refuse("too short"), header_only_ok=True)),
    # eGeMAPS of silence would describe the noise floor: refused where the cues say "silent".
    "audio/all-silence": ("all_zeros.wav", audio(ACCEPTED, features=refuse("silence"))),
    # An import lists regular files only: a folder named like audio is not a candidate;
    # `features` takes folders, and finds none in it.
    "audio/directory-named-wav": (
        "a_directory.wav",
        audio(
            refuse("not a regular file", "is a directory"),
            import_=ACCEPTED,
            features=refuse("no audio files in"),
        ),
    ),
}
for _name, (_file, _expect) in POOLED.items():
    kind(_name, "audio", _expect)(_from_pool(_name, _file))


@kind("audio/missing", "audio", audio(refuse("no such file"), import_=NOT_APPLICABLE))
def _missing(ctx: Context) -> Built:
    return Built(ctx.own("audio/missing", "gone.wav"))


@kind("audio/wrong-extension", "audio", audio(ACCEPTED))
def _wrong_extension(ctx: Context) -> Built:
    # A WAV named .txt: decoded by its content. An import skips it (not an audio suffix).
    path = ctx.own("audio/wrong-extension", "speech.txt")
    sf.write(path, _speech(), RATE, format="WAV")
    return Built(path)


@kind("audio/zero-rate", "audio", audio(refuse("not a recognised", "sampling rate")))
def _zero_rate(ctx: Context) -> Built:
    path = ctx.own("audio/zero-rate", "zero_rate.wav")
    path.write_bytes(_pcm_wav(0, _speech()))
    return Built(path)


@kind("audio/absurd-rate", "audio", audio(refuse("sampling rate")))
def _absurd_rate(ctx: Context) -> Built:
    # 16 000 samples declared at 1 Hz: 4.4 hours, 256 million samples once resampled.
    path = ctx.own("audio/absurd-rate", "one_hertz.wav")
    path.write_bytes(_pcm_wav(1, _speech()))
    return Built(path)


@kind("audio/64-channels", "audio", audio(ACCEPTED))
def _many_channels(ctx: Context) -> Built:
    path = ctx.own("audio/64-channels", "sixty_four.wav")
    sf.write(path, np.repeat(_speech()[:, None], 64, axis=1), RATE, subtype="PCM_16")
    return Built(path)


@kind("audio/huge-declared-length", "audio", audio(ACCEPTED))
def _huge_length(ctx: Context) -> Built:
    # The data chunk claims 4 GiB; the file holds one second.
    path = ctx.own("audio/huge-declared-length", "claims_4gib.wav")
    path.write_bytes(_pcm_wav(RATE, _speech(), claimed_bytes=0xFFFFFFF0))
    return Built(path)


@kind(
    "audio/symlink-loop",
    "audio",
    audio(refuse("symbolic links", "no such file")),
)
def _symlink_loop(ctx: Context) -> Built:
    first = ctx.own("audio/symlink-loop", "loop_a.wav")
    second = first.with_name("loop_b.wav")
    if not first.is_symlink():
        first.symlink_to(second)
        second.symlink_to(first)
    return Built(first)


@kind("audio/unreadable", "audio", audio(refuse("permission")))
def _unreadable(ctx: Context) -> Built:
    path = ctx.own("audio/unreadable", "locked.wav")
    sf.write(path, _speech(), RATE)
    path.chmod(0)
    skip = "root reads any file" if os.geteuid() == 0 else None
    return Built(path, skip=skip)


@kind(
    "audio/non-utf8-name",
    "audio",
    # A manifest is UTF-8 text: it cannot name this file. A project stores names as text:
    # an import refuses it (the other entry points just read it).
    audio(
        ACCEPTED,
        import_=refuse("not valid UTF-8"),
        validate=NOT_APPLICABLE,
        fit=NOT_APPLICABLE,
        evaluate=NOT_APPLICABLE,
    ),
)
def _non_utf8(ctx: Context) -> Built:
    folder = ctx.own("audio/non-utf8-name", "x").parent
    path = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9 \xff.wav"))
    sf.write(os.fsencode(path), _speech(), RATE)
    return Built(path, names="caf\\xe9 \\xff.wav")  # as messages show it


@kind("audio/space-newline-name", "audio", audio(ACCEPTED))
def _odd_name(ctx: Context) -> Built:
    path = ctx.own("audio/space-newline-name", "my take\n2 (final).wav")
    sf.write(path, _speech(), RATE)
    return Built(path)


# ----------------------------------------------------------------- the rest
# Manifests and checkpoints, then projects, command lines and drops register their kinds there.
from tests.campaign import bad_inputs_more as _more  # noqa: E402
from tests.campaign import bad_inputs_projects as _projects  # noqa: E402, F401


def build(folder: Path, checkpoint: Path | None = None) -> Context:
    """Write every input into ``folder``; ``built`` maps each kind's name to its :class:`Built`.

    ``checkpoint``: a valid tiny EmoReasoner checkpoint; the broken checkpoints are
    derived from it (skipped without one).
    """
    folder.mkdir(parents=True, exist_ok=True)
    good = folder / "good.wav"
    sf.write(good, _speech(), RATE)
    pool = {case.name: case.path for case in build_corpus(folder / "bad-audio-pool")}
    project = folder / "stored.emostudio"
    if not project.exists():
        _more.stored_project(project, good)
    ctx = Context(folder, good, pool, project, checkpoint)
    for item in KINDS:
        if item.group == "checkpoint" and checkpoint is None:
            ctx.built[item.name] = Built(None, skip="no checkpoint to derive from")
            continue
        ctx.built[item.name] = item.make(ctx)
    return ctx


def pairs() -> list[tuple[str, str]]:
    """Every (kind, entry point) the campaign tries."""
    return [(item.name, entry) for item in KINDS for entry in item.expect]


def kinds_by_name() -> dict[str, Kind]:
    return {item.name: item for item in KINDS}


def manifest_of(rows: list[dict], path: Path) -> Path:
    """A JSONL manifest of ``rows`` (absolute paths)."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
