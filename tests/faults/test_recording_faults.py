"""Recording in the app when things go wrong: a microphone unplugged mid-take (the recorder
stops, says why, keeps every block), and a take the app was killed writing (recovered whole)."""

from __future__ import annotations

import wave

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("PySide6")
from emostudio.gui import audio_io
from tests.emostudio.gui.conftest import FakeInput, make_window, settings  # noqa: F401

UNPLUG_AFTER = 0.5  # seconds of audio before the device vanishes
TIMEOUT_MS = int(audio_io.STALL_SECONDS * 1000) + 8000


class UnpluggedInput(FakeInput):
    """FakeInput's tone until the device vanishes. With ``reports``, the stream then turns
    inactive and fails to stop, as PortAudio's streams do; without, it only goes silent."""

    def __init__(self, *, reports: bool, **options):
        super().__init__(**options)
        self.reports = reports
        if reports:
            self.active = True
        self.deliver, self.callback = self.callback, self._counted

    def _counted(self, block):
        self.deliver(block)
        if self.sent + len(block) >= UNPLUG_AFTER * self.rate:
            self.running.clear()  # FakeInput's thread ends: no more blocks
            if self.reports:
                self.active = False

    def stop(self):
        super().stop()
        if self.reports:
            raise RuntimeError(
                "Error stopping stream: Unanticipated host error [PaErrorCode -9999]"
            )


@pytest.mark.parametrize(
    "reports", [True, False], ids=["stream-turns-inactive", "stream-goes-silent"]
)
def test_an_unplugged_microphone_stops_the_take_and_keeps_it(make_window, qtbot, reports):  # noqa: F811
    window = make_window()
    streams = []

    def unplugged(**options):
        streams.append(UnpluggedInput(reports=reports, **options))
        return streams[-1]

    window.recorder.stream_factory = unplugged
    window.actions_by_name["record"].trigger()
    assert window.recorder.recording
    path = window.recorder.writer.path
    qtbot.waitUntil(lambda: not window.recorder.recording, timeout=TIMEOUT_MS)
    texts = [window.messages.item(i).text() for i in range(window.messages.count())]
    said = [t for t in texts if "recording stopped" in t]
    assert len(said) == 1 and "input device" in said[0] and str(path) in said[0], texts
    assert "Traceback" not in said[0]
    assert window.recorder.keep.isVisible()  # the take is offered like any other
    assert not path.with_name(path.name + audio_io.RECORDING_MARK).exists()
    sent = streams[0].sent
    assert sent >= UNPLUG_AFTER * audio_io.TAKE_SAMPLE_RATE
    with wave.open(str(path)) as strict:  # closed properly: the header holds its length
        assert strict.getnframes() == sent
    samples, rate = sf.read(str(path), dtype="float32")
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(sent) / rate)
    np.testing.assert_allclose(samples, tone, rtol=0, atol=2 / 32768)  # every block, to the last


def test_a_take_killed_mid_write_is_recovered_whole_at_the_next_start(make_window, tmp_path):  # noqa: F811
    takes = tmp_path / "data" / "takes"
    takes.mkdir(parents=True)
    voice = 0.25 * np.sin(2 * np.pi * 180 * np.arange(36000) / 48000)
    with sf.SoundFile(
        takes / "take-1.wav", "w", samplerate=48000, channels=1, subtype="PCM_16"
    ) as writing:
        writing.write(voice)
        writing.flush()
        killed = (
            takes / "take-1.wav"
        ).read_bytes()  # what a kill -9 leaves: header says "no audio yet"
    (takes / "take-1.wav").write_bytes(killed)
    (takes / f"take-1.wav{audio_io.RECORDING_MARK}").touch()
    with pytest.raises(wave.Error), wave.open(str(takes / "take-1.wav")):
        pass  # strict readers cannot open it as it is
    window = make_window()
    texts = [window.messages.item(i).text() for i in range(window.messages.count())]
    assert any("interrupted" in t and "0.8 s" in t and "take-1.wav" in t for t in texts), texts
    with wave.open(str(takes / "take-1.wav")) as strict:
        assert strict.getnframes() == len(voice)
