"""Grounding over a dataset: how much of what rationales claim the measurements bear out,
and whether the rationales reason (cite evidence for the label, the clip's marked cues,
salient words).

Each rate is micro-averaged over all rationales (NaN where it has nothing to count):

- ``quote_groundedness``: quotes found in the transcript / all quotes;
- ``cue_support_rate``: supported acoustic claims / measurable acoustic claims;
- ``contradiction_rate``: contradicted acoustic claims / measurable acoustic claims;
- ``not_measurable_rate``: acoustic claims that could not be checked / all acoustic claims;
- ``consistency``: acoustic claims presented as support whose stance is ``for`` the label /
  all acoustic claims presented as support (a ``neutral`` one counts against it);
- ``inconsistency_rate``: inconsistent citations (presented as support, stance ``against``)
  / all acoustic claims;
- ``coverage``: of each clip's (up to) three most marked cues (citable cues off their
  normal level, largest |z| first), the share the rationale mentions, for or against;
- ``quote_salience``: found quotes that overlap a marked moment (a marked cue's spans) or
  hold an emotional word (:mod:`model_core.grounding.salience`) / found quotes;
- ``unchecked_rate``: descriptions of the voice grounding cannot check (verdict
  ``unchecked``) / all claims; they count in no other rate;
- ``claims_per_rationale``, ``mean_words``: means per rationale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from model_core.cues.baseline import POPULATION, reference_words
from model_core.cues.catalog import CITABLE, clinical_words, cues_of_sense
from model_core.cues.levels import MARKED_LEVELS
from model_core.cues.summary import CueLike, cues_of
from model_core.grounding.citations import Citation
from model_core.grounding.salience import is_emotional, marked_spans, overlaps
from model_core.grounding.stance import AGAINST, FOR, SUPPORT
from model_core.grounding.verdicts import (
    CONTRADICTED,
    NOT_FOUND,
    NOT_MEASURABLE,
    SUPPORTED,
    UNCHECKED,
)

COVERED_CUES = 3  # the clip's most marked cues a rationale is expected to weigh
# The words by which a rationale says plainly that the measured cues do not point to its
# label (the composer's statement; model_core.rationale.compose.NO_SUPPORT).
NO_SUPPORT_MARK = "do not point to"
# Every baseline's words (model_core.cues.baseline.reference_words); a rationale may say
# only its own baseline's ("the speaker's usual" only against a speaker's own recordings).
REFERENCE_WORDS = tuple(
    reference_words(name)
    for name in ("speaker", f"{POPULATION} (female)", f"{POPULATION} (male)", POPULATION)
)


@dataclass(frozen=True)
class GroundingMetrics:
    """Rates over many rationales; see the module docstring for each definition."""

    rationales: int
    quotes: int
    acoustic_claims: int
    quote_groundedness: float
    cue_support_rate: float
    contradiction_rate: float
    not_measurable_rate: float
    claims_per_rationale: float
    consistency: float = math.nan
    inconsistency_rate: float = math.nan
    coverage: float = math.nan
    quote_salience: float = math.nan
    mean_words: float = math.nan
    unchecked_rate: float = math.nan
    # issue 30: rationales whose cited cues only speak against their label and that do not
    # say so (must be 0); rationales with a clinical word (shaky, breathy, ...); rationales
    # that say "the speaker's usual" against a population baseline
    against_conclusion_rate: float = math.nan
    clinical_word_rate: float = math.nan
    baseline_word_errors: int | None = None  # None: no baselines given

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def most_marked(cues: Mapping[str, CueLike], count: int = COVERED_CUES) -> list[str]:
    """The clip's most marked citable cues (level not normal), largest |z| first."""
    cues = cues_of(cues)
    marked = [
        (abs(cue.z), name)
        for name in CITABLE
        if (cue := cues.get(name)) and cue.level in MARKED_LEVELS and cue.has_z
    ]
    return [name for _, name in sorted(marked, reverse=True)[:count]]


def mentioned_cues(citations: Iterable[Citation]) -> set[str]:
    """Every cue an acoustic citation speaks of ("voice: trembling" names jitter and shimmer)."""
    names: set[str] = set()
    for citation in citations:
        if citation.kind in ("word", "unchecked"):
            continue
        value = citation.claim.split(": ", 1)[-1].split(" (")[0].removeprefix("not ")
        names.update(cues_of_sense(citation.kind, value))
        if citation.cue:
            names.add(citation.cue)
    return names


def salient_quote(citation: Citation, spans: list[tuple[float, float]]) -> bool:
    """A quote citation that holds an emotional word or overlaps a marked moment (``spans``:
    :func:`model_core.grounding.salience.marked_spans`, seconds)."""
    words = citation.claim.split(": ", 1)[-1].strip('"').split()
    return any(overlaps(span, spans) for span in citation.spans) or any(map(is_emotional, words))


def grounding_metrics(
    per_rationale: Iterable[list[Citation]],
    cues: Sequence[Mapping[str, CueLike]] | None = None,
    texts: Sequence[str] | None = None,
    baselines: Sequence[str | None] | None = None,
) -> GroundingMetrics:
    """Aggregate the citations of each rationale (one list per rationale, possibly empty).

    Parameters
    ----------
    per_rationale : iterable of list of Citation
    cues : sequence of dict, optional
        Each rationale's clip cues (Cue objects or their JSON), in the same order:
        needed for coverage and quote salience (NaN without them).
    texts : sequence of str, optional
        The rationales themselves, for the mean length in words, the rationales that argue
        against themselves unsaid and the clinical words.
    baselines : sequence of str or None, optional
        Each rationale's baseline name (``CueSummary.to_dict()["baseline"]``), for the
        baseline-word errors.
    """
    lists = list(per_rationale)
    citations = [c for group in lists for c in group]
    quotes = [c for c in citations if c.kind == "word"]
    acoustic = [c for c in citations if c.kind != "word" and c.verdict != UNCHECKED]
    measurable = [c for c in acoustic if c.verdict != NOT_MEASURABLE]
    presented = [c for c in acoustic if c.presented_as == SUPPORT and c.stance is not None]
    covered = expected = salient = found = 0
    for group, clip_cues in zip(lists, cues or [], strict=False):
        top = most_marked(clip_cues)
        covered += len(set(top) & mentioned_cues(group))
        expected += len(top)
        spans = marked_spans(clip_cues)
        for citation in group:
            if citation.kind == "word" and citation.verdict == SUPPORTED:
                found += 1
                salient += salient_quote(citation, spans)
    return GroundingMetrics(
        rationales=len(lists),
        quotes=len(quotes),
        acoustic_claims=len(acoustic),
        quote_groundedness=_rate(sum(c.verdict != NOT_FOUND for c in quotes), len(quotes)),
        cue_support_rate=_rate(sum(c.verdict == SUPPORTED for c in measurable), len(measurable)),
        contradiction_rate=_rate(
            sum(c.verdict == CONTRADICTED for c in measurable), len(measurable)
        ),
        not_measurable_rate=_rate(len(acoustic) - len(measurable), len(acoustic)),
        claims_per_rationale=_rate(len(citations), len(lists)),
        consistency=_rate(sum(c.stance == FOR for c in presented), len(presented)),
        inconsistency_rate=_rate(sum(c.inconsistent for c in acoustic), len(acoustic)),
        coverage=_rate(covered, expected) if cues is not None else math.nan,
        quote_salience=_rate(salient, found) if cues is not None else math.nan,
        mean_words=(sum(len(t.split()) for t in texts) / len(texts) if texts else math.nan),
        unchecked_rate=_rate(sum(c.verdict == UNCHECKED for c in citations), len(citations)),
        against_conclusion_rate=(
            _rate(sum(map(argues_against_itself, lists, texts)), len(texts)) if texts else math.nan
        ),
        clinical_word_rate=(
            _rate(sum(bool(clinical_words(t)) for t in texts), len(texts)) if texts else math.nan
        ),
        baseline_word_errors=(
            sum(
                baseline_word_error(text, baseline)
                for text, baseline in zip(texts or [], baselines, strict=False)
            )
            if baselines is not None
            else None
        ),
    )


def argues_against_itself(citations: Sequence[Citation], text: str) -> bool:
    """Whether a rationale's cited cues all speak against its label (at least one does,
    none for it) and it does not say so plainly (:data:`NO_SUPPORT_MARK`)."""
    stances = [c.stance for c in citations if c.kind != "word" and c.verdict == SUPPORTED]
    return AGAINST in stances and FOR not in stances and NO_SUPPORT_MARK not in text


def baseline_word_error(text: str, baseline: str | None) -> bool:
    """Whether a rationale sizes a cue against another baseline than the one in use
    ("the speaker's usual" with population priors, "a typical male voice" with the
    speaker's own recordings); ``baseline`` is the name (``CueSummary.to_dict()
    ["baseline"]``)."""
    own = reference_words(baseline)
    lowered = text.lower()
    return any(words in lowered for words in REFERENCE_WORDS if words != own)
