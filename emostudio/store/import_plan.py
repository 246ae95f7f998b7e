"""What an import will do, decided before any file is read: its options, the files of the
folder, the speakers their paths name, what the project holds already, and the summary it
fills. Shared by the local import (:mod:`emostudio.store.importer`) and the cluster import
(:mod:`emostudio.cluster.driver`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from emostudio.store.database import StoreError
from emostudio.store.project import Project
from model_core.acoustics.egemaps import egemaps_names
from model_core.acoustics.feature_sets import FEATURE_SETS
from model_core.kinds import Policy

AUDIO_SUFFIXES = {
    ".wav",
    ".flac",
    ".ogg",
    ".oga",
    ".mp3",
    ".m4a",
    ".mp4",
    ".aac",
    ".opus",
    ".aif",
    ".aiff",
    ".wma",
    ".webm",
}


@dataclass
class ImportOptions:
    recursive: bool = False
    glob: str | None = None  # e.g. "*.wav"; default: every known audio suffix
    cues_only: bool = False
    model: str = "default"
    device: str = "auto"
    workers: int = 0  # 0: one per CPU core
    speaker_from: str | None = None  # regex on the path relative to the folder
    copy: bool = False  # store the audio in the project
    features: str | None = None  # a key of FEATURE_SETS ("egemaps"), measured with the cues
    transcribe: bool = True  # False: the model labels without ASR (much faster on a CPU)
    # Who writes the rationale (model_core.kinds.Policy): "composer" skips
    # the LLM's generation, the slowest stage on a CPU.
    rationale_source: Policy = Policy.CHECKED
    drafts: int | None = None  # best of k rationale drafts (None: the model's setting)
    asr_engine: str | None = None  # model_core.asr_engines: None = $EMOSTUDIO_ASR_ENGINE or auto
    # Cut each recording into utterances (model_core.segments) and analyse each; the whole
    # recording keeps its cues-only analysis.
    segments: bool = False
    utterance_asr: str = "stretch"  # model_core.utterances: "stretch" or "alone"


@dataclass
class ImportSummary:
    candidates: int = 0
    imported: int = 0
    already: int = 0  # content the project already had
    failed: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0  # files that are not audio (by suffix)
    seconds: float = 0.0
    cancelled: bool = False
    speakers: dict[str, int] = field(
        default_factory=dict
    )  # baselines recomputed: speaker -> recordings
    # Imported, but the feature set could not be measured (silence): (path, why).
    no_features: list[tuple[str, str]] = field(default_factory=list)
    # Files whose path --speaker-from names no speaker (when it names some others').
    no_speaker: int = 0
    speaker_from: str | None = None  # the pattern, to name it in text()
    contents: set[str] = field(default_factory=set)  # SHA-256 of every readable file met

    @property
    def handled(self) -> int:
        """Files dealt with so far: imported, already there, or failed."""
        return self.imported + self.already + len(self.failed)

    def text(self) -> str:
        rate = self.imported / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.candidates} audio files: {self.imported} imported, {self.already} already in the project, "
            f"{len(self.failed)} failed; {self.ignored} other files ignored; {self.seconds:.1f} s "
            f"({rate:.1f} files/s)"
            + ("; cancelled: run the same import again to resume" if self.cancelled else "")
        ]
        if self.speakers:
            lines.append(
                "  speaker baselines: "
                + ", ".join(f"{name} ({n} recordings)" for name, n in self.speakers.items())
            )
        if self.no_speaker:
            lines.append(
                f"  no speaker for {self.no_speaker} of the {self.candidates} files: "
                f"--speaker-from {self.speaker_from!r} does not match their paths"
            )
        lines += [
            f"  no features: {failure_text(path, error)}" for path, error in self.no_features[:50]
        ]
        lines += [f"  failed: {failure_text(path, error)}" for path, error in self.failed[:50]]
        if len(self.failed) > 50:
            lines.append(
                f"  ... and {len(self.failed) - 50} more (see the project's import errors)"
            )
        return "\n".join(lines)


def find_files(folder: Path, options: ImportOptions) -> tuple[list[Path], int]:
    """(audio files in a stable order, number of other files ignored)."""
    if not folder.is_dir():
        raise StoreError(f"{folder}: not a folder")
    pattern = options.glob or "*"
    if ".." in Path(pattern).parts:  # files outside the folder have no relative path
        raise StoreError(f"--glob {pattern!r}: a pattern must not leave the folder ('..')")
    try:
        found = folder.rglob(pattern) if options.recursive else folder.glob(pattern)
        # A dangling or looping link is kept, so that it is reported as failed, not skipped unsaid.
        files = sorted(p for p in found if p.is_file() or (p.is_symlink() and not p.is_dir()))
    except (ValueError, NotImplementedError, IndexError) as err:  # "/abs", "**x", "."
        raise StoreError(f"--glob {pattern!r}: not a usable pattern ({err})") from err
    if options.glob:
        return files, 0
    audio = [p for p in files if p.suffix.lower() in AUDIO_SUFFIXES]
    return audio, len(files) - len(audio)


def speaker_pattern(text: str | None) -> re.Pattern | None:
    """``--speaker-from`` compiled (None without one).

    Raises
    ------
    StoreError
        Naming the pattern, when it is not a regular expression.
    """
    if not text:
        return None
    try:
        return re.compile(text)
    except re.error as err:
        raise StoreError(f"--speaker-from {text!r}: not a regular expression ({err})") from err


def speaker_of(path: Path, folder: Path, pattern: re.Pattern | None) -> str | None:
    if pattern is None:
        return None
    match = pattern.search(str(path.relative_to(folder)))
    if not match:
        return None
    if "speaker" in match.groupdict():
        name = match.group("speaker")
    else:
        name = match.group(1) if match.groups() else match.group(0)
    return name or None  # an empty match names no speaker


def count_unnamed(files: list[Path], folder: Path, pattern: re.Pattern | None) -> int:
    """How many of ``files`` the pattern names no speaker for (0 without a pattern).

    Raises
    ------
    StoreError
        Before anything is imported, when the pattern names no speaker for any of them:
        every recording would silently get none (a typo in the pattern, a flat folder).
    """
    if pattern is None or not files:
        return 0
    unnamed = [p for p in files if speaker_of(p, folder, pattern) is None]
    if len(unnamed) == len(files):
        example = str(files[0].relative_to(folder))
        raise StoreError(
            f"--speaker-from {pattern.pattern!r} matches none of the {len(files)} files "
            f"(e.g. {example!r}): nothing imported"
        )
    return len(unnamed)


def failure_text(path: str, error: str) -> str:
    """``path: problem``, without repeating the path when the error already starts with it."""
    return error if error.startswith(path) else f"{path}: {error}"


@dataclass
class ImportPlan:
    """What an import will do, decided before any file is read (local or on a cluster)."""

    folder: Path
    files: list[Path]
    pattern: re.Pattern | None  # --speaker-from, compiled
    summary: ImportSummary
    by_speaker: bool  # the model waits for the speakers' baselines: cues first, model after
    kind: str  # of the whole recording's analysis: "full" or "cues"
    done: set[str]  # contents the project holds with their analyses: skipped
    featured: set[str]  # contents that have the asked feature set already


def plan_import(project: Project, folder: str | Path, options: ImportOptions) -> ImportPlan:
    """List the folder and read what the project holds (see :class:`ImportPlan`).

    Raises
    ------
    StoreError
        A missing folder, a bad pattern, an unknown feature set.
    """
    folder = Path(folder)
    files, ignored = find_files(folder, options)
    pattern = speaker_pattern(options.speaker_from)
    summary = ImportSummary(
        candidates=len(files),
        ignored=ignored,
        no_speaker=count_unnamed(files, folder, pattern),
        speaker_from=options.speaker_from,
    )
    by_speaker = pattern is not None and not options.cues_only
    kind = "cues" if options.cues_only or by_speaker or options.segments else "full"
    # A recording is done when it has its model analyses (of the whole, or of utterances).
    done = project.analysed("full" if options.segments and not by_speaker else kind)
    if options.segments and not by_speaker:  # cut before, perhaps into no utterance at all
        done |= project.cut_recordings()
    if options.features is not None and options.features not in FEATURE_SETS:
        raise StoreError(f"--features {options.features!r}: known sets are {sorted(FEATURE_SETS)}")
    featured = set()
    if options.features:
        egemaps_names()  # EgemapsUnavailableError now, not in every worker
        featured = project.feature_sets.featured(FEATURE_SETS[options.features])
    return ImportPlan(folder, files, pattern, summary, by_speaker, kind, done, featured)
