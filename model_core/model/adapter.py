"""From encoder frames to LLM tokens: mask-aware pooling, frame stacking, an MLP adapter."""

from __future__ import annotations

import math

import torch
from torch import nn

SECONDS_PER_BUDGET = 30.0  # token budgets are given per 30 s of audio, as in the paper


def frames_per_token(frames_per_second: float, tokens_per_30s: int) -> int:
    """How many encoder frames one LLM token summarises (at least 1)."""
    return max(1, round(frames_per_second * SECONDS_PER_BUDGET / tokens_per_30s))


class FrameCompressor(nn.Module):
    """Average ``pool`` frames, then concatenate ``stack`` pooled frames into one token.

    One token covers ``pool * stack`` encoder frames; a clip of ``n`` valid frames gives
    ``ceil(n / (pool * stack))`` tokens, so short clips get few tokens, never 30 s of
    padding. Padded frames never enter a valid token's average.
    """

    def __init__(self, frames_per_token: int, stack: int):
        super().__init__()
        self.stack = max(1, min(stack, frames_per_token))
        self.pool = max(1, round(frames_per_token / self.stack))

    @property
    def frames_per_token(self) -> int:
        return self.pool * self.stack

    def forward(
        self, frames: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """
        Parameters
        ----------
        frames : Tensor, shape (batch, n_frames, dim)
        mask : Tensor, shape (batch, n_frames), bool: True on valid frames

        Returns
        -------
        tokens : Tensor, shape (batch, n_tokens, stack * dim)
        token_mask : Tensor, shape (batch, n_tokens), bool
        """
        batch, n_frames, dim = frames.shape
        span = self.frames_per_token
        n_tokens = max(1, math.ceil(n_frames / span))
        padding = n_tokens * span - n_frames
        weights = mask.to(frames.dtype).unsqueeze(-1)
        frames = nn.functional.pad(frames * weights, (0, 0, 0, padding))
        weights = nn.functional.pad(weights, (0, 0, 0, padding))
        sums = frames.view(batch, n_tokens * self.stack, self.pool, dim).sum(dim=2)
        counts = weights.view(batch, n_tokens * self.stack, self.pool, 1).sum(dim=2)
        pooled = sums / counts.clamp(min=1.0)
        tokens = pooled.view(batch, n_tokens, self.stack * dim)
        token_mask = counts.view(batch, n_tokens, self.stack).sum(dim=-1) > 0
        return tokens, token_mask


class MLPAdapter(nn.Module):
    """Two hidden layers with SiLU, as in the paper: in -> hidden -> hidden -> out."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, out_dim),
        )

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.layers(tokens)
        return out


class Branch(nn.Module):
    """Compressor + adapter of one encoder: frames (B, T, d) -> LLM embeddings (B, N, H)."""

    def __init__(
        self, encoder_dim: int, frames_per_token: int, stack: int, hidden: int, llm_dim: int
    ):
        super().__init__()
        self.compressor = FrameCompressor(frames_per_token, stack)
        self.adapter = MLPAdapter(self.compressor.stack * encoder_dim, hidden, llm_dim)

    def forward(
        self, frames: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        tokens, token_mask = self.compressor(frames, mask)
        return self.adapter(tokens.to(self.adapter.layers[0].weight.dtype)), token_mask
