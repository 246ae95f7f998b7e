"""Sound in and out, without Qt: takes that stream to disk, and playback with a position.

PortAudio calls our callbacks on its own real-time thread, so the callbacks only copy
samples; a writer thread does the disk work, and the GUI polls levels and positions with
a timer. Streams come from a factory so that tests (and machines without a sound card)
can inject their own.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile as sf

from emostudio.store.importer import AUDIO_SUFFIXES
from model_core.errors import EmoStudioError

# The file types the audio loader reads, as Qt's file dialogs list them.
AUDIO_FILTER = (
    f"Audio ({' '.join(f'*{suffix}' for suffix in sorted(AUDIO_SUFFIXES))});;All files (*)"
)

TAKE_SAMPLE_RATE = 48000
# Every block goes to disk as it comes, under the header written at the start ("length 0"),
# which libsndfile reads as "to the end of the file": a killed app loses only the blocks still
# queued. The file is synced this often (a power cut loses at most this much), and
# ``recover_take`` writes the true length for other programs.
FLUSH_SECONDS = 1.0
RECORDING_MARK = ".recording"  # a sidecar that exists only while a take is being written
STALL_SECONDS = 3.0  # an input that sends nothing for this long is gone (unplugged)
PRIVATE_FILE_MODE = 0o600  # takes are someone's voice: readable by this user only


class AudioDeviceError(EmoStudioError, RuntimeError):
    """No usable sound device, or the sound library is missing."""


class Stream(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamFactory = Callable[..., Stream]


def _sounddevice():
    try:
        import sounddevice
    except (ImportError, OSError) as err:  # OSError: the PortAudio library is not installed
        raise AudioDeviceError(
            f"sound is unavailable on this machine ({err}); install libportaudio2"
        ) from err
    return sounddevice


def input_devices() -> list[tuple[int, str]]:
    """(index, name) of every device that can record; raises AudioDeviceError when sound is unavailable."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except Exception as err:  # PortAudio reports a missing host API in many ways
        raise AudioDeviceError(f"cannot list sound devices: {err}") from err
    return [(i, d["name"]) for i, d in enumerate(devices) if d["max_input_channels"] > 0]


def sounddevice_input(*, samplerate: int, channels: int, device: int | None, callback) -> Stream:
    """A PortAudio input stream calling ``callback(block (frames, channels) float32)``."""
    sd = _sounddevice()
    try:
        return sd.InputStream(
            samplerate=samplerate,
            channels=channels,
            device=device,
            dtype="float32",
            callback=lambda data, frames, time, status: callback(data.copy()),
        )
    except Exception as err:
        raise AudioDeviceError(
            "no microphone can be opened: connect one, or check the system's sound settings "
            f"(the sound library said: {err})"
        ) from err


def sounddevice_output(*, samplerate: int, channels: int, callback) -> Stream:
    """A PortAudio output stream; ``callback(frames) -> (frames, channels) float32`` (short at the end)."""
    sd = _sounddevice()

    def fill(out, frames, time, status):
        block = callback(frames)
        out[: len(block)] = block
        out[len(block) :] = 0
        if len(block) < frames:
            raise sd.CallbackStop

    try:
        return sd.OutputStream(
            samplerate=samplerate, channels=channels, dtype="float32", callback=fill
        )
    except Exception as err:
        raise AudioDeviceError(
            "no speakers or headphones can be opened: connect some, or check the system's sound "
            f"settings (the sound library said: {err})"
        ) from err


def take_path(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"take-{stamp}.wav", 1
    while path.exists():
        n += 1
        path = folder / f"take-{stamp}-{n}.wav"
    return path


def interrupted_takes(folder: Path) -> list[Path]:
    """Takes whose recording never stopped cleanly (the app was killed): their audio is on disk."""
    if not folder.is_dir():
        return []
    return sorted(mark.with_suffix("") for mark in folder.glob(f"*.wav{RECORDING_MARK}"))


def recover_take(path: Path) -> float:
    """Give an interrupted take's WAV header its true length; return its duration in seconds.

    Opening the file for update makes libsndfile measure the audio on disk and rewrite the
    header on closing, so that every program (not only libsndfile) reads all of it.

    Raises
    ------
    soundfile.LibsndfileError
        When not even the header reached the disk.
    """
    with sf.SoundFile(path, "r+") as take:
        return take.frames / take.samplerate


class TakeWriter:
    """Record from a stream into a WAV file, block by block, synced to disk every second.

    Parameters
    ----------
    path : the WAV file to write (16-bit PCM).
    sample_rate : Hz.
    channels : 1 or 2.
    device : the input device index (None: the default device).
    stream_factory : builds the input stream (see ``sounddevice_input``).
    """

    def __init__(
        self,
        path: Path,
        *,
        sample_rate: int = TAKE_SAMPLE_RATE,
        channels: int = 1,
        device: int | None = None,
        stream_factory: StreamFactory = sounddevice_input,
    ):
        self.path, self.sample_rate, self.channels = Path(path), sample_rate, channels
        self.mark = self.path.with_name(self.path.name + RECORDING_MARK)
        self.blocks: queue.Queue[np.ndarray | None] = queue.Queue()
        self.frames = 0
        self.peak = 0.0  # of the latest block, for the level meter
        self.error: BaseException | None = None
        self.stream_error: BaseException | None = None  # a vanished device may fail to stop
        self.last_block = time.monotonic()
        self.mark.touch(mode=PRIVATE_FILE_MODE)
        os.close(
            os.open(self.path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
        )  # private before any audio
        self.file = sf.SoundFile(
            self.path, "w", samplerate=sample_rate, channels=channels, subtype="PCM_16"
        )
        self.writer = threading.Thread(target=self._write, name="take writer", daemon=True)
        self.writer.start()
        try:
            self.stream = stream_factory(
                samplerate=sample_rate, channels=channels, device=device, callback=self._on_block
            )
            self.stream.start()
        except BaseException:
            self._finish()
            self.discard()
            raise

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def _on_block(self, block: np.ndarray) -> None:
        # PortAudio's thread: copy and hand over, nothing else.
        self.peak = float(np.abs(block).max()) if block.size else 0.0
        self.last_block = time.monotonic()
        self.blocks.put(block)

    def problem(self) -> str | None:
        """Why this take cannot go on (the disk refuses, the input is gone); None while all is well."""
        if self.error is not None:
            return f"the take cannot be written ({self.error})"
        if (
            getattr(self.stream, "active", True) is False
        ):  # PortAudio stops a stream whose device vanished
            return "the input device stopped (was it unplugged?)"
        if time.monotonic() - self.last_block > STALL_SECONDS:
            return f"the input device sent no sound for {STALL_SECONDS:.0f} s (was it unplugged?)"
        return None

    def _write(self) -> None:
        since_flush = 0
        while True:
            block = self.blocks.get()
            if block is None:
                break
            try:
                self.file.write(np.clip(block, -1.0, 1.0))
            except Exception as err:  # a full disk: stop writing, keep what is there, tell the GUI
                self.error = err
                continue
            self.frames += len(block)
            since_flush += len(block)
            if since_flush >= FLUSH_SECONDS * self.sample_rate:
                self.file.flush()  # fsync: on disk even after a power cut
                since_flush = 0

    def stop(self) -> Path:
        """Stop recording and close the file; return its path.

        A stream that fails to stop (its device was unplugged) is noted in ``stream_error``;
        the file is closed whole all the same.
        """
        try:
            self.stream.stop()
            self.stream.close()
        except Exception as err:  # PortAudio's errors for a vanished device vary by host API
            self.stream_error = err
        self._finish()
        return self.path

    def _finish(self) -> None:
        self.blocks.put(None)
        self.writer.join()
        self.file.close()
        self.mark.unlink(missing_ok=True)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.mark.unlink(missing_ok=True)


class Playback:
    """Play samples (mono or (n, channels)) from a start to an end time; ``position`` follows."""

    def __init__(
        self,
        samples: np.ndarray,
        sample_rate: int,
        start: float = 0.0,
        end: float | None = None,
        *,
        stream_factory: Callable[..., Stream] = sounddevice_output,
    ):
        data = samples if samples.ndim == 2 else samples[:, None]
        self.data = np.ascontiguousarray(data, dtype=np.float32)
        self.sample_rate = sample_rate
        self.cursor = int(max(0.0, start) * sample_rate)
        self.stop_at = (
            len(self.data) if end is None else min(len(self.data), int(end * sample_rate))
        )
        self.lock = threading.Lock()
        self.stream: Any = stream_factory(
            samplerate=sample_rate, channels=self.data.shape[1], callback=self._next
        )
        self.stream.start()

    @property
    def position(self) -> float:
        return self.cursor / self.sample_rate

    @property
    def finished(self) -> bool:
        return self.cursor >= self.stop_at

    def _next(self, frames: int) -> np.ndarray:
        with self.lock:
            block = self.data[self.cursor : min(self.cursor + frames, self.stop_at)]
            self.cursor += len(block)
        return block

    def stop(self) -> None:
        self.stream.stop()
        self.stream.close()
