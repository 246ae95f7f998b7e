"""The session's spectrograms: the whole file's overview and Praat's detail around a view.

A mixin of :class:`emostudio.gui.session.Session`, which provides ``recording``,
``detail_span``, ``spectrogram_ready`` and ``_failed``; the work runs on the pool.
"""

from __future__ import annotations

from emostudio.display import overview_spectrogram, spectrogram_image
from emostudio.gui import workers
from model_core.acoustics import praat_sound, praat_spectrogram
from model_core.audio import MODEL_SAMPLE_RATE, Recording

# Views up to this long get Praat's spectrogram (as Praat's editors' "longest analysis", 10 s).
DETAIL_SPECTROGRAM_SECONDS = 10.0


class SpectrogramWork:
    """Spectrograms of the recording on screen (see the module's notes)."""

    def _overview_spectrogram(self, recording: Recording) -> None:
        def compute(report, cancelled):
            times, freqs, db = overview_spectrogram(recording.for_model, MODEL_SAMPLE_RATE)
            return times, freqs, spectrogram_image(db), 0.0, recording.duration

        workers.start(compute, done=self.spectrogram_ready.emit, failed=self._failed)

    def detail_spectrogram(self, start: float, end: float) -> None:
        """Praat's spectrogram (5 ms Gaussian window) around a short view, on the pool.

        It covers a view's width on either side, so panning does not recompute it until
        the view leaves that span, and zooming in recomputes it at the finer resolution.
        """
        recording, width = self.recording, end - start
        if recording is None or width > DETAIL_SPECTROGRAM_SECONDS:
            return
        covered = self.detail_span
        if (
            covered
            and covered[0] <= start
            and end <= covered[1]
            and covered[1] - covered[0] <= 3.5 * width
        ):
            return
        first_s, last_s = max(0.0, start - width), min(recording.duration, end + width)
        self.detail_span = (first_s, last_s)

        def compute(report, cancelled):
            first, last = int(first_s * MODEL_SAMPLE_RATE), int(last_s * MODEL_SAMPLE_RATE)
            samples = recording.for_model[first:last]
            if len(samples) < 0.01 * MODEL_SAMPLE_RATE:
                return None
            track = praat_spectrogram(
                praat_sound(samples, MODEL_SAMPLE_RATE, first / MODEL_SAMPLE_RATE)
            )
            return track.times, track.bins, spectrogram_image(track.values), first_s, last_s

        def done(value):
            if (
                value is not None
                and self.recording is recording
                and self.detail_span == (first_s, last_s)
            ):
                self.spectrogram_ready.emit(value)

        workers.start(compute, done=done, failed=self._failed)
