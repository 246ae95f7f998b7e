"""The audio encoders: Whisper (semantic, frozen) and pluggable emotion encoders.

Whisper's encoder was trained on 30 s of log-mel (3000 frames, padded) and gives 1500
frames of 20 ms; only the frames of real audio are kept, and longer clips are cut into
windows whose frames are joined again. Two contexts (:data:`WHISPER_CONTEXTS`):
``padded`` runs every window padded to 30 s, as Whisper was trained; ``clip`` runs a
window on its own frames only (the positional embeddings sliced, padded frames of a
batch masked out of attention), about 7x faster for a 3-s clip. The states differ
between the two, so a model records which one its adapters and head were trained on.

Pretrained audio encoders of the wav2vec2 family (wav2vec2, HuBERT, WavLM) take the
waveform and run one clip at a time, so padding can never change a clip's frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from model_core.model.config import WHISPER_CONTEXTS

if TYPE_CHECKING:
    from transformers import PreTrainedModel
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

WHISPER_RATE = 16_000
WHISPER_WINDOW_SECONDS = 30.0
WHISPER_FRAME_RATE = 50.0  # encoder frames per second
BOUNDARY_SEARCH_SECONDS = 2.0  # a long clip is cut at the quietest 20 ms within this
QUIET_FRAME = 320  # samples (20 ms)
MEL_FRAMES_PER_ENCODER_FRAME = 2  # the encoder's second convolution has stride 2
CONTEXT_STEP = 50  # encoder frames: a clip's context is a whole number of seconds
ALL_LAYERS = -1  # run_whisper_encoder's layer that keeps every layer's states


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

    features: torch.Tensor  # (n_windows, n_mels, M): M = 3000, or the longest window's own
    attention_mask: torch.Tensor  # (n_windows, M): real audio frames
    owners: list[int]  # clip index of each window
    valid_frames: list[int]  # encoder frames of real audio in each window
    starts: list[float]  # window start within its clip, s
    durations: list[float]  # window length, s
    # The label head's encoder layer (n_windows, M / 2, d), kept by the same encoder pass.
    head_states: torch.Tensor | None = None
    context: str = "padded"  # one of WHISPER_CONTEXTS
    heard_frames: list[int] | None = None  # encoder frames in each window's context


def whisper_inputs(
    clips: list[np.ndarray],
    feature_extractor: Any,
    context: str = "padded",
    tail_s: float = 0.0,
) -> WhisperInputs:
    """Windows of every clip, as Whisper log-mel features.

    ``context`` ``padded``: each window zero-padded to 30 s (3000 frames). ``clip``: a
    window's own frames (2 per encoder frame) and ``tail_s`` seconds of the padding after
    them (what Whisper hears as the end of speech), rounded up to whole seconds
    (:data:`CONTEXT_STEP`) and at most 30 s; the batch is cut after
    the longest, and each shorter window's frames past its context are set to zero (what
    the first convolution's zero padding would read), so a clip's states do not depend
    on its batch.
    """
    if context not in WHISPER_CONTEXTS:
        raise ValueError(f"Whisper context must be one of {WHISPER_CONTEXTS}, not {context!r}")
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
    features, mask = extracted.input_features, extracted.attention_mask
    full = features.shape[-1] // MEL_FRAMES_PER_ENCODER_FRAME
    heard = [full] * len(valid)  # encoder frames each window's context holds
    if context == "clip":
        tail = math.ceil(tail_s * WHISPER_FRAME_RATE)
        # Rounded up to whole seconds: windows of one length decode together (Whisper's
        # decoder has no mask for the encoder's frames), and there are few lengths.
        heard = [min(full, -(-(v + tail) // CONTEXT_STEP) * CONTEXT_STEP) for v in valid]
        longest = MEL_FRAMES_PER_ENCODER_FRAME * max(heard)
        features, mask = features[:, :, :longest].clone(), mask[:, :longest]
        for row, frames in enumerate(heard):
            features[row, :, MEL_FRAMES_PER_ENCODER_FRAME * frames :] = 0.0
    return WhisperInputs(
        features, mask, owners, valid, starts, durations, context=context, heard_frames=heard
    )


def select_windows(inputs: WhisperInputs, windows: list[int]) -> WhisperInputs:
    """Some windows of ``inputs`` (by index), their features cut after the longest
    context among them (``clip``), so a group of short windows runs short."""
    heard = [inputs.heard_frames[w] for w in windows] if inputs.heard_frames else None
    frames = inputs.features.shape[-1]
    if inputs.context == "clip" and heard:
        frames = MEL_FRAMES_PER_ENCODER_FRAME * max(heard)
    index = torch.tensor(windows, dtype=torch.long)
    return WhisperInputs(
        inputs.features[index, :, :frames],
        inputs.attention_mask[index, :frames],
        [inputs.owners[w] for w in windows],
        [inputs.valid_frames[w] for w in windows],
        [inputs.starts[w] for w in windows],
        [inputs.durations[w] for w in windows],
        context=inputs.context,
        heard_frames=heard,
    )


def run_whisper_encoder(
    encoder: WhisperEncoder,
    inputs: WhisperInputs,
    device: torch.device,
    dtype: torch.dtype,
    layer: int | None = None,
    to_the_end: bool = True,
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Whisper's encoder on a group of windows in their context.

    Parameters
    ----------
    encoder : WhisperEncoder
    inputs : WhisperInputs
        The windows (all of ``inputs.features`` are run: split a batch beforehand).
    layer : int, optional
        Also return the states after this encoder layer (1-based; 0: the embeddings), or
        of every layer (:data:`ALL_LAYERS`: shape (L + 1, n_windows, M / 2, d), the
        embeddings first; what the label head's training compares layers on).
    to_the_end : bool
        False: stop after ``layer`` (what a label head alone needs: half of Whisper
        tiny.en's four layers for the default's head); the final states are then None.

    Returns
    -------
    states : Tensor, shape (n_windows, M / 2, d), or None
        After the final layer norm.
    layer_states : Tensor of the same shape, or None
    """
    if not to_the_end and layer is None:
        raise ValueError("stopping early needs the layer to stop after")
    features = inputs.features.to(device, dtype)
    if inputs.context == "padded" and to_the_end and layer != ALL_LAYERS:
        output = encoder(features, output_hidden_states=layer is not None)
        return output.last_hidden_state, None if layer is None else output.hidden_states[layer]
    # The encoder's own forward refuses anything but 3000 frames and runs every layer;
    # this is the same computation on fewer frames or layers: convolutions, the first
    # positions' embeddings, the layers (a full padded window: exactly Whisper's own).
    hidden = nn.functional.gelu(encoder.conv1(features))
    hidden = nn.functional.gelu(encoder.conv2(hidden)).permute(0, 2, 1)
    hidden = hidden + encoder.embed_positions.weight[: hidden.shape[1]]
    heard = inputs.heard_frames or inputs.valid_frames
    if inputs.context == "padded":
        heard = [hidden.shape[1]] * len(heard)  # a padded window attends to its padding
    mask = _key_mask(heard, hidden.shape[1], hidden.dtype, hidden.device)
    every = [hidden]
    layers = encoder.layers if to_the_end or layer == ALL_LAYERS else encoder.layers[:layer]
    for encoder_layer in layers:
        output = encoder_layer(hidden, mask)
        hidden = output[0] if isinstance(output, tuple) else output
        every.append(hidden)
    kept = torch.stack(every) if layer == ALL_LAYERS else None if layer is None else every[layer]
    return (encoder.layer_norm(hidden) if to_the_end else None), kept


def _key_mask(
    valid: list[int], frames: int, dtype: torch.dtype, device: torch.device
) -> torch.Tensor | None:
    """Additive attention mask (n, 1, frames, frames) hiding each window's padded frames
    from every query; None when no window is padded (the fast attention path)."""
    if all(v >= frames for v in valid):
        return None
    keys = (
        torch.arange(frames, device=device)[None, :] < torch.tensor(valid, device=device)[:, None]
    )
    mask = torch.zeros(len(valid), 1, frames, frames, dtype=dtype, device=device)
    return mask.masked_fill(~keys[:, None, None, :], torch.finfo(dtype).min)


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

    def __init__(self, model: PreTrainedModel, normalize: bool = True):
        super().__init__()
        self.model = model
        self.normalize = normalize
        strides = getattr(model.config, "conv_stride", (320,))
        self.frame_rate = WHISPER_RATE / float(np.prod(strides))

    @property
    def output_dim(self) -> int:
        return int(self.model.config.hidden_size)

    def forward(
        self, clips: list[np.ndarray], device: torch.device, dtype: torch.dtype
    ) -> tuple[torch.Tensor, torch.Tensor]:
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

    def __init__(self, encoder: WhisperEncoder, feature_extractor: Any):
        super().__init__()
        self.encoder = encoder
        self.feature_extractor = feature_extractor

    @property
    def output_dim(self) -> int:
        return int(self.encoder.config.d_model)

    def forward(
        self, clips: list[np.ndarray], device: torch.device, dtype: torch.dtype
    ) -> tuple[torch.Tensor, torch.Tensor]:
        inputs = whisper_inputs(
            [np.asarray(c, dtype=np.float32) for c in clips], self.feature_extractor
        )
        hidden = self.encoder(inputs.features.to(device, dtype)).last_hidden_state
        return join_windows(hidden, inputs, len(clips))
