"""The review a model's rationale passes before anyone reads it.

A small audio-LLM writes fluent rationales that can still argue badly: "the voice is loud,
which fits sad" cites a true measurement as evidence for a label it speaks against. The
grounding module already finds every such fault; the review acts on it. A draft is
**accepted** when it

- makes at least one checkable claim,
- quotes only words the transcript holds, and only salient ones: words with emotional
  meaning or spoken where the voice is most marked (not "the first six words"),
- quotes no word of a transcript the recogniser itself doubts
  (:mod:`model_core.reliability`),
- makes no acoustic claim the measurements contradict or cannot check, and no
  description of the voice that grounding does not know (``unchecked``),
- presents as support for the label only cues whose measured value speaks for it
  (:mod:`model_core.grounding.stance`): a cue that speaks against the label (an
  *inconsistent* citation) or says nothing either way ("the pitch is typical, which fits
  angry") is not evidence; labels without an acoustic profile are spared this check,
- names as an aside ("which says nothing about sad either way", "the voice gives little
  to go on: ...") only cues that really speak neither for nor against the label, and
- presents as counter-evidence only cues that do not speak for the label ("Against this,
  the voicing is regular" of neutral is a misreading),
- says no claim twice, and holds no sentence that neither cites a cue nor quotes the
  transcript, beyond the composer's claim-free frames (a closing, a close second label,
  the statement that nothing measured supports the label), and
- mentions the clip's most marked cue, for, against or as an aside, when one is marked.

A rejected draft is replaced by the composer's rationale
(:func:`model_core.rationale.compose.compose_rationale`), which weighs the same
measurements and grounds every sentence by construction; the draft and the reasons it was
rejected stay in the result, so nothing the model wrote is hidden.

Policies (``Analyzer(rationale_policy=...)``, ``emostudio analyze --rationale-source``):

- ``checked`` (default): the model's draft when accepted, else the composer's;
- ``model``: the model's draft as written, whatever the review found (for research);
- ``composer``: the composer only; the LLM does not generate (fast, deterministic).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from model_core.cues.baseline import reference_words
from model_core.cues.catalog import clinical_words
from model_core.cues.profiles import profile_for
from model_core.cues.summary import CueLike
from model_core.grounding.citations import Citation
from model_core.grounding.metrics import (
    argues_against_itself,
    baseline_word_error,
    mentioned_cues,
    salient_quote,
)
from model_core.grounding.salience import marked_spans
from model_core.grounding.stance import AGAINST, ASIDE, COUNTER, FOR, SUPPORT
from model_core.grounding.verdicts import (
    CONTRADICTED,
    NOT_FOUND,
    NOT_MEASURABLE,
    TRANSCRIPT_UNRELIABLE,
    UNCHECKED,
)
from model_core.kinds import Policy
from model_core.rationale.compose import compose_rationale, most_marked_citable
from model_core.rationale.frames import is_claim_free_frame

CHECKED, MODEL, COMPOSER = Policy.CHECKED, Policy.MODEL, Policy.COMPOSER
POLICIES = tuple(Policy)


@dataclass(frozen=True)
class Review:
    """What the review decided about one draft.

    Attributes
    ----------
    accepted : bool
        The draft passed every check.
    problems : tuple of str
        Why it did not, one plain sentence each (empty when accepted).
    """

    accepted: bool
    problems: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Delivered:
    """The rationale a user reads, where it came from, and the model's own draft.

    ``source`` is ``model`` or ``composer``; ``draft`` is the model's text (empty when the
    model did not write one) and ``problems`` why it was rejected.
    """

    text: str
    source: str
    draft: str = ""
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "draft": self.draft, "problems": list(self.problems)}


def review_draft(
    draft: str,
    citations: Sequence[Citation],
    cues: Mapping[str, CueLike],
    label: str,
    baseline: str | None = None,
) -> Review:
    """Check a model's rationale against its citations.

    Parameters
    ----------
    draft : str
        The rationale, without the ``Emotion:`` line.
    citations : sequence of Citation
        ``ground(draft, words, cues, label=label)``.
    cues : mapping
        The clip's cues (Cue objects or their JSON), for its most marked cue.
    label : str
        The label the draft explains.
    baseline : str, optional
        The name of the baseline the cues were scored against: a draft that sizes a cue
        against another ("the speaker's usual" with population priors) is rejected.
    """
    problems: list[str] = []
    if not draft.strip():
        problems.append("the model wrote nothing")
    elif not citations:
        problems.append("it cites no words and no measurable cue")
    profiled = profile_for(label) is not None
    spans = marked_spans(cues)
    for citation in citations:
        if citation.verdict == NOT_FOUND:
            problems.append(f"{citation.claim}: not in the transcript")
        elif citation.kind == "word" and not salient_quote(citation, spans):
            problems.append(
                f"{citation.claim}: neither emotional words nor where the voice is marked"
            )
        elif citation.verdict == CONTRADICTED:
            problems.append(f"{citation.claim}: contradicted by the measurement")
        elif citation.verdict in (NOT_MEASURABLE, UNCHECKED):
            problems.append(f"{citation.claim}: cannot be checked against a measurement")
        elif citation.verdict == TRANSCRIPT_UNRELIABLE:
            problems.append(f"{citation.claim}: quotes a transcript the recogniser doubts")
        elif citation.kind != "word" and citation.presented_as == ASIDE and profiled:
            if citation.stance in (FOR, AGAINST):
                problems.append(
                    f"{citation.claim}: said to bear on {label} neither way, but speaks "
                    f"{citation.stance} it"
                )
        elif citation.kind != "word" and citation.presented_as == SUPPORT and profiled:
            if citation.stance == AGAINST:
                problems.append(f"{citation.claim}: cited as support, but speaks against {label}")
            elif citation.stance != FOR:
                problems.append(f"{citation.claim}: cited as support, but says nothing for {label}")
        elif (
            citation.kind != "word"
            and citation.presented_as == COUNTER
            and profiled
            and citation.stance == FOR
        ):
            problems.append(f"{citation.claim}: cited against {label}, but speaks for it")
    problems += [f"it says {claim!r} twice" for claim in _repeated(citations)]
    problems += [
        f"{sentence!r}: says nothing a measurement or the transcript can check"
        for sentence in unchecked_sentences(draft, citations, label)
    ]
    for word, sign in clinical_words(draft):
        problems.append(f"{word!r}: names {sign}, a clinical sign no measure here is made for")
    both = _support_and_counter(citations)
    if both:
        problems.append(f"it cites {', '.join(both)} both for and against {label}")
    top = most_marked_citable(cues)
    if top and draft.strip() and top not in mentioned_cues(citations):
        problems.append(f"it ignores the most marked cue ({top})")
    if profiled and argues_against_itself(citations, draft):
        problems.append(f"every cue it cites speaks against {label}, and it does not say so")
    if baseline_word_error(draft, baseline):
        problems.append(
            f"it compares the voice with another baseline than {reference_words(baseline)!r}"
        )
    return Review(not problems, tuple(problems))


SENTENCE = re.compile(r"[^.!?]+[.!?]*")
SHORT_CONCLUSION = 6  # words: "This reads as angry." needs no claim of its own


def unchecked_sentences(draft: str, citations: Sequence[Citation], label: str) -> list[str]:
    """The draft's sentences that hold no citation and are not one of the composer's
    claim-free frames (:func:`model_core.rationale.frames.is_claim_free_frame`) or a short
    conclusion naming ``label``: filler a reader cannot check ("It is clearest where the
    voice is most marked.")."""
    found = []
    for match in SENTENCE.finditer(draft):
        sentence = match.group(0).strip()
        if not sentence or any(match.start() <= c.start_char < match.end() for c in citations):
            continue
        short = len(sentence.split()) <= SHORT_CONCLUSION and label.lower() in sentence.lower()
        if not short and not is_claim_free_frame(sentence):
            found.append(sentence)
    return found


def _repeated(citations: Sequence[Citation]) -> list[str]:
    """Claims a draft makes twice ("the pitch is high and the pitch is high")."""
    seen: dict[str, int] = {}
    for citation in citations:
        seen[citation.claim] = seen.get(citation.claim, 0) + 1
    return sorted(claim for claim, count in seen.items() if count > 1)


def _support_and_counter(citations: Sequence[Citation]) -> list[str]:
    """Cues a draft presents both as support for its label and as a counterpoint ("the
    voice is loud, which points to happy ... the voice is loud, which does not fit happy")."""
    ways: dict[str, set[str]] = {}
    for citation in citations:
        if citation.kind != "word" and citation.cue and citation.presented_as:
            ways.setdefault(citation.cue, set()).add(citation.presented_as)
    return sorted(cue for cue, seen in ways.items() if {SUPPORT, COUNTER} <= seen)


def pick_draft(
    drafts: Sequence[str],
    citations_of: Callable[[str], list[Citation]],
    cues: Mapping[str, CueLike],
    label: str,
    baseline: str | None = None,
) -> tuple[str, list[Citation]]:
    """Best of k: the first draft the review accepts, else the first draft (the review is
    the verifier, issue 30); with its citations (``citations_of(draft)``: grounded with the
    label).

    Raises
    ------
    ValueError
        When there is no draft.
    """
    if not drafts:
        raise ValueError("pick_draft needs at least one draft")
    first: tuple[str, list[Citation]] | None = None
    for draft in drafts:
        citations = citations_of(draft)
        if review_draft(draft, citations, cues, label, baseline).accepted:
            return draft, citations
        first = first or (draft, citations)
    assert first is not None  # drafts is not empty
    return first


def deliver(
    policy: str,
    label: str,
    draft: str,
    citations: Sequence[Citation],
    cues: Mapping[str, CueLike],
    *,
    words: list[dict[str, Any]],
    probabilities: dict[str, float] | None = None,
    labels: list[str] | None = None,
    baseline: str | None = None,
) -> Delivered:
    """The rationale to show under ``policy`` (see the module docstring).

    ``citations`` are the draft's, grounded with ``label``; ``words`` the timed transcript
    ``{"word", "start", "end"}`` (seconds) that the composer quotes from; ``baseline`` the
    name of the baseline in use (the composer's words for it).
    """
    if policy not in POLICIES:
        raise ValueError(f"rationale policy must be one of {POLICIES}, got {policy!r}")
    if policy == MODEL:
        problems = review_draft(draft, citations, cues, label, baseline).problems
        return Delivered(draft, MODEL, draft, problems)
    if policy == CHECKED:
        review = review_draft(draft, citations, cues, label, baseline)
        if review.accepted:
            return Delivered(draft, MODEL, draft)
        problems = review.problems
    else:
        problems = ()
    composed = compose_rationale(
        label, cues, words=words, probabilities=probabilities, labels=labels, baseline=baseline
    )
    return Delivered(composed, COMPOSER, draft, problems)


def review_summary(review: dict[str, Any] | None) -> str:
    """One sentence on where a result's rationale came from (``AnalysisResult.rationale_review``),
    for the CLI and the GUI; empty when there is no review (no rationale, or a result
    stored before reviews existed)."""
    if not review:
        return ""
    problems = review.get("problems") or []
    if review.get("source") == COMPOSER and review.get("draft"):
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        return f"Composed from the measurements: the model's draft was rejected ({count})."
    if review.get("source") == COMPOSER:
        return "Composed from the measurements."
    if problems:  # the "model" policy shows the draft whatever the review found
        return "The model's rationale, unreviewed: the review found problems."
    return "The model's rationale; it passed the review."
