"""Channel and room augmentation for the label head: the rooms, phones and codecs a
recording may pass through before EmoStudio hears it.

Each augmentation is a name (:data:`AUGMENTATIONS`) and a seed, so a clip's altered
version is reproducible and cacheable (:mod:`train.corpus_features`):

- ``telephone``: narrowband telephony: 300-3400 Hz band, 8 kHz, G.711 mu-law;
- ``codec``: a lossy speech codec at a low bit rate (Opus through the ``av`` package,
  which EmoStudio already uses to decode), as voice messages and calls carry speech;
- ``noise``: pink noise at 20, 10 or 5 dB SNR;
- ``room``: reverberation, RT60 0.3-0.8 s, half the energy reverberant;
- ``mixed``: a random chain of those (each with probability one half, at least one).

Why not ``audiomentations``: its room simulator and codecs pull in pyroomacoustics and
ffmpeg front ends for what a few lines on scipy and ``av`` do here, seeded; the noise
and reverberation reuse :mod:`train.synth.augment`.
"""

from __future__ import annotations

import io

import numpy as np
from scipy.signal import butter, sosfiltfilt

from model_core.audio import MODEL_SAMPLE_RATE, resample
from train.synth.augment import _pink_noise, _reverb

AUGMENTATIONS = ("telephone", "codec", "noise", "room", "mixed")
TELEPHONE_BAND_HZ = (300.0, 3400.0)
TELEPHONE_RATE = 8000
MU = 255.0
CODEC_BIT_RATES = (8000, 12000, 16000)  # bit/s
NOISE_SNRS_DB = (20.0, 10.0, 5.0)
ROOM_RT60_S = (0.3, 0.8)


def augmented(samples: np.ndarray, name: str, seed: int = 0) -> np.ndarray:
    """The clip as it would sound through ``name``'s channel, 16 kHz float32.

    Parameters
    ----------
    samples : np.ndarray
        Shape (n,), 16 kHz mono.
    name : str
        One of :data:`AUGMENTATIONS`.
    seed : int
        Seeds every random choice (bit rate, SNR, room).

    Raises
    ------
    ValueError
        For an unknown augmentation.
    """
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}: one of {', '.join(AUGMENTATIONS)}")
    rng = np.random.default_rng(seed)
    out = np.asarray(samples, dtype=np.float64)
    steps = [name]
    if name == "mixed":
        steps = [s for s in AUGMENTATIONS[:-1] if rng.random() < 0.5]
        steps = steps or [str(rng.choice(AUGMENTATIONS[:-1]))]
        # A room and noise come before the channel that carries them.
        steps.sort(key=["room", "noise", "telephone", "codec"].index)
    for step in steps:
        out = STEPS[step](out, rng)
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    return (out * (0.97 / peak) if peak > 0.97 else out).astype(np.float32)


def telephone(samples: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """300-3400 Hz, 8 kHz sampling and G.711 mu-law, back at 16 kHz."""
    low, high = TELEPHONE_BAND_HZ
    sos = butter(4, [low, high], btype="band", fs=MODEL_SAMPLE_RATE, output="sos")
    band = sosfiltfilt(sos, samples)
    narrow = resample(band, MODEL_SAMPLE_RATE, TELEPHONE_RATE).astype(np.float64)
    scale = max(float(np.max(np.abs(narrow))), 1e-9)
    x = np.clip(narrow / scale, -1.0, 1.0)
    code = np.round(np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU) * 127) / 127
    expanded = np.sign(code) * np.expm1(np.abs(code) * np.log1p(MU)) / MU * scale
    return resample(expanded, TELEPHONE_RATE, MODEL_SAMPLE_RATE).astype(np.float64)[: len(samples)]


def codec(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Opus at 8, 12 or 16 kbit/s (through ``av``), decoded back to 16 kHz."""
    import av

    bit_rate = int(rng.choice(CODEC_BIT_RATES))
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.bit_rate = bit_rate
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = MODEL_SAMPLE_RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    buffer.seek(0)
    decoded = []
    with av.open(buffer, "r") as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=MODEL_SAMPLE_RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                decoded.append(out.to_ndarray().reshape(-1))
    out = np.concatenate(decoded).astype(np.float64) if decoded else np.zeros(0)
    # Opus adds a little delay: keep the clip's length, padding the end if it came short.
    out = out[: len(samples)]
    return np.pad(out, (0, len(samples) - len(out)))


def noise(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pink noise at 20, 10 or 5 dB SNR."""
    snr_db = float(rng.choice(NOISE_SNRS_DB))
    hiss = _pink_noise(len(samples), rng)
    power = float(np.mean(samples**2)) or 1e-12
    return samples + hiss * np.sqrt(power / max(np.mean(hiss**2), 1e-12) / 10 ** (snr_db / 10))


def room(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A reverberant room, RT60 0.3-0.8 s, half wet."""
    return _reverb(samples, float(rng.uniform(*ROOM_RT60_S)), 0.5, rng)


STEPS = {"telephone": telephone, "codec": codec, "noise": noise, "room": room}
