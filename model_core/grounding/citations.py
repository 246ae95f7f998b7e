"""Citations: each claim of a rationale, tied to its time spans and checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from model_core.cues.summary import CueLike, cues_of
from model_core.grounding.claims import Claim, extract_claims
from model_core.grounding.stance import AGAINST, SUPPORT, cue_stance, presented_as
from model_core.grounding.unchecked import unchecked_spans
from model_core.grounding.verdicts import (
    NOT_FOUND,
    SUPPORTED,
    TRANSCRIPT_UNRELIABLE,
    UNCHECKED,
    judge,
)
from model_core.grounding.words import find_quote, transcript_tokens
from model_core.reliability import is_doubted


@dataclass(frozen=True)
class Citation:
    """One checked claim.

    Attributes
    ----------
    text : str
        The claim's words in the rationale, ``rationale[start_char:end_char]``.
    start_char, end_char : int
        Character span in the rationale.
    kind : str
        ``"word"``, the aspect of the voice (``pitch``, ``loudness``, ``rate``, ...), or
        ``"unchecked"`` for a description of the voice the lexicon does not know.
    claim : str
        Normalised claim, e.g. ``pitch: high``, ``loudness: not loud``, ``word: "stop"``,
        ``unchecked: the voice is very unsteady``.
    verdict : str
        ``supported``, ``contradicted``, ``not measurable``, ``not found`` (a quote the
        transcript does not hold), ``transcript unreliable`` (a quote of a transcript the
        recogniser doubts) or ``unchecked``.
    spans : list of (start, end)
        Seconds: the quoted words, or where the cue is most expressed.
    evidence : str
        The measurement behind the verdict, e.g. ``intensity mean 78.2 dB, z +1.4, high``.
    cue : str or None
        The cue that was checked (``intensity_mean``), None for words.
    stance : str or None
        For acoustic claims: ``for``, ``against`` or ``neutral``, whether the measured cue
        speaks for the label (see :mod:`model_core.grounding.stance`); None for words and
        when no label was given.
    presented_as : str or None
        For acoustic claims: ``support`` or ``counter``, how the rationale frames it.
    stance_reason : str
        Why the stance is what it is (the label's expectation and the measured z).
    """

    text: str
    start_char: int
    end_char: int
    kind: str
    claim: str
    verdict: str
    spans: list[tuple[float, float]] = field(default_factory=list)
    evidence: str = ""
    cue: str | None = None
    stance: str | None = None
    presented_as: str | None = None
    stance_reason: str = ""

    @property
    def inconsistent(self) -> bool:
        """Presented as support for the label while the measured cue speaks against it."""
        return self.presented_as == SUPPORT and self.stance == AGAINST

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "kind": self.kind,
            "claim": self.claim,
            "verdict": self.verdict,
            "spans": [[round(a, 3), round(b, 3)] for a, b in self.spans],
            "evidence": self.evidence,
            "cue": self.cue,
            "stance": self.stance,
            "presented_as": self.presented_as,
            "stance_reason": self.stance_reason,
            "inconsistent": self.inconsistent,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        fields = {k: v for k, v in data.items() if k != "inconsistent"}  # derived
        return cls(**{**fields, "spans": [tuple(span) for span in data["spans"]]})


def _word_citation(
    claim: Claim, words: list[dict[str, Any]], tokens: list[str], doubt: str | None
) -> Citation:
    match = find_quote(claim.quote or "", tokens)
    if match is None:
        return Citation(
            claim.text,
            claim.start_char,
            claim.end_char,
            "word",
            claim.label,
            NOT_FOUND,
            [],
            "not in the transcript",
        )
    start, end = float(words[match.first]["start"]), float(words[match.last]["end"])
    quoted = words[match.first : match.last + 1]
    said = " ".join(w["word"] for w in quoted)
    evidence = f'transcript: "{said}" at {start:.2f}-{end:.2f} s (match {match.score:.0%})'
    doubted = doubted_words(quoted)
    if doubted and not doubt:  # a reliable transcript, but the recogniser guessed these words
        doubt = f"the recogniser doubted {doubted}"
    if doubt:  # the words are in the transcript, but the transcript may not be what was said
        evidence += f"; but the transcript is unreliable: {doubt}"
    return Citation(
        claim.text,
        claim.start_char,
        claim.end_char,
        "word",
        claim.label,
        TRANSCRIPT_UNRELIABLE if doubt else SUPPORTED,
        [(start, end)],
        evidence,
    )


def doubted_words(words: list[dict[str, Any]]) -> str:
    """The words the decoder doubted (:func:`model_core.reliability.is_doubted`), as
    ``"Yeah" (p 0.31)``; empty when none is."""
    doubted = [f'"{w["word"]}" (p {w["probability"]:.2f})' for w in words if is_doubted(w)]
    return ", ".join(doubted)


def _unchecked(rationale: str, start: int, end: int) -> Citation:
    text = rationale[start:end]
    return Citation(
        text,
        start,
        end,
        "unchecked",
        f"unchecked: {' '.join(text.split())}",
        UNCHECKED,
        [],
        "grounding does not recognise this description of the voice: judge it yourself",
    )


def _within(
    spans: Iterable[tuple[float, float]], clip: tuple[float, float] | None
) -> list[tuple[float, float]]:
    cleaned = []
    for start, end in spans:
        start, end = float(min(start, end)), float(max(start, end))
        if clip is not None:
            start, end = max(start, clip[0]), min(end, clip[1])
        if end >= start:
            cleaned.append((start, end))
    return cleaned


def ground(
    rationale: str,
    words: Iterable[dict[str, Any]],
    cues: Mapping[str, CueLike],
    clip: tuple[float, float] | None = None,
    label: str | None = None,
    transcript_doubt: str | None = None,
) -> list[Citation]:
    """Citations of a rationale, in reading order.

    Parameters
    ----------
    rationale : str
    words : iterable of dict
        The timed transcript, items ``{"word", "start", "end"}`` (seconds).
    cues : mapping
        The clip's cues: :class:`~model_core.cues.summary.Cue` objects or their JSON
        (``CueSummary.to_dict()["cues"]``).
    clip : (start, end), optional
        Seconds; every span is kept inside it.
    label : str, optional
        The label the rationale explains: acoustic citations then carry their stance
        towards it (None without a label).
    transcript_doubt : str, optional
        Why the transcript is unreliable (:mod:`model_core.reliability`): quotes found in
        it are then ``transcript unreliable``, not ``supported``.
    """
    words = list(words)
    cues = cues_of(cues)
    tokens = transcript_tokens([w["word"] for w in words])
    citations = []
    claims = extract_claims(rationale or "")
    for start, end in unchecked_spans(
        rationale or "", [(c.start_char, c.end_char) for c in claims]
    ):
        citations.append(_unchecked(rationale, start, end))
    for claim in claims:
        if claim.kind == "word":
            citation = _word_citation(claim, words, tokens, transcript_doubt)
        else:
            verdict = judge(claim, cues)
            stance, reason = (
                cue_stance(label, verdict.cue, cues.get(verdict.cue or "")) if label else (None, "")
            )
            citation = Citation(
                claim.text,
                claim.start_char,
                claim.end_char,
                claim.kind,
                claim.label,
                verdict.verdict,
                list(verdict.spans),
                verdict.evidence,
                verdict.cue,
                stance,
                presented_as(rationale, claim.start_char),
                reason,
            )
        citations.append(replace(citation, spans=_within(citation.spans, clip)))
    return sorted(citations, key=lambda c: c.start_char)
