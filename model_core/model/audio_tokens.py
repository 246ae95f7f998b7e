"""The audio tokens a batch of clips gives the LLM, after the encoders and adapters."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class EncodedAudio:
    """LLM-space audio tokens of a batch: (B, N, H) each, with (B, N) masks."""

    speech: torch.Tensor
    speech_mask: torch.Tensor
    emotion: torch.Tensor
    emotion_mask: torch.Tensor

    def tokens_of(self, i: int) -> torch.Tensor:
        """The valid speech then emotion tokens of clip ``i``, shape (n_i, H)."""
        return torch.cat(
            [self.speech[i][self.speech_mask[i]], self.emotion[i][self.emotion_mask[i]]]
        )

    def rows(self, indices: list[int]) -> EncodedAudio:
        """The tokens of the clips at ``indices`` only (a second generation pass)."""
        return EncodedAudio(
            self.speech[indices],
            self.speech_mask[indices],
            self.emotion[indices],
            self.emotion_mask[indices],
        )
