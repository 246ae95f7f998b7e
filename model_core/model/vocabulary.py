"""Vocabulary-constrained decoding of rationales (issue 30).

A 135M-parameter LLM that has learnt to reason over the evidence table still invents words
now and then: a clinical sign ("shaky"), a description no measure checks ("warm"), a quote
of words nobody said. Constrained decoding removes the chance: at every step the LLM may
choose only tokens of

- :data:`RATIONALE_WORDS`: every wording the composer uses (its sentence frames, the cue
  catalog's phrases, the baselines' words), i.e. the language of the targets it learnt;
- the clip's own text: its evidence table and transcript (the words it may quote);
- digits, punctuation and the end of the answer.

Tokens, not word sequences, are constrained, so the model can still say "the voice is
loud" in its own order; what it cannot do is reach for a word outside what was measured
or said. :class:`VocabularyConstraint` is a transformers ``LogitsProcessor``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

import torch
from transformers import LogitsProcessor

from model_core.cues.baseline import reference_words
from model_core.cues.catalog import CATALOG
from model_core.emotions import EMOTIONS
from model_core.rationale import compose


def _composer_texts() -> list[str]:
    """Every sentence frame of the composer (its upper-case str and tuple-of-str constants)."""
    texts: list[str] = []
    for name, value in vars(compose).items():
        if not name.isupper():
            continue
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple | frozenset) and all(isinstance(v, str) for v in value):
            texts.extend(value)
    return texts


def _catalog_texts() -> list[str]:
    texts: list[str] = []
    for spec in CATALOG:
        for phrases in spec.phrases.values():
            texts.extend(phrases)
        texts.extend(spec.hedged.values())
        if spec.typical:
            texts.append(spec.typical)
    return texts


RATIONALE_WORDS: tuple[str, ...] = tuple(
    _composer_texts()
    + _catalog_texts()
    + [reference_words(name) for name in ("speaker", "population (female)", "population (male)")]
    + list(EMOTIONS)
    + ["semitones", "about", "well", "above", "below", "slightly"]
)
SYMBOLS = string.punctuation + string.digits + " \n"


def _ids_of(tokenizer: Any, texts: Iterable[str]) -> set[int]:
    """The tokens of each text as written, and of each of its words alone, bare, after a
    space and capitalised (a word starts a sentence, or follows another)."""
    ids: set[int] = set()
    for text in texts:
        ids.update(tokenizer(text, add_special_tokens=False)["input_ids"])
        for word in text.split():
            for form in {word, " " + word, word.capitalize(), " " + word.capitalize()}:
                ids.update(tokenizer(form, add_special_tokens=False)["input_ids"])
    return ids


class VocabularyConstraint(LogitsProcessor):
    """Masks every token outside a row's vocabulary (see the module docstring).

    Parameters
    ----------
    tokenizer
        The LLM's tokenizer.
    texts : list of str
        One text per generated row: the clip's evidence table and transcript.
    """

    def __init__(self, tokenizer: Any, texts: list[str]):
        base = _ids_of(tokenizer, RATIONALE_WORDS) | _ids_of(tokenizer, SYMBOLS)
        base |= {i for i in (tokenizer.eos_token_id, tokenizer.pad_token_id) if i is not None}
        size = len(tokenizer)
        self.allowed = torch.zeros(len(texts), size, dtype=torch.bool)
        for row, text in enumerate(texts):
            ids = sorted(base | _ids_of(tokenizer, [text]))
            self.allowed[row, ids] = True

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.Tensor:
        allowed = self.allowed[:, : scores.shape[-1]].to(scores.device)
        if allowed.shape[-1] < scores.shape[-1]:  # the model's vocabulary is padded
            pad = torch.zeros(len(allowed), scores.shape[-1] - allowed.shape[-1], dtype=torch.bool)
            allowed = torch.cat([allowed, pad.to(scores.device)], dim=-1)
        return scores.masked_fill(~allowed, float("-inf"))
