"""The audio encoders: Whisper (semantic, frozen) and pluggable emotion encoders.

Whisper's encoder takes 30 s of log-mel (3000 frames, padded) and gives 1500 frames of
20 ms; only the frames of real audio are kept, and longer clips are cut into windows
whose frames are joined again. Pretrained audio encoders of the wav2vec2 family
(wav2vec2, HuBERT, WavLM) take the waveform and run one clip at a time, so padding can
never change a clip's frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

WHISPER_RATE = 16_000
WHISPER_WINDOW_SECONDS = 30.0
WHISPER_FRAME_RATE = 50.0  # encoder frames per second
BOUNDARY_SEARCH_SECONDS = 2.0  # a long clip is cut at the quietest 20 ms within this
QUIET_FRAME = 320  # samples (20 ms)


def split_windows(
    samples: np.ndarray, rate: int = WHISPER_RATE, window_seconds: float = WHISPER_WINDOW_SECONDS
) -> list[tuple[int, np.ndarray]]:
    """Cut a clip into windows of at most ``window_seconds``, each cut at a quiet moment.

    Returns
    -------
    list of (start_sample, samples)
    """
    limit = int(window_seconds * rate)
    windows, start = [], 0
    while len(samples) - start > limit:
        search = int(BOUNDARY_SEARCH_SECONDS * rate)
        region = samples[start + limit - search : start + limit]
        frames = len(region) // QUIET_FRAME
        energy = (region[: frames * QUIET_FRAME].reshape(frames, QUIET_FRAME) ** 2).sum(axis=1)
        cut = start + limit - search + (int(np.argmin(energy)) + 1) * QUIET_FRAME
        windows.append((start, samples[start:cut]))
        start = cut
    windows.append((start, samples[start:]))
    return windows


@dataclass
class WhisperInputs:
    """Log-mel windows of a batch of clips."""

    features: torch.Tensor  # (n_windows, n_mels, 3000)
    attention_mask: torch.Tensor  # (n_windows, 3000): real audio frames
    owners: list[int]  # clip index of each window
    valid_frames: list[int]  # encoder frames of real audio in each window
    starts: list[float]  # window start within its clip, s
    durations: list[float]  # window length, s
    # The label head's encoder layer (n_windows, 1500, d), kept by the same encoder pass.
    head_states: torch.Tensor | None = None


def whisper_inputs(clips: list[np.ndarray], feature_extractor) -> WhisperInputs:
    """Windows of every clip, as Whisper log-mel features (30 s, zero-padded)."""
    chunks, owners, valid, starts = [], [], [], []
    for index, samples in enumerate(clips):
        for start, window in split_windows(samples):
            chunks.append(window)
            owners.append(index)
            valid.append(max(1, math.ceil(len(window) / WHISPER_RATE * WHISPER_FRAME_RATE)))
            starts.append(start / WHISPER_RATE)
    extracted = feature_extractor(
        chunks, sampling_rate=WHISPER_RATE, return_tensors="pt", return_attention_mask=True
    )
    durations = [len(chunk) / WHISPER_RATE for chunk in chunks]
    return WhisperInputs(
        extracted.input_features, extracted.attention_mask, owners, valid, starts, durations
    )


def join_windows(
    hidden: torch.Tensor, inputs: WhisperInputs, n_clips: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-clip frames from per-window encoder output.

    Parameters
    ----------
    hidden : Tensor, shape (n_windows, 1500, d)

    Returns
    -------
    frames : Tensor, shape (n_clips, max_frames, d); mask : Tensor, shape (n_clips, max_frames)
    """
    per_clip: list[list[torch.Tensor]] = [[] for _ in range(n_clips)]
    for window, (owner, valid) in enumerate(zip(inputs.owners, inputs.valid_frames, strict=True)):
        per_clip[owner].append(hidden[window, :valid])
    return pad_frames([torch.cat(parts) for parts in per_clip])


def pad_frames(sequences: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad (n_i, d) tensors to (batch, max_n, d) with a validity mask."""
    longest = max(len(s) for s in sequences)
    frames = sequences[0].new_zeros(len(sequences), longest, sequences[0].shape[-1])
    mask = torch.zeros(len(sequences), longest, dtype=torch.bool, device=frames.device)
    for i, sequence in enumerate(sequences):
        frames[i, : len(sequence)] = sequence
        mask[i, : len(sequence)] = True
    return frames, mask


class WaveformEncoder(nn.Module):
    """A wav2vec2-family encoder (wav2vec2, HuBERT, WavLM) on raw 16 kHz audio."""

    def __init__(self, model: nn.Module, normalize: bool = True):
        super().__init__()
        self.model = model
        self.normalize = normalize
        strides = getattr(model.config, "conv_stride", (320,))
        self.frame_rate = WHISPER_RATE / float(np.prod(strides))

    @property
    def output_dim(self) -> int:
        return int(self.model.config.hidden_size)

    def forward(self, clips: list[np.ndarray], device, dtype) -> tuple[torch.Tensor, torch.Tensor]:
        outputs = []
        for samples in clips:  # one at a time: padding would change group-normed encoders
            x = torch.as_tensor(samples, dtype=torch.float32)
            if self.normalize:
                x = (x - x.mean()) / torch.sqrt(x.var() + 1e-7)
            hidden = self.model(x.to(device=device, dtype=dtype)[None]).last_hidden_state[0]
            outputs.append(hidden)
        return pad_frames(outputs)


class WhisperEmotionEncoder(nn.Module):
    """A Whisper encoder used as the emotion encoder (frozen): 30 s windows, real frames only."""

    frame_rate = WHISPER_FRAME_RATE

    def __init__(self, encoder: nn.Module, feature_extractor):
        super().__init__()
        self.encoder = encoder
        self.feature_extractor = feature_extractor

    @property
    def output_dim(self) -> int:
        return int(self.encoder.config.d_model)

    def forward(self, clips: list[np.ndarray], device, dtype) -> tuple[torch.Tensor, torch.Tensor]:
        inputs = whisper_inputs(
            [np.asarray(c, dtype=np.float32) for c in clips], self.feature_extractor
        )
        hidden = self.encoder(inputs.features.to(device, dtype)).last_hidden_state
        return join_windows(hidden, inputs, len(clips))
