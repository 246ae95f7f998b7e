"""The prosody emotion encoder and its frame features.

Features, one row per 10 ms (Whisper's log-mel frame layout, centred frames):

| columns | feature | scaling |
| --- | --- | --- |
| 0-79 | log-mel power (dB) | per-clip mean and SD removed: spectral shape, not level |
| 80 | F0, semitones re the speaker's reference | / 6, 0 where unvoiced |
| 81 | voiced (0/1) | |
| 82 | voicing strength r | |
| 83 | intensity (dB re 2e-5 Pa) | (dB - 60) / 20: level is kept here |
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from model_core.acoustics.analysis import AcousticAnalysis
from model_core.acoustics.spectrogram import LogMelSettings, log_mel_spectrogram
from model_core.model.config import ProsodyEncoderConfig

N_MELS = 80
N_FEATURES = N_MELS + 4
FRAME_RATE = 100.0  # input frames per second
SEMITONE_SCALE = 6.0
INTENSITY_CENTRE, INTENSITY_SCALE = 60.0, 20.0


def _on_grid(
    track_times: np.ndarray, values: np.ndarray, grid: np.ndarray, fill: float
) -> np.ndarray:
    """Nearest-frame lookup of a track on another time grid (``fill`` outside or at NaN)."""
    if len(track_times) == 0:
        return np.full(len(grid), fill)
    step = track_times[1] - track_times[0] if len(track_times) > 1 else 1.0
    index = np.rint((grid - track_times[0]) / step).astype(int)
    inside = (index >= 0) & (index < len(track_times))
    out = np.full(len(grid), fill)
    picked = values[np.clip(index, 0, len(track_times) - 1)]
    out[inside] = np.where(np.isfinite(picked[inside]), picked[inside], fill)
    return out


def prosody_features(
    samples: np.ndarray, sample_rate: int, analysis: AcousticAnalysis, f0_reference_hz: float
) -> np.ndarray:
    """Frame features of one clip.

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples,)
        Mono 16 kHz samples of the analysed clip.
    analysis : AcousticAnalysis
        Its acoustic tracks (times relative to ``analysis.offset``).
    f0_reference_hz : float
        The speaker's F0 reference (see :class:`model_core.cues.SpeakerBaseline`).

    Returns
    -------
    np.ndarray, shape (n_frames, 84), float32
    """
    mel = log_mel_spectrogram(samples, sample_rate, LogMelSettings()).values
    mel = (mel - mel.mean()) / (mel.std() + 1e-5)
    grid = analysis.offset + np.arange(len(mel)) / FRAME_RATE
    f0 = _on_grid(analysis.pitch.times, analysis.pitch.values, grid, np.nan)
    voiced = np.isfinite(f0)
    semitones = np.zeros(len(grid))
    semitones[voiced] = 12.0 * np.log2(f0[voiced] / f0_reference_hz) / SEMITONE_SCALE
    strength = _on_grid(analysis.voicing.times, analysis.voicing.values, grid, 0.0)
    intensity = _on_grid(analysis.intensity.times, analysis.intensity.values, grid, 0.0)
    intensity = np.where(intensity > 0, (intensity - INTENSITY_CENTRE) / INTENSITY_SCALE, -3.0)
    extra = np.stack([semitones, voiced.astype(float), strength, intensity], axis=1)
    return np.concatenate([mel, extra], axis=1).astype(np.float32)


class ProsodyEncoder(nn.Module):
    """Linear input, two strided convolutions (x4 in time), a small Transformer encoder."""

    def __init__(self, config: ProsodyEncoderConfig, n_features: int = N_FEATURES):
        super().__init__()
        self.config = config
        d = config.d_model
        self.input = nn.Linear(n_features, d)
        stride = max(1, round(math.sqrt(config.conv_stride)))
        self.strides = (stride, max(1, config.conv_stride // stride))
        self.convs = nn.ModuleList(nn.Conv1d(d, d, 5, stride=s, padding=2) for s in self.strides)
        layer = nn.TransformerEncoderLayer(
            d,
            config.heads,
            4 * d,
            config.dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.transformer = nn.TransformerEncoder(layer, config.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)

    @property
    def frame_rate(self) -> float:
        """Output frames per second."""
        return FRAME_RATE / (self.strides[0] * self.strides[1])

    @property
    def output_dim(self) -> int:
        return self.config.d_model

    def forward(
        self, features: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """
        Parameters
        ----------
        features : Tensor, shape (batch, n_frames, 84)
        mask : Tensor, shape (batch, n_frames), bool

        Returns
        -------
        hidden : Tensor, shape (batch, n_frames / conv_stride, d_model)
        mask : Tensor, same leading shape, bool
        """
        x = self.input(features) * mask.unsqueeze(-1)
        x = x.transpose(1, 2)  # (B, d, T)
        for conv, stride in zip(self.convs, self.strides, strict=True):
            x = nn.functional.gelu(conv(x))
            mask = _downsample_mask(mask, stride, x.shape[-1])
            x = x * mask.unsqueeze(1)  # padded frames stay zero, as in an unpadded clip
        x = x.transpose(1, 2)
        x = x + _sinusoids(x.shape[1], x.shape[2], x.device, x.dtype)
        x = self.transformer(x, src_key_padding_mask=~mask)
        return self.norm(x) * mask.unsqueeze(-1), mask


def _downsample_mask(mask: torch.Tensor, stride: int, length: int) -> torch.Tensor:
    """A strided frame is valid when the input frame at its centre is valid."""
    return mask[:, ::stride][:, :length]


def _sinusoids(length: int, dim: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    position = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)
    scale = torch.exp(
        torch.arange(0, dim, 2, device=device, dtype=torch.float32) * (-math.log(1e4) / dim)
    )
    table = torch.zeros(length, dim, device=device)
    table[:, 0::2] = torch.sin(position * scale)
    table[:, 1::2] = torch.cos(position * scale[: dim // 2])
    return table.to(dtype)
