"""Preparing examples for training, with what frozen parts compute cached on disk.

Per example: the 16 kHz audio (or its segment), the acoustic analysis and cue summary
against the speaker's baseline, Whisper's encoder states (frozen), and the prosody
encoder's input features (the encoder itself trains, so its input is cached, not its
output). A cache entry is one safetensors file, keyed by the audio's SHA-256, the segment,
the speech encoder and the feature version; it is written to a temporary name and renamed,
so a killed run never leaves half an entry. Later epochs read entries instead of running
Whisper and Praat again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from model_core.audio import (
    MODEL_SAMPLE_RATE,
    AudioError,
    AudioFileNotFoundError,
    load_audio,
    recording_from_array,
)
from model_core.cues import SpeakerBaseline, analyze_clip
from model_core.grounding.salience import spread_words
from model_core.model.reasoner import ClipInput, EmoReasoner
from train.datasets.example import Example

FEATURE_VERSION = 3  # bump when what is cached changes (2: speaking intervals; 3: baseline)
MIN_SPEAKER_RECORDINGS = 3  # fewer: population priors


@dataclass
class Prepared:
    """An example with everything the model's frozen parts give it."""

    example: Example
    clip: ClipInput  # samples may be None when read from the cache
    descriptor: str  # cue description ("high pitch; loud")
    cues: dict  # CueSummary.to_dict()["cues"], for checking rationales
    duration: float  # s
    speech: list[tuple[float, float]] = field(default_factory=list)  # speaking intervals, s
    baseline: str = ""  # the name of the baseline the cues were scored against

    @property
    def words(self) -> list[dict]:
        """The transcript's words with approximate times (spread over the speech)."""
        return spread_words(self.example.transcript, self.speech)


def _key(example: Example, model: EmoReasoner, f0_reference_hz: float) -> str:
    digest = hashlib.sha256()
    try:
        with open(example.audio, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as err:  # missing, a folder, unreadable: skipped like any unreadable audio
        raise AudioFileNotFoundError(example.audio, f"cannot open ({err.strerror or err})") from err
    meta = json.dumps(
        [
            example.start,
            example.end,
            model.config.speech_encoder,
            model.config.seed if model.config.speech_encoder == "random" else 0,
            model.config.emotion_encoder,
            round(f0_reference_hz, 3),
            FEATURE_VERSION,
            *whisper_context_key(model.config),
        ]
    )
    digest.update(meta.encode())
    return digest.hexdigest()[:32]


def whisper_context_key(config) -> list:
    """What a cache key holds of the model's Whisper context: nothing for the padded one
    (so caches written before contexts existed stay valid), else the context and tail."""
    if config.whisper_context == "padded":
        return []
    return [config.whisper_context, config.whisper_tail_s]


def samples_of(example: Example) -> np.ndarray:
    recording = load_audio(example.audio)
    samples = recording.for_model
    if example.start is not None or example.end is not None:
        first = int(round((example.start or 0.0) * MODEL_SAMPLE_RATE))
        last = len(samples) if example.end is None else int(round(example.end * MODEL_SAMPLE_RATE))
        samples = samples[first:last]
    return np.ascontiguousarray(samples)


class FeatureCache:
    """A folder of safetensors entries (one per example); ``folder=None`` caches nothing."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def read(self, key: str) -> tuple[dict[str, torch.Tensor], dict[str, str]] | None:
        if not self.folder:
            return None
        path = self.folder / f"{key}.safetensors"
        if not path.exists():
            return None
        with safe_open(str(path), framework="pt") as handle:
            names = list(handle.keys())
            return {name: handle.get_tensor(name) for name in names}, handle.metadata() or {}

    def write(self, key: str, tensors: dict[str, torch.Tensor], meta: dict[str, str]) -> None:
        if not self.folder:
            return
        handle, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.folder)
        os.close(handle)
        try:
            save_file({k: v.contiguous() for k, v in tensors.items()}, tmp, metadata=meta)
            os.replace(tmp, self.folder / f"{key}.safetensors")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def speaker_baselines(
    examples: list[Example], cache: FeatureCache | None = None, population_share: float = 0.0
) -> dict[str, SpeakerBaseline]:
    """Each speaker's baseline from the given recordings of theirs (speakers with at least 3).

    Only audio is used, never labels: evaluation may normalise a held-out speaker by their
    own recordings, as EmoStudio does for any speaker whose recordings it holds. With a
    ``cache``, each speaker's measurements are kept (keyed by their recordings), so a
    resumed run does not measure every clip again. ``population_share``: the share of
    speakers (chosen by a hash of their name, the same in every run) left to population
    priors, so that a model trained on them also learns a population baseline's words.
    """
    by_speaker: dict[str, list[Example]] = {}
    for example in examples:
        if example.speaker:
            by_speaker.setdefault(example.speaker, []).append(example)
    baselines = {}
    for speaker, items in by_speaker.items():
        if len(items) < MIN_SPEAKER_RECORDINGS or _population_speaker(speaker, population_share):
            continue
        values = _speaker_values(items, cache)
        baselines[speaker] = SpeakerBaseline.from_measurements(speaker, values)
    return baselines


def _population_speaker(speaker: str, share: float) -> bool:
    digest = hashlib.sha256(speaker.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def _speaker_values(items: list[Example], cache: FeatureCache | None) -> list[dict[str, float]]:
    """The raw cue values of each recording, from the cache when it holds them."""
    key = hashlib.sha256(
        json.dumps([[str(e.audio), e.start, e.end] for e in items]).encode()
    ).hexdigest()[:32]
    path = cache.folder / f"speaker-{key}.json" if cache and cache.folder else None
    if path is not None and path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    values = []
    for example in items:
        recording = load_audio(example.audio)
        _, summary = analyze_clip(recording, example.start, example.end)
        values.append(summary.raw_values())
    if path is not None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(values), encoding="utf-8")
        os.replace(tmp, path)  # whole or absent, whenever the run is killed
    return values


def prepare(
    example: Example,
    model: EmoReasoner,
    cache: FeatureCache,
    baseline: SpeakerBaseline | None = None,
) -> Prepared:
    """Everything the model's frozen parts give an example, from the cache when possible.

    Raises
    ------
    model_core.audio.AudioError
        For audio that cannot be decoded or is too short to analyse.
    """
    baseline = baseline or SpeakerBaseline.population()
    key = _key(example, model, baseline.f0_reference_hz)
    cached = cache.read(key)
    if cached is not None:
        tensors, meta = cached
        clip = ClipInput(
            None,
            f0_reference_hz=baseline.f0_reference_hz,
            speech_frames=tensors["speech_frames"],
            emotion_frames=tensors.get("emotion_frames"),
            prosody=tensors["prosody"].numpy() if "prosody" in tensors else None,
        )
        return Prepared(
            example,
            clip,
            meta["descriptor"],
            json.loads(meta["cues"]),
            float(meta["duration"]),
            [tuple(span) for span in json.loads(meta.get("speech", "[]"))],
            meta.get("baseline", ""),
        )
    samples = samples_of(example)
    try:
        analysis, summary = analyze_clip(
            recording_from_array(samples, MODEL_SAMPLE_RATE, name=str(example.audio)),
            baseline=baseline,
        )
    except AudioError as err:  # raised about the array: say which file it came from
        raise type(err)(example.audio, err.problem) from err
    clip = ClipInput(samples, analysis, baseline.f0_reference_hz)
    with torch.inference_mode():
        inputs, hidden = model.whisper_states([clip])
        from model_core.model.encoders import join_windows

        frames, mask = join_windows(hidden, inputs, 1)
        speech = frames[0][mask[0]].float().cpu()
        emotion = model.frozen_emotion_frames([clip])
    tensors = {"speech_frames": speech.half()}
    if emotion is not None:
        tensors["emotion_frames"] = emotion[0].float().cpu().half()
    else:
        tensors["prosody"] = torch.from_numpy(model.prosody_input(clip))
    cues = summary.to_dict()["cues"]
    duration = len(samples) / MODEL_SAMPLE_RATE
    speech = [(round(a, 3), round(b, 3)) for a, b in analysis.rate.speaking_intervals]
    cache.write(
        key,
        tensors,
        {
            "descriptor": summary.descriptor,
            "cues": json.dumps(cues),
            "duration": str(duration),
            "speech": json.dumps(speech),
            "id": example.id,
            "baseline": baseline.name,
        },
    )
    clip.speech_frames = tensors["speech_frames"]
    clip.emotion_frames = tensors.get("emotion_frames")
    clip.prosody = tensors["prosody"].numpy() if "prosody" in tensors else None
    return Prepared(example, clip, summary.descriptor, cues, duration, speech, baseline.name)


def prepare_all_examples(
    examples: list[Example],
    model: EmoReasoner,
    cache: FeatureCache,
    say: Callable[[str], None] = print,
    population_share: float = 0.0,
) -> list[Prepared]:
    """Prepared examples, each against its speaker's baseline (population priors for the
    ``population_share`` of speakers); any that cannot be decoded or analysed is reported
    and left out."""
    baselines = speaker_baselines(examples, cache, population_share)
    prepared, started = [], time.perf_counter()
    for index, example in enumerate(examples, 1):
        try:
            prepared.append(prepare(example, model, cache, baselines.get(example.speaker)))
        except AudioError as err:
            say(f"skipped {example.source or example.id}: {err}")
        if index % 50 == 0 or index == len(examples):
            say(
                f"prepared {index}/{len(examples)} examples ({time.perf_counter() - started:.0f} s)"
            )
    return prepared
