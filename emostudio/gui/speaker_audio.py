"""Reading a speaker's recordings and baselines for the session, off the GUI thread.

Pool tasks call these with their own project connection; nothing here touches Qt.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from emostudio.store import Project
from model_core.audio import AudioError, Recording, load_audio
from model_core.cues import SpeakerBaseline, analyze_clip


def speaker_baseline(project_path: Path, recording: Recording, speaker: str, cache: Path):
    """File ``recording`` under ``speaker`` (measuring it first if the project has no whole
    analysis of it); (their baseline, their recordings' audio, recordings left out)."""
    from emostudio.store.importer import cues_result

    with Project(project_path, actor="emostudio gui") as project:
        if not project.has_analysis(recording.sha256, "cues"):
            analysis, summary = analyze_clip(recording)
            tracks = [analysis.pitch, analysis.intensity]
            result = cues_result({"recording": recording, "summary": summary})
            project.add_recording(recording, tracks=tracks, analysis=result, kind="cues")
        project.set_speaker(recording.sha256, speaker)
        voices, skipped = speaker_recordings(project, speaker, recording, cache)
        return project.speaker(speaker), voices, skipped


def speaker_recordings(project: Project, speaker: str, recording: Recording, cache: Path):
    """The audio of every recording of ``speaker`` (``recording`` as it is in memory), and
    the problems of those that could not be read."""
    voices, skipped = [], []
    for facts in project.queries.list_recordings(speaker):
        try:
            voices.append(
                recording
                if facts["sha256"] == recording.sha256
                else stored_recording(project, facts["sha256"], cache)
            )
        except AudioError as err:
            skipped.append(str(err))
    return voices, skipped


def files_baseline(recording: Recording, paths: tuple[str, ...]):
    """A baseline from ``paths`` and ``recording`` (one speaker); (baseline, recordings,
    files left out)."""
    recordings, skipped = [recording], []
    for path in paths:
        try:
            other = load_audio(path)
        except AudioError as err:
            skipped.append(str(err))
            continue
        if other.sha256 != recording.sha256:
            recordings.append(other)
    values = [analyze_clip(r)[1].raw_values() for r in recordings]
    return SpeakerBaseline.from_measurements("these recordings", values), recordings, skipped


def stored_recording(project: Project, sha256: str, cache: Path) -> Recording:
    """The audio of a stored recording: its copy in the project, else the first path that still holds it."""
    facts = project.recording(sha256)
    if facts is None:
        raise LookupError(f"recording {sha256[:12]} is not in the project")
    if facts["stored"]:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        suffix = Path(facts["name"]).suffix or ".flac"
        copy = cache / f"{sha256}{suffix}"
        if not copy.exists():
            partial = copy.with_suffix(".part")
            partial.write_bytes(project.media.audio_bytes(sha256))
            partial.replace(copy)
        return dataclasses.replace(load_audio(copy), path=Path(facts["path"] or facts["name"]))
    for path in [facts["path"], *facts["paths"]]:
        if path and Path(path).is_file():
            return load_audio(path)
    raise AudioError(
        facts["path"] or facts["name"],
        "the audio is no longer there (moved or deleted); the stored analysis is kept. "
        "Import it again with 'copy into the project' to keep the audio with the project",
    )
