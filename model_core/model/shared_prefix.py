"""A batch's shared prompt prefix, run through the LLM once (issue 16, item 4).

Every prompt of a batch opens with the same tokens: the system prompt and the start of the
user turn, about 40 of the 120 or so tokens of a 3-s clip's rationale prompt. Their keys
and values do not depend on what follows, so they are computed once, for one row, and
the cache is repeated for the batch; only each row's own part runs per row.

The rows are laid out ``[shared prefix][left padding][row's own tokens]``: the attention
mask hides the padding, and transformers' ``generate`` numbers positions from the mask's
running sum, so every real token keeps the position it has in the unshared layout.
"""

from __future__ import annotations

from typing import Any

import torch

# Below this, one more LLM call costs more than the rows' shared tokens save.
MIN_SHARED_TOKENS = 8


def shared_prefix_length(token_ids: list[list[int]]) -> int:
    """Length of the longest run of token ids every row starts with.

    Parameters
    ----------
    token_ids : list of list of int
        Each row's ids up to where rows may first differ (e.g. the prompt before the audio).
    """
    if not token_ids:
        return 0
    shortest = min(len(ids) for ids in token_ids)
    for position in range(shortest):
        token = token_ids[0][position]
        if any(ids[position] != token for ids in token_ids[1:]):
            return position
    return shortest


def run_shared_prefix(
    llm: Any, rows: list[torch.Tensor], shared: int
) -> tuple[torch.Tensor, torch.Tensor, Any]:
    """The shared prefix's key/value cache for the batch, and the batch laid out after it.

    Parameters
    ----------
    llm : transformers causal LM (or its peft wrapper)
    rows : list of Tensor, shape (L_i, H)
        Each row's input embeddings; the first ``shared`` are the same in every row.
    shared : int
        Tokens of the shared prefix, ``0 < shared < min(L_i)``.

    Returns
    -------
    embeds : Tensor, shape (n_rows, shared + P, H)
        The prefix, then each row's own tokens left-padded to the longest (P).
    mask : Tensor, shape (n_rows, shared + P)
        1 for real tokens (the prefix's included), 0 for padding.
    cache : transformers Cache
        The prefix's keys and values, repeated for every row (sequence length ``shared``).
    """
    if not 0 < shared < min(len(row) for row in rows):
        raise ValueError(f"a shared prefix of {shared} tokens leaves a row nothing of its own")
    prefix = rows[0][:shared]
    output = llm(inputs_embeds=prefix[None], use_cache=True)
    cache = output.cache
    cache.batch_repeat_interleave(len(rows))
    longest = max(len(row) for row in rows) - shared
    embeds = prefix.new_zeros(len(rows), shared + longest, prefix.shape[-1])
    mask = torch.zeros(len(rows), shared + longest, dtype=torch.long, device=prefix.device)
    embeds[:, :shared], mask[:, :shared] = prefix, 1
    for index, row in enumerate(rows):
        start = shared + longest - (len(row) - shared)  # left padding after the prefix
        embeds[index, start:], mask[index, start:] = row[shared:], 1
    return embeds, mask, cache
