"""Rationale targets that reason: weigh the measured evidence for and against the label.

:func:`compose_rationale` writes, from the label, the cues, the timed transcript and
(optionally) the label probabilities, a rationale of up to five moves:

1. the strongest measured evidence **for** the label, with its size in plain words
   ("the voice is very loud, well above the speaker's usual"), and up to two more;
2. a **quote** of the most salient words: words with emotional meaning (the VADER
   lexicon) and words spoken where the voice is most marked (the cues' spans);
3. the strongest **counter-evidence**, framed as such ("Although the pace is slow, ...");
4. a word on **weak evidence**, or on a **close second label** ("It could also be
   neutral: ..."), when the probabilities (or, without them, the cue profiles) say so;
5. a closing judgement.

Each move has several wordings, drawn with ``seed``, so a model trained on these
targets learns the reasoning rather than one sentence. Every sentence is grounded before
it is kept (:func:`model_core.grounding.ground` with the label): a sentence with a claim
that is not supported, a quote the transcript does not hold, or a citation presented as
support that speaks against the label is dropped. Nothing here reads audio.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from model_core.cues.baseline import reference_words
from model_core.cues.catalog import BY_NAME, CATALOG, CITABLE
from model_core.cues.levels import MARKED_LEVELS
from model_core.cues.profiles import TYPICAL, expectation, profile_for
from model_core.cues.summary import Cue, CueLike, cues_of
from model_core.emotions import NEAR_BASELINE, canonical, emotion_for
from model_core.grounding import SUPPORTED, ground
from model_core.grounding.metrics import mentioned_cues, most_marked
from model_core.grounding.salience import is_emotional, marked_spans, overlaps, valence
from model_core.grounding.stance import AGAINST, FOR, baseline_excess, cue_stance
from model_core.rationale.frames import (
    ALSO_AGAINST,
    ALSO_FOR,
    ALTERNATIVE,
    ALTERNATIVE_PLAIN,
    ALTERNATIVE_SAME_CUES,
    ASIDES,
    CLOSINGS,
    COUNTERS_MANY,
    COUNTERS_ONE,
    COUNTERS_UNSUPPORTED,
    LEADS,
    NEUTRAL_LEADS,
    NO_PROFILE,
    NO_SPEECH,
    NO_SUPPORT,
    NOT_NEUTRAL_EITHER,
    NOTHING_MEASURED,
    NOTHING_MEASURED_BARE,
    QUOTES_EMOTIONAL,
    QUOTES_EVEN,
    QUOTES_MARKED,
    TIPPED_BY_WORDS,
    WEAK,
)
from model_core.thresholds import MARKED_Z, VERY_Z

Cues = dict[str, Cue]  # a clip's cues by name (model_core.cues.summary.cues_of)
Ranked = list[tuple[str, float]]  # (cue name, |z|), strongest first
MAX_FOR, MAX_AGAINST = 3, 2
CLOSE_PROBABILITY = 0.15  # a second label this close to the first is worth naming
QUOTE_WORDS = 3  # the salient word with its neighbours
VOICING = tuple(spec.name for spec in CATALOG if spec.group == "perturbation")
# Words a quote does not start or end on ("the drawer under" -> "drawer").
EDGE_WORDS = frozenset(
    (
        *("the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "from", "and", "or"),
        *("but", "under", "over", "with", "into", "as", "than", "my", "your", "his", "her"),
        *("our", "their", "its", "this", "that", "these", "those", "there"),
    )
)
SIZED = tuple(spec.name for spec in CATALOG if spec.sized)


def size_words(cue: Cue, usual: str) -> str:
    """The size of a cue's departure from the baseline (``usual``: its words), in plain words."""
    z = cue.z if cue.has_z else 0.0
    side = "above" if z > 0 else "below"
    semitones = cue.detail.get("semitones")
    if cue.name == "f0_mean" and semitones is not None and abs(semitones) >= 1:
        return f"about {abs(semitones):.0f} semitones {side} {usual}"
    degree = "well " if abs(z) >= VERY_Z else ""
    return f"{degree}{side} {usual}"


def _supported(sentence: str, words: list[dict[str, Any]], cues: Cues, label: str) -> bool:
    citations = ground(sentence, words, cues, label=label)
    return all(c.verdict == SUPPORTED and not c.inconsistent for c in citations)


def weigh(label: str, cues: Cues) -> tuple[Ranked, Ranked, Ranked]:
    """(for, against, hedged-for) as (cue name, |z|) lists, strongest first: the evidence
    the composer and the prompt's evidence table (:mod:`model_core.rationale.evidence`) weigh."""
    favour: Ranked = []
    against: Ranked = []
    hedged: Ranked = []
    for name in CITABLE:
        cue = cues.get(name)
        if cue is None or not cue.has_z:
            continue
        stance, _ = cue_stance(label, name, cue)
        strength = abs(cue.z)
        if cue.level in MARKED_LEVELS and stance in (FOR, AGAINST) and _citable(name, cues):
            (favour if stance == FOR else against).append((name, strength))
        elif stance == FOR and BY_NAME[name].hedged.get(1 if cue.z > 0 else -1):
            hedged.append((name, strength))
    favour, against = _one_voicing_cue(favour, against, cues)
    key = lambda item: -item[1]  # noqa: E731
    return sorted(favour, key=key), sorted(against, key=key), sorted(hedged, key=key)


def _one_voicing_cue(favour: Ranked, against: Ranked, cues: Cues) -> tuple[Ranked, Ranked]:
    """Jitter and shimmer share their words ("the voice trembles"): cite the stronger one,
    and neither when they disagree (one steady, one shaky), which is no evidence at all."""
    marked = [n for n in VOICING if n in cues and cues[n].level in MARKED_LEVELS]
    if len(marked) < 2:
        return favour, against
    directions = {math.copysign(1, cues[n].z) for n in marked}
    keep = set() if len(directions) > 1 else {max(marked, key=lambda n: abs(cues[n].z))}
    drop = set(VOICING) - keep
    return [e for e in favour if e[0] not in drop], [e for e in against if e[0] not in drop]


def _citable(name: str, cues: Cues) -> bool:
    """Whether the cue's phrase for its level grounds as supported (a final slope can be
    marked against the speaker's usual and still run level; a pause ratio can be high
    with no single pause long enough to count)."""
    phrase = BY_NAME[name].phrases.get(cues[name].level, ("",))[0]
    return bool(phrase) and all(c.verdict == SUPPORTED for c in ground(phrase, [], cues))


def near_baseline(cues: Cues) -> Ranked:
    """Cues that stay near the baseline (what speaks for neutral) and whose typical phrase
    grounds as supported (a range at z 0.99 is not marked, nor quite "not varied"), the
    calmest first."""
    found = []
    for name in CITABLE:
        cue = cues.get(name)
        typical = BY_NAME[name].typical
        if not typical or cue is None or not cue.has_z or abs(cue.z) >= MARKED_Z:
            continue
        if all(c.verdict == SUPPORTED for c in ground(typical, [], cues)):
            found.append((name, abs(cue.z)))  # said only where its words ground
    return sorted(found, key=lambda item: item[1])


def _says_little(cues: Cues, rng: random.Random, fmt: dict[str, str], label: str) -> str:
    """The voice gives little to go on: said with the (up to two) cues that stay nearest the
    baseline and bear on ``label`` neither way (the sentence is an aside), in their catalog
    words, or bare when none does."""
    calm = [
        name
        for name, _ in near_baseline(cues)
        if cue_stance(label, name, cues[name])[0] not in (FOR, AGAINST)
    ][:2]
    phrases = [typical for name in calm if (typical := BY_NAME[name].typical)]
    if not phrases:
        return NOTHING_MEASURED_BARE
    return rng.choice(NOTHING_MEASURED).format(evidence=_join(phrases), **fmt)


def _most_marked_sentence(
    label: str,
    cues: Cues,
    written: str,
    wording: random.Random | None,
    rng: random.Random,
    fmt: dict[str, str],
) -> str:
    """A sentence naming the clip's most marked (citable) cue with its stance for
    ``label`` when ``written`` does not name it; else empty."""
    top = most_marked_citable(cues)
    if not top or profile_for(label) is None:
        return ""
    if top in mentioned_cues(ground(written, [], cues, label=label)):
        return ""
    phrases = _phrases([top], cues, wording)
    if not phrases:
        return ""
    stance, _ = cue_stance(label, top, cues[top])
    pool = {FOR: ALSO_FOR, AGAINST: ALSO_AGAINST}.get(stance, ASIDES)
    return rng.choice(pool).format(evidence=phrases[0], Evidence=_cap(phrases[0]), **fmt)


def most_marked_citable(cues: Mapping[str, CueLike]) -> str | None:
    """The clip's most marked cue whose phrase grounds as supported (a marked final slope
    that still runs level cannot be said), or None: the cue a rationale must name."""
    found = cues_of(cues)
    marked = most_marked(found, len(CITABLE))
    return next((name for name in marked if _citable(name, found)), None)


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _phrases(
    names: list[str], cues: Cues, rng: random.Random | None, *, sized: str = ""
) -> list[str]:
    """One phrase per cue (a random wording, the catalog's first without ``rng``), the first
    with its size against ``sized`` (the baseline's words) when given."""
    phrases = []
    for index, name in enumerate(names):
        options = BY_NAME[name].phrases.get(cues[name].level, ())
        if not options:
            continue
        text = rng.choice(options) if rng is not None else options[0]
        if sized and index == 0 and name in SIZED:
            text += f" ({size_words(cues[name], sized)})"
        phrases.append(text)
    return phrases


def choose_quote(
    label: str,
    words: list[dict[str, Any]],
    cues: Mapping[str, CueLike],
    evidence: list[str] | None = None,
) -> tuple[str, str] | None:
    """(quote, why) for the most salient words, or None when no word stands out.

    ``why`` is ``emotional`` (a word of emotional meaning, its valence matching the label
    where the label has one) or ``marked`` (spoken where a cue of the ``evidence`` for the
    label is most marked). Never the transcript's opening words for a marked moment alone:
    quoting them would read as evidence when it is only where the clip starts.
    """
    if not words:
        return None
    cues = cues_of(cues)
    lead = marked_spans({n: cues[n] for n in evidence or [] if n in cues})
    emotion = emotion_for(label)
    negative = emotion is not None and emotion.negative
    best, best_score = None, 0.0
    for index, word in enumerate(words):
        score = 0.0
        # A word of the other valence ("love" for sad) is no evidence for the label.
        if is_emotional(word["word"]) and (
            canonical(label) == "neutral" or (valence(word["word"]) < 0) == negative
        ):
            score += 2.0
        timed = word.get("end", 0) > word.get("start", 0)
        content = _bare(word["word"]) not in EDGE_WORDS and len(_bare(word["word"])) > 2
        # Only a moment of the evidence for the label is worth quoting: the spans of a cue
        # that speaks against it say nothing for it (issue 30).
        if timed and content and overlaps((word["start"], word["end"]), lead):
            score += 1.5
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return None
    first, last = max(0, best - 1), min(len(words), best + QUOTE_WORDS - 1)
    for index in range(first, last):  # a quote does not run across a comma or a full stop
        if words[index]["word"].rstrip()[-1:] in ",.;:!?":
            if index < best:
                first = index + 1
            else:
                last = index + 1
                break
    while first < best and _bare(words[first]["word"]) in EDGE_WORDS:
        first += 1
    while last - 1 > best and _bare(words[last - 1]["word"]) in EDGE_WORDS:
        last -= 1
    quote = " ".join(w["word"] for w in words[first:last]).strip(" ,;:.!?\"'")
    why = "emotional" if best_score >= 2.0 else "marked"
    if why == "marked" and first == 0:  # the opening words are no sign: none rather than them
        return None
    return (quote, why) if quote else None


def _bare(word: str) -> str:
    return word.lower().strip(" ,;:.!?\"'")


def supported_by_cues(label: str, cues: Mapping[str, CueLike]) -> bool:
    """Whether any measured cue speaks for ``label`` (marked or slightly), or none speaks
    against it; False for a label whose measured cues only speak against it."""
    favour, against, hedged = weigh(label, cues_of(cues))
    return bool(favour or hedged or not against or profile_for(label) is None)


def evidence_fit(label: str, cues: Mapping[str, CueLike]) -> float:
    """How well the measured cues fit ``label``'s profile: the sum of |z| (at most 3 each)
    of the cues that speak for it, less those that speak against it; for a label that
    expects the baseline (neutral), 1 - |z| per cue (at least -2)."""
    fit = 0.0
    cues = cues_of(cues)
    for name in CITABLE:
        cue = cues.get(name)
        if cue is not None and cue.has_z:
            expected = expectation(label, name)
            if (
                expected in NEAR_BASELINE
            ):  # the nearer the baseline (or the harmless way), the better
                fit += max(-2.0, 1.0 - max(baseline_excess(expected, cue.z), 0.0))
                continue
            stance, _ = cue_stance(label, name, cue)
            weight = min(abs(cue.z), 3.0)
            fit += weight if stance == FOR else -weight if stance == AGAINST else 0.0
    return fit


def alternative_label(
    label: str,
    probabilities: dict[str, float] | None,
    labels: list[str] | None,
    cues: Cues,
    strong: bool = False,
) -> str | None:
    """The second label when it is close to the first (by the probabilities, or without
    them by how well the cues fit each label's profile), else None."""
    if probabilities and len(probabilities) > 1:
        ranked = sorted(probabilities.items(), key=lambda item: -item[1])
        first = probabilities.get(label, ranked[0][1])
        other = next((lab for lab, _ in ranked if lab != label), None)
        return other if other and probabilities[other] >= first - CLOSE_PROBABILITY else None
    others = [lab for lab in labels or [] if lab != label and profile_for(lab) is not None]
    if not others or profile_for(label) is None:
        return None
    if strong:  # the label has marked evidence: "neutral" is no close reading
        others = [lab for lab in others if expectation(lab, CITABLE[0]) != TYPICAL]
    if not others:
        return None
    fits = {lab: evidence_fit(lab, cues) for lab in others}
    other = max(others, key=lambda lab: fits[lab])
    return other if fits[other] >= evidence_fit(label, cues) else None


def compose_rationale(
    label: str,
    cues: Mapping[str, CueLike],
    *,
    words: list[dict[str, Any]] | None = None,
    transcript: str | None = None,
    probabilities: dict[str, float] | None = None,
    labels: list[str] | None = None,
    seed: int = 0,
    baseline: str | None = None,
    plain_phrases: bool = False,
) -> str:
    """A rationale for ``label`` that weighs the evidence; every sentence grounds.

    Parameters
    ----------
    label : str
        The label to explain (the gold label for targets).
    cues : mapping
        The clip's cues: :class:`~model_core.cues.summary.Cue` objects or their JSON.
    words : list of dict, optional
        The timed transcript ``{"word", "start", "end"}`` (seconds); from ``transcript``
        without times when not given.
    transcript : str, optional
    probabilities : dict, optional
        Label -> probability; a close second label is then named.
    labels : list of str, optional
        The label set: without probabilities, a label whose profile the cues fit at least
        as well is named as a close second.
    seed : int
        Chooses the wordings.
    baseline : str, optional
        The name of the baseline the cues were scored against (``CueSummary.to_dict()
        ["baseline"]``): sizes are said against "the speaker's usual" only for a speaker's
        own baseline, against "a typical female voice" (male, or any) for the population's.
    plain_phrases : bool
        Say each cue in the catalog's first wording (the one the prompt's evidence table
        shows: LLM targets), not a drawn one; the sentence frames are still drawn.
    """
    rng = random.Random(seed)
    wording = None if plain_phrases else rng  # draws cue phrases
    cues = cues_of(cues)
    words = words or [{"word": w, "start": 0.0, "end": 0.0} for w in (transcript or "").split()]
    fmt = {"label": label, "Label": label[:1].upper() + label[1:]}
    fmt["usual"] = reference_words(baseline)
    favour, against, hedged = weigh(label, cues)
    neutral = canonical(label) == "neutral"
    sentences: list[str] = []

    measured = any(n in cues and cues[n].has_z for n in CITABLE)
    if neutral and measured:
        calm = [n for n, _ in near_baseline(cues) if cue_stance(label, n, cues[n])[0] == FOR][:2]
        phrases = [typical for name in calm if (typical := BY_NAME[name].typical)]
        if phrases:
            evidence = _join(phrases)
            lead = rng.choice(NEUTRAL_LEADS)
            sentences.append(lead.format(evidence=evidence, Evidence=_cap(evidence), **fmt))
        elif against:  # nothing typical, and marked cues: nothing measured speaks for it
            sentences.append(NO_SUPPORT.format(**fmt))
        else:
            sentences.append(NOT_NEUTRAL_EITHER)
    elif profile_for(label) is None and measured:
        marked = [
            n for n in CITABLE if n in cues and cues[n].level in MARKED_LEVELS and _citable(n, cues)
        ]
        phrases = _phrases(marked[:2], cues, wording)
        if phrases:
            evidence = _join(phrases)
            sentences.append(
                rng.choice(NO_PROFILE).format(evidence=evidence, Evidence=_cap(evidence), **fmt)
            )
        else:
            sentences.append(_says_little(cues, rng, fmt, label))
    elif favour:
        phrases = _phrases([n for n, _ in favour[:MAX_FOR]], cues, wording, sized=fmt["usual"])
        evidence = _join(phrases)
        sentences.append(
            rng.choice(LEADS).format(evidence=evidence, Evidence=_cap(evidence), **fmt)
        )
    elif hedged:
        name = hedged[0][0]
        evidence = BY_NAME[name].hedged[1 if cues[name].z > 0 else -1]
        sentences.append(rng.choice(WEAK).format(evidence=evidence, **fmt))
    elif against and profile_for(label) is not None:
        sentences.append(NO_SUPPORT.format(**fmt))
    else:
        sentences.append(_says_little(cues, rng, fmt, label) if measured else NO_SPEECH)
    unsupported = sentences[0] == NO_SUPPORT.format(**fmt)

    quote = choose_quote(label, words, cues, [n for n, _ in favour[:MAX_FOR]])
    if quote and neutral and quote[1] == "marked":  # marked moments speak against neutral
        quote = None
    if quote:
        pool: tuple[str, ...] = QUOTES_MARKED
        if quote[1] == "emotional":
            pool = QUOTES_EVEN if neutral else QUOTES_EMOTIONAL
        sentences.append(rng.choice(pool).format(quote=quote[0], **fmt))

    if against:
        names = [n for n, _ in against[:MAX_AGAINST]]
        phrases = _phrases(names, cues, wording)
        if phrases:
            counters: tuple[str, ...] = COUNTERS_ONE if len(phrases) == 1 else COUNTERS_MANY
            if unsupported:  # nothing to outweigh it: say it does not fit, no more
                counters = COUNTERS_UNSUPPORTED
            evidence = _join(phrases)
            template = rng.choice(counters)
            sentences.append(template.format(evidence=evidence, Evidence=_cap(evidence), **fmt))

    cited = [n for n, _ in against[:MAX_AGAINST]]  # the cues of the last sentence, so far
    named = _most_marked_sentence(label, cues, " ".join(sentences), wording, rng, fmt)
    if named:
        sentences.append(named)
        cited = [most_marked_citable(cues) or ""]

    other = alternative_label(label, probabilities, labels, cues, strong=bool(favour))
    if other:
        said = mentioned_cues(ground(" ".join(sentences), [], cues, label=label))
        emotional = quote is not None and quote[1] == "emotional"
        sentences.append(
            _alternative_sentence(other, cues, cited, said, emotional, rng, fmt, wording)
        )

    kept = [s for s in sentences if s and _supported(s, words, cues, label)]
    if unsupported:  # no conclusion that the evidence does not draw
        return " ".join(kept)
    closing = rng.choice(CLOSINGS)
    if not any(label.lower() in s.lower() for s in kept):  # a rationale names its label
        closing = closing or "On balance, {label}."
    if closing:
        kept.append(closing.format(**fmt))
    return " ".join(kept)


def _alternative_sentence(
    other: str,
    cues: Cues,
    cited: list[str],
    said: set[str],
    emotional: bool,
    rng: random.Random,
    fmt: dict[str, str],
    wording: random.Random | None,
) -> str:
    """A sentence naming the close second label, with what speaks for it: "That could
    also suggest sad" when its best cue is the one the previous sentence (``cited``) named,
    else a cue not yet said (``said``: every cue named so far), never one said twice."""
    favour_other, _, _ = weigh(other, cues)
    names = [n for n, _ in favour_other if cue_stance(fmt["label"], n, cues[n])[0] != FOR]
    values = {**fmt, "other": other, "Other": _cap(other)}
    if names and names[0] in cited:  # the previous sentence named it
        return rng.choice(ALTERNATIVE_SAME_CUES).format(**values)
    phrases = _phrases([n for n in names if n not in said][:1], cues, wording)
    if phrases:
        return rng.choice(ALTERNATIVE).format(evidence=phrases[0], **values)
    sentence = rng.choice(ALTERNATIVE_PLAIN).format(**values)
    return sentence[:-1] + TIPPED_BY_WORDS.format(**values) if emotional else sentence


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
