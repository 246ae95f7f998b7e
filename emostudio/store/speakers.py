"""Speaker baselines in a project, and the model pass that uses them.

Cue levels (and so the model's input and its label) are relative to the speaker's own
baseline; population priors are a rough stand-in. When an import knows who speaks
(``--speaker-from``), EmoStudio therefore measures every file first, recomputes each
speaker's baseline from all their recordings, and only then runs the model, each clip
against its speaker's baseline: the synthetic model gets 3 of the 4 demo clips right this
way, and 0-1 of 4 against population priors (README, "The synthetic model").
"""

from __future__ import annotations

from collections.abc import Callable

from emostudio.store.project import Project
from model_core.audio import AudioError, load_audio
from model_core.result import AnalysisResult


def refresh_baselines(project: Project, speakers: set[str]) -> dict[str, int]:
    """Recompute and store the baseline of each named speaker from their recordings.

    Returns
    -------
    dict
        speaker -> number of recordings the baseline was built from.
    """
    return {name: project.recompute_baseline(name).n_recordings for name in sorted(speakers)}


def model_pass(
    project: Project,
    pending: list[tuple[str, str, str | None]],
    analyzer,
    *,
    batch: int,
    note: Callable[[str], None],
    failed: Callable[[str, str], None],
    cancelled: Callable[[], bool] | None = None,
    transcribe: bool = True,
    cutter=None,
) -> int:
    """Analyse stored recordings with the model, each against its speaker's stored baseline.

    Parameters
    ----------
    pending : list of (sha256, path, speaker)
        Recordings already in ``project`` (with their cues) that lack a model analysis.
    analyzer : model_core.pipeline.Analyzer
    batch : int
        Clips per model batch.
    note, failed : callables
        Progress (``note(path)``) and per-file errors (``failed(path, error)``).
    cutter : emostudio.store.importer.Cutter, optional
        Analyse each recording's utterances instead of the whole recording.

    Returns
    -------
    int
        The number of analyses added. Each is committed on its own, so a killed pass
        resumes where it stopped.
    """
    from model_core.pipeline import Clip

    added = 0
    for first in range(0, len(pending), batch):
        if cancelled is not None and cancelled():
            break
        clips, kept = [], []
        for sha, path, speaker in pending[first : first + batch]:
            try:
                recording = load_audio(path)
            except AudioError as err:  # moved or changed since it was measured
                failed(path, str(err))
                continue
            if recording.sha256 != sha:
                failed(
                    path, f"{path}: the file changed while it was being imported; import it again"
                )
                continue
            baseline = project.speaker(speaker) if speaker else None
            if cutter is not None:
                cut, parts = cutter.utterances(recording, baseline, path, note, cancelled)
                project.add_recording(recording, utterances=parts, cut=cut)
                added += 1
                note(path)
                continue
            clips.append(Clip(recording, baseline=baseline))
            kept.append((sha, path))
        results: list[AnalysisResult] = (
            analyzer.analyze(clips, transcribe=transcribe) if clips else []
        )
        for (sha, path), result in zip(kept, results, strict=True):
            project.add_analysis(sha, result, kind="full")
            added += 1
            note(path)
    return added
