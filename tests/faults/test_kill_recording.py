"""kill -9 while a take streams to disk: the WAV keeps every block written before the kill."""

from __future__ import annotations

import os
import stat
import time
import wave

import numpy as np
import pytest
import soundfile as sf

from emostudio.gui import audio_io
from tests.faults.child_take import BLOCK, expected
from tests.faults.killing import complete_lines, kill, python, start, wait_for

KILLS = 5


@pytest.mark.slow
def test_a_killed_take_keeps_everything_but_the_last_moments(tmp_path):
    rng = np.random.default_rng(5)
    takes = tmp_path / "takes"
    takes.mkdir()
    for round_ in range(KILLS):
        take, log = takes / f"take-{round_}.wav", tmp_path / f"fed-{round_}.txt"
        process = start(python("tests.faults.child_take", str(take)), log)
        assert wait_for(log, "\n", process), log.read_text()
        time.sleep(float(rng.uniform(0.05, 2.5)))  # 0.2 to 10 s of audio at 4x
        assert kill(process)
        fed = int(complete_lines(log)[-1])
        frames = sf.info(str(take)).frames
        # Only the blocks still queued for the writer may be lost (at most ~1 s).
        assert fed - audio_io.FLUSH_SECONDS * audio_io.TAKE_SAMPLE_RATE <= frames <= fed + BLOCK
        samples, _ = sf.read(str(take), dtype="float32")
        np.testing.assert_allclose(samples, expected(frames), rtol=0, atol=1.5 / 32768)
        assert stat.S_IMODE(os.stat(take).st_mode) == 0o600  # a voice: private
        assert take in audio_io.interrupted_takes(takes)
        # The app's next start gives the header its true length: strict readers see it all.
        assert audio_io.recover_take(take) == pytest.approx(frames / audio_io.TAKE_SAMPLE_RATE)
        with wave.open(str(take)) as strict:
            assert strict.getnframes() == frames
            pcm = np.frombuffer(strict.readframes(frames), dtype="<i2")
        assert np.abs(pcm - expected(frames) * 32768).max(initial=0) <= 1  # one step of 16-bit PCM
