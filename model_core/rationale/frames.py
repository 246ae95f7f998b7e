"""The composer's sentence frames, and the frames a rationale may use without a claim.

Every frame that states evidence has a ``{evidence}`` slot filled with cue phrases that
ground (:mod:`model_core.grounding`). The few that carry no claim (a closing, a close
second label, the plain statement that nothing measured supports the label) are listed in
:data:`CLAIM_FREE`: the review (:mod:`model_core.rationale.review`) rejects any other
sentence of a draft that neither cites a cue nor quotes the transcript ("It is clearest
where the voice is most marked.", "The speaker's most important detail lies here."),
since a reader cannot check it against anything.
"""

from __future__ import annotations

import re

from model_core.grounding.metrics import NO_SUPPORT_MARK

LEADS = (
    "{Evidence}, which points to {label}.",
    "The clearest sign of {label} is that {evidence}.",
    "What speaks most for {label} is that {evidence}.",
    "What the voice does fits {label}: {evidence}.",
)
NEUTRAL_LEADS = (
    "Nothing in the voice stands out: {evidence}.",
    "The voice stays close to {usual}: {evidence}.",
    "{Evidence}, as in calm, even speech.",
)
QUOTES_EMOTIONAL = (
    'The words "{quote}" carry the feeling.',
    'The words say as much: "{quote}".',
    'The speaker\'s "{quote}" fits {label} too.',
)
QUOTES_EVEN = (
    'Even "{quote}" is said without much colour.',
    'Even the words "{quote}" come out evenly.',
)
QUOTES_MARKED = (
    'The voice is most marked on "{quote}".',
    'This shows most on "{quote}".',
    'It is clearest where the speaker says "{quote}".',
)
COUNTERS_ONE = (
    "Only one cue speaks against {label}: {evidence}.",
    "Although {evidence}, the rest outweighs it.",
    "Against this, {evidence}.",
    "{Evidence}, which does not fit {label}.",
)
COUNTERS_MANY = (
    "Although {evidence}, the rest outweighs them.",
    "Against this, {evidence}.",
)
WEAK = (
    "The evidence is weak: {evidence}.",
    "The voice gives only a slight sign: {evidence}.",
)
# "Says little": built from the cues that really stay near the baseline (each phrase
# grounded like any other), or said bare when none does.
NOTHING_MEASURED = (
    "The voice gives little to go on: {evidence}.",
    "The voice itself says little here: {evidence}.",
)
NOTHING_MEASURED_BARE = "The voice itself says little here."
# When no measured cue speaks for the label and some speak against it, the rationale says
# so plainly and never concludes "this reads as {label}" (issue 30): NO_SUPPORT_MARK is the
# words that a reader, the review and the metrics find it by.
NO_SUPPORT = (
    f"The measured pitch, loudness and pace {NO_SUPPORT_MARK} {{label}}; the label rests on "
    "the model's reading of the voice as a whole, so treat it as uncertain."
)
COUNTERS_UNSUPPORTED = ("What was measured speaks against it: {evidence}.",)
# The clip's most marked cue is always named (a reader sees it on the plots first), with
# its stance: when the sentences above leave it out (the neutral lead names calm cues; a
# cue with no stance is neither evidence for nor against), one of these names it.
ASIDES = (
    "{Evidence}, which says nothing about {label} either way.",
    "{Evidence}, which has no bearing on {label}.",
)
ALSO_FOR = ("{Evidence}, which also fits {label}.",)
ALSO_AGAINST = ("{Evidence}, which does not fit {label}.",)
NOT_NEUTRAL_EITHER = (
    "Little in the voice is typical, yet nothing points clearly to another emotion."
)
NO_SPEECH = "No voiced speech could be measured, so the voice gives no evidence."
ALTERNATIVE = (
    "It could also be {other}, since {evidence}.",
    "It might also be {other}: {evidence}.",
)
ALTERNATIVE_PLAIN = (
    "The voice alone would fit {other} about as well.",
    "The voice would fit {other} nearly as well.",
)
ALTERNATIVE_SAME_CUES = (
    "That could also suggest {other}.",
    "That alone might also be {other}.",
)
TIPPED_BY_WORDS = "; the words tip the balance to {label}."
NO_PROFILE = (
    "{Evidence}; {label} has no agreed acoustic profile, so the voice neither confirms nor "
    "rules it out.",
)
CLOSINGS = ("", "", "On balance, {label}.", "Taken together, this reads as {label}.")


# Frames that carry no claim, each with its slots ({label}, {other}) as one or two words.
CLAIM_FREE = (
    *(closing for closing in CLOSINGS if closing),
    *ALTERNATIVE_PLAIN,
    *(plain[:-1] + TIPPED_BY_WORDS for plain in ALTERNATIVE_PLAIN),
    *ALTERNATIVE_SAME_CUES,
    NO_SUPPORT,
    NOTHING_MEASURED_BARE,
    NOT_NEUTRAL_EITHER,
    NO_SPEECH,
)
SLOT = re.compile(r"\\\{(?:label|Label|other|Other|usual)\\\}")


def _pattern(frame: str) -> re.Pattern[str]:
    escaped = re.escape(frame.lower())
    return re.compile("^" + SLOT.sub(lambda _: r"[a-z']+(?: [a-z']+)?", escaped) + "$")


CLAIM_FREE_PATTERNS = tuple(_pattern(frame) for frame in CLAIM_FREE)


def is_claim_free_frame(sentence: str) -> bool:
    """Whether ``sentence`` is one of the frames that may stand without a claim (any label
    in its slots; case and spacing ignored)."""
    said = " ".join(sentence.lower().split())
    return any(pattern.match(said) for pattern in CLAIM_FREE_PATTERNS)
