"""The evidence table: what the LLM reads before it writes a rationale (issue 30).

The LLM explains a label it did not choose (the label head's), so it should reason over
the same evidence the review checks it against: each measured cue off its baseline, in
the catalog's words, with its z and its stance for the label and for the runner-up; the
cues that stay near the baseline; the words spoken where the voice is most marked (or of
emotional meaning); whether the transcript may be quoted; the head's two best labels;
and what the cues were compared with. :func:`evidence_table` writes it compactly (a
2-core CPU pays for every prompt token in training and in generation)::

    Label: angry 62%; runner-up: happy 21%
    Compared with: a typical male voice
    Transcript: reliable
    - the voice is very loud (well above a typical male voice), z +2.3: for angry, for happy (most marked)
    - the pace is slow, z -1.1: against angry, against happy
    Near the baseline: the intonation is not varied
    Quote: "talking" (where the voice is most marked)

The cue phrases are the catalog's first wordings, the ones the composer uses for LLM
targets (``compose_rationale(plain_phrases=True)``), so that the model learns to choose
and weigh evidence rather than synonyms. Nothing here reads audio.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from model_core.cues.baseline import reference_words
from model_core.cues.catalog import BY_NAME, CITABLE
from model_core.cues.summary import Cue, CueLike, cues_of
from model_core.grounding import SUPPORTED, ground
from model_core.grounding.metrics import most_marked
from model_core.grounding.stance import cue_stance
from model_core.kinds import Stance
from model_core.model.config import EVIDENCE_LAYOUTS
from model_core.rationale.compose import (
    MAX_AGAINST,
    MAX_FOR,
    SIZED,
    alternative_label,
    choose_quote,
    most_marked_citable,
    near_baseline,
    size_words,
    supported_by_cues,
    weigh,
)
from model_core.reliability import quotable_words

MAX_CUE_LINES = 6  # the strongest marked cues; the rest add tokens, not evidence
MAX_NEAR = 3  # cues near the baseline named
# Layouts of the cues (the model's config, ``evidence_layout``): ``lines``, one line per
# marked cue with its stance for both labels (3.1.0); ``grouped``, the cues under what
# the composer does with them ("For angry: ...", "Against angry: ..."), so that a small
# LLM reads the stance from where a cue stands rather than from a tag on its line.
LAYOUTS = EVIDENCE_LAYOUTS
LINES, GROUPED = LAYOUTS
MOST_MARKED = " (most marked)"  # the cue a rationale must name (the review checks it)
NO_QUOTE = "none"
UNRELIABLE = "unreliable, do not quote it"
NO_SUPPORT_LINE = "Support: no measured cue points to {label}"
WHY_QUOTED = {"emotional": "words of feeling", "marked": "where the voice is most marked"}


@dataclass(frozen=True)
class Evidence:
    """Everything the table says, before it is written out.

    Attributes
    ----------
    label, runner_up : str, str or None
        The label to explain and the second most likely one.
    probabilities : dict
        Label -> probability (0-1), the head's.
    reference : str
        What the cues were compared with, in the composer's words ("the speaker's usual").
    reliable : bool or None
        Whether the transcript may be quoted; None when there is no transcript.
    cue_lines : list of str
    near : list of str
        Phrases of the cues that stay near the baseline.
    quote : tuple of (str, str) or None
        The salient words and why (``emotional`` or ``marked``).
    supported : bool
        Whether any measured cue speaks for the label (else the rationale must say so).
    groups : list of (str, list of str)
        The ``grouped`` layout's lines: the cues the composer would cite for the label,
        against it, as an aside, and for a close runner-up, each a heading and its items.
    """

    label: str
    runner_up: str | None
    probabilities: dict[str, float]
    reference: str
    reliable: bool | None
    cue_lines: list[str]
    near: list[str]
    quote: tuple[str, str] | None
    supported: bool
    groups: list[tuple[str, list[str]]] = field(default_factory=list)

    def table(self, layout: str = LINES) -> str:
        """The compact text the prompt holds, in ``layout`` (:data:`LAYOUTS`)."""
        if layout not in LAYOUTS:
            raise ValueError(f"unknown evidence layout {layout!r}; expected one of {LAYOUTS}")
        head = f"Label: {self.label} {_percent(self.probabilities.get(self.label))}"
        if self.runner_up:
            head += (
                f"; runner-up: {self.runner_up} {_percent(self.probabilities.get(self.runner_up))}"
            )
        transcript = {None: "none", True: "reliable", False: UNRELIABLE}[self.reliable]
        lines = [head.replace(" ;", ";").rstrip(), f"Compared with: {self.reference}"]
        lines.append(f"Transcript: {transcript}")
        if layout == GROUPED:
            lines += [
                f"{heading}: {'; '.join(items)}".removesuffix(": -")
                for heading, items in self.groups
                if items
            ]
        else:
            lines += [f"- {line}" for line in self.cue_lines]
        if self.near:
            lines.append("Near the baseline: " + "; ".join(self.near))
        quote = NO_QUOTE
        if self.quote:
            quote = f'"{self.quote[0]}" ({WHY_QUOTED[self.quote[1]]})'
        lines.append(f"Quote: {quote}")
        if not self.supported:
            lines.append(NO_SUPPORT_LINE.format(label=self.label))
        return "\n".join(lines)


def gather_evidence(
    label: str,
    cues: Mapping[str, CueLike],
    *,
    probabilities: Mapping[str, float] | None = None,
    words: Sequence[Mapping[str, Any]] | None = None,
    transcript_reliable: bool | None = None,
    baseline: str | None = None,
) -> Evidence:
    """The evidence for explaining ``label``.

    Parameters
    ----------
    label : str
        The label to explain (the head's at inference, the target's in training).
    cues : mapping
        The clip's cues (objects or their JSON), scored against ``baseline``.
    probabilities : mapping, optional
        Label -> probability; the runner-up is the most likely other label.
    words : sequence of dict, optional
        The timed transcript ``{"word", "start", "end"}`` (s); no quote without it, and
        none from an unreliable transcript.
    transcript_reliable : bool, optional
        None: no transcript.
    baseline : str, optional
        The baseline's name (``CueSummary.to_dict()["baseline"]``).
    """
    found = cues_of(cues)
    probabilities = dict(probabilities or {})
    others = sorted((p, lab) for lab, p in probabilities.items() if lab != label)
    runner_up = others[-1][1] if others else None
    reference = reference_words(baseline)
    favour, against, hedged = weigh(label, found)
    cited = [name for name, _ in favour] + [name for name, _ in against]
    cited += [name for name in most_marked(found, len(CITABLE)) if name not in cited]
    top = most_marked_citable(found)
    shown = [name for name in cited if BY_NAME[name].phrases.get(found[name].level)]
    shown = shown[:MAX_CUE_LINES]
    if top and top not in shown:  # the cue every rationale must name is always listed
        shown[-1:] = [top]
    lines = [
        _cue_line(name, found[name], label, runner_up, reference, lead=index == 0 and bool(favour))
        + (MOST_MARKED if name == top else "")
        for index, name in enumerate(shown)
    ]
    near = [
        phrase for name, _ in near_baseline(found)[:MAX_NEAR] if (phrase := BY_NAME[name].typical)
    ]
    quotable = quotable_words(words or []) if transcript_reliable is not False else []
    quote = choose_quote(label, quotable, found, [name for name, _ in favour])
    groups = _groups(label, found, favour, against, hedged, probabilities, reference, top)
    return Evidence(
        label,
        runner_up,
        probabilities,
        reference,
        transcript_reliable,
        lines,
        near,
        quote,
        supported_by_cues(label, found),
        groups,
    )


def _groups(
    label: str,
    found: dict[str, Cue],
    favour: list[tuple[str, float]],
    against: list[tuple[str, float]],
    hedged: list[tuple[str, float]],
    probabilities: dict[str, float],
    reference: str,
    top: str | None,
) -> list[tuple[str, list[str]]]:
    """The grouped layout: what the composer cites for and against ``label`` (its limits),
    its weak evidence when nothing marked speaks for the label, the most marked cue when
    it bears on the label neither way, and the cue it would give a close runner-up."""

    def item(name: str, lead: bool = False) -> str:
        phrase = BY_NAME[name].phrases[found[name].level][0]
        if lead and name in SIZED:
            phrase += f" ({size_words(found[name], reference)})"
        mark = MOST_MARKED if name == top else ""
        return f"{phrase} [z {found[name].z:+.1f}]{mark}"

    cited = [name for name, _ in favour[:MAX_FOR]]
    countered = [name for name, _ in against[:MAX_AGAINST]]
    groups = [
        (f"For {label}", [item(name, lead=i == 0) for i, name in enumerate(cited)]),
        (f"Against {label}", [item(name) for name in countered]),
    ]
    if not favour and hedged:  # the composer's weak evidence, in its hedged words
        name = hedged[0][0]
        words = BY_NAME[name].hedged[1 if found[name].z > 0 else -1]
        # only words that ground: the composer drops a hedged sentence the measurement
        # contradicts ("a little fast" of a rate whose z is slight but whose level is not)
        if all(c.verdict == SUPPORTED for c in ground(words, [], found)):
            groups.append((f"Slightly for {label}", [f"{words} [z {found[name].z:+.1f}]"]))
    if top and top not in cited + countered:  # the composer names it with its stance
        stance = _stance(label, top, found[top])
        where = {"for": groups[0][1], "against": groups[1][1]}.get(stance)
        if where is None:
            groups.append(("Neither way", [item(top)]))
        else:
            where.append(item(top))
    other = alternative_label(label, probabilities, list(probabilities), found, bool(favour))
    if other:
        theirs, _, _ = weigh(other, found)
        names = [n for n, _ in theirs if _stance(label, n, found[n]) != "for"][:1]
        groups.append((f"Close second: {other}", [f"for it, {item(n)}" for n in names] or ["-"]))
    return groups


def evidence_table(
    label: str, cues: Mapping[str, CueLike], layout: str = LINES, **options: Any
) -> str:
    """:func:`gather_evidence`'s table in ``layout`` (the same keyword options)."""
    return gather_evidence(label, cues, **options).table(layout)


def _cue_line(
    name: str, cue: Cue, label: str, runner_up: str | None, reference: str, *, lead: bool
) -> str:
    """``<phrase> [(size)], z +2.3: for angry, against happy``."""
    phrase = BY_NAME[name].phrases[cue.level][0]
    if lead and name in SIZED:  # the composer sizes the lead cue for the label only
        phrase += f" ({size_words(cue, reference)})"
    stances = [f"{_stance(label, name, cue)} {label}"]
    if runner_up:
        stances.append(f"{_stance(runner_up, name, cue)} {runner_up}")
    return f"{phrase}, z {cue.z:+.1f}: {', '.join(stances)}"


def _stance(label: str, name: str, cue: Cue) -> str:
    stance, _ = cue_stance(label, name, cue)
    return {Stance.FOR: "for", Stance.AGAINST: "against"}.get(stance, "neither for")


def _percent(probability: float | None) -> str:
    return "" if probability is None else f"{100 * probability:.0f}%"
