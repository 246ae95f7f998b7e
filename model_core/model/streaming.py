"""Streaming generated text to a callback, one delta per clip as tokens arrive."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from transformers.generation.streamers import BaseStreamer

if TYPE_CHECKING:
    import torch


class CallbackStreamer(BaseStreamer):
    """Decodes each row's tokens so far and calls ``callback(row, new_text)``.

    transformers' own streamers handle one row; this one handles a batch. With
    ``inputs_embeds`` there is no prompt to skip: every ``put`` holds new tokens.
    """

    def __init__(self, tokenizer: Any, rows: int, callback: Callable[[int, str], None]):
        self.tokenizer = tokenizer
        self.callback = callback
        self.tokens: list[list[int]] = [[] for _ in range(rows)]
        self.emitted = [""] * rows
        self.finished = [False] * rows

    def put(self, value: torch.Tensor) -> None:
        if value.numel() == 0:
            return  # the (empty) prompt ids that generate() hands over first
        values = value.reshape(len(self.tokens), -1).tolist()
        for row, new in enumerate(values):
            if self.finished[row]:
                continue
            if self.tokenizer.eos_token_id in new:
                new = new[: new.index(self.tokenizer.eos_token_id)]
                self.finished[row] = True
            self.tokens[row].extend(new)
            self._emit(row)

    def _emit(self, row: int, final: bool = False) -> None:
        text = self.tokenizer.decode(self.tokens[row], skip_special_tokens=True)
        if text.endswith("\ufffd") and not final:
            return  # half of a multi-byte character: wait for the rest
        delta = text[len(self.emitted[row]) :]
        if delta:
            self.emitted[row] = text
            self.callback(row, delta)

    def end(self) -> None:
        for row in range(len(self.tokens)):
            self._emit(row, final=True)
