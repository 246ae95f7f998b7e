"""The session's annotations: a human judgement of the analysis on screen, appended.

A mixin of :class:`emostudio.gui.session.Session`, which provides ``project``,
``analysis_id``, ``error``, ``annotations_changed`` and ``annotation_saved``.
"""

from __future__ import annotations

from emostudio.gui.failure import failure_of


class AnnotationWork:
    """Annotations of the analysis on screen (see the module's notes)."""

    def annotate(
        self,
        analysis_id: int,
        annotator: str,
        label: str,
        accepted: bool,
        notes: str,
        judgements: list[dict],
    ) -> None:
        """Append an annotation of ``analysis_id``, which must be the analysis on screen."""
        if self.project is None:
            self.error.emit(
                "annotations are kept in a project: open or create one (File > New project)"
            )
            return
        if self.analysis_id is None:
            self.error.emit(
                "the analysis on screen is not in the open project: analyse the recording again "
                "to save it there, then annotate it"
            )
            return
        if (
            analysis_id != self.analysis_id
        ):  # a form left over from another recording: refuse, never mix up
            self.error.emit(
                "the annotation form belonged to another analysis; it has been reloaded for the "
                "one on screen: check it and save again"
            )
            self.annotations_changed.emit(self.analysis_id)
            return
        try:
            before = {entry["id"] for entry in self.project.annotations(self.analysis_id)}
            saved = self.project.annotate(
                self.analysis_id,
                annotator,
                label,
                accepted=accepted,
                notes=notes,
                judgements=judgements,
            )
        except Exception as err:  # a StoreError is the user's; anything else is logged
            self.error.emit(failure_of(err, "the annotation was not saved"))
            return
        self.annotations_changed.emit(self.analysis_id)
        # The store adds nothing when the form says what this annotator last saved: say so,
        # or a second click looks like it was ignored.
        self.annotation_saved.emit(self.analysis_id, saved not in before)
