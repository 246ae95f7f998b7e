"""Reasoning evaluation: the prompts, rationale gathering and problem counts that
:func:`train.evaluate.evaluate` uses for the model's drafts and the composer's targets."""

from __future__ import annotations

from model_core.grounding import ground, grounding_metrics
from model_core.model.prompts import reason_prompt
from train.features import Prepared


class Rationales:
    """Rationales with their citations and clip cues, gathered for the grounding metrics."""

    def __init__(self):
        self.citations, self.cues, self.texts, self.baselines = [], [], [], []

    def add(self, text: str, citations: list, cues: dict, baseline: str = "") -> None:
        self.citations.append(citations)
        self.cues.append(cues)
        self.texts.append(text)
        self.baselines.append(baseline)

    def metrics(self) -> dict:
        return grounding_metrics(self.citations, self.cues, self.texts, self.baselines).to_dict()


def target_metrics(items: list[Prepared], labels: list[str]) -> dict:
    """The reasoning metrics of the composer's targets (gold label) on the same clips: what
    the model was taught, measured the way its own rationales are."""
    from model_core.rationale.compose import compose_rationale

    groups, clip_cues, texts = [], [], []
    for seed, item in enumerate(items):
        label = item.example.label or ""
        words = item.words
        text = compose_rationale(
            label,
            item.cues,
            words=words,
            transcript=item.example.transcript,
            labels=labels,
            seed=seed,
            baseline=item.baseline,
        )
        untimed = [
            {"word": w, "start": 0.0, "end": 0.0} for w in (item.example.transcript or "").split()
        ]
        groups.append(ground(text, words or untimed, item.cues, label=label))
        clip_cues.append(item.cues)
        texts.append(text)
    baselines = [item.baseline for item in items]
    return grounding_metrics(groups, clip_cues, texts, baselines).to_dict()


def timed_words(item: Prepared) -> list[dict]:
    """The example's words, spread over its speech; untimed without speech intervals (quotes
    are then checked on the words alone)."""
    return item.words or [
        {"word": w, "start": 0.0, "end": 0.0} for w in (item.example.transcript or "").split()
    ]


def evidence_prompt(item: Prepared, config, record: dict):
    """The reasoning prompt the analyzer would build for this clip and the head's label (a
    corpus transcript is taken as reliable)."""
    return reason_prompt(
        config,
        record["predicted"],
        transcript=item.example.transcript,
        descriptor=item.descriptor,
        cues=item.cues,
        probabilities=record["probabilities"],
        words=timed_words(item),
        transcript_reliable=True,
        baseline=item.baseline,
    )


PROBLEM_KINDS = (
    ("not in the transcript", "quote not in the transcript"),
    ("neither emotional words", "quote not salient"),
    ("contradicted", "contradicted claim"),
    ("cannot be checked", "unchecked claim"),
    ("recogniser doubts", "quote of a doubted transcript"),
    ("but speaks against", "inconsistent citation"),
    ("but says nothing", "citation that says nothing"),
    ("clinical sign", "clinical word"),
    ("ignores the most marked cue", "ignores the most marked cue"),
    ("does not say so", "evidence against its conclusion, unsaid"),
    ("another baseline", "baseline-word error"),
    ("both for and against", "a cue cited both ways"),
    ("but speaks for it", "a cue for the label cited against it"),
    ("twice", "a claim repeated"),
    ("says nothing a measurement", "a sentence with nothing to check"),
    ("wrote nothing", "empty"),
    ("cites no words", "no evidence cited"),
)


def problem_kind(problem: str) -> str:
    """The kind of a review problem (its sentence, :func:`model_core.rationale.review.
    review_draft`), for the per-problem rates."""
    return next((kind for marker, kind in PROBLEM_KINDS if marker in problem), "other")
