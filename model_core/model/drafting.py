"""Drafts of rationales, with the review as the verifier (issue 30).

Best of k without paying for k drafts of every clip: the model first writes one greedy
draft per clip (the single most likely text, usually its best); only the clips whose draft
the review rejects get k - 1 sampled drafts, in one second batch. On the judged clips this
costs about one greedy pass plus a sampled pass over the rejected share, where k sampled
drafts of every clip cost a batch k times as large.

Nothing here imports torch: the model's ``generate`` does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model_core.model.audio_tokens import EncodedAudio
    from model_core.model.prompts import Prompt
    from model_core.model.reasoner import ClipInput, EmoReasoner


def draft_rationales(
    model: EmoReasoner,
    clips: Sequence[ClipInput],
    prompts: Sequence[Prompt],
    *,
    prefixes: Sequence[str],
    accepted: Callable[[int, str], bool],
    drafts: int = 1,
    audio: EncodedAudio | None = None,
    on_text: Callable[[int, str], None] | None = None,
    vocabulary: Sequence[str] | None = None,
) -> list[list[str]]:
    """Each clip's drafts, the greedy one first.

    Parameters
    ----------
    model : EmoReasoner
    clips, prompts, prefixes : sequences of length B
        As for :meth:`EmoReasoner.generate`.
    accepted : callable
        ``accepted(i, text)``: whether the review accepts ``text`` as clip ``i``'s rationale.
    drafts : int
        k, 1 to :data:`model_core.model.reasoner.MAX_DRAFTS`: at most this many drafts per
        clip (1: the greedy draft only).
    audio : EncodedAudio, optional
        The clips' audio tokens (computed when not given).
    on_text : callable, optional
        Streams the greedy drafts (``on_text(i, delta)``); sampled ones are not streamed.
    vocabulary : sequence of str, optional
        Per clip, for vocabulary-constrained decoding.

    Returns
    -------
    list of list of str
        B lists: the greedy draft, then (for a rejected one) up to k - 1 sampled drafts.
    """
    audio = audio if audio is not None else model.encode(list(clips))
    greedy = model.generate(
        list(clips),
        list(prompts),
        prefixes=list(prefixes),
        on_text=on_text,
        audio=audio,
        vocabulary=list(vocabulary) if vocabulary is not None else None,
    )
    found = [[text.strip()] for text in greedy]
    rejected = [i for i, texts in enumerate(found) if not accepted(i, texts[0])]
    more = drafts - 1
    if not rejected or more < 1:
        return found
    sampled = model.generate(
        [clips[i] for i in rejected],
        [prompts[i] for i in rejected],
        prefixes=[prefixes[i] for i in rejected],
        audio=audio.rows(rejected),
        drafts=more,
        sample=True,
        vocabulary=[vocabulary[i] for i in rejected] if vocabulary is not None else None,
    )
    for row, i in enumerate(rejected):
        found[i] += [text.strip() for text in sampled[row * more : (row + 1) * more]]
    return found
