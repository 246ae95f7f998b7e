"""Evaluation: accuracy (WA, UA), macro-F1, per-class recall, confusion matrix, grounding
of generated rationales, and ASR word error rate where transcripts exist."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from model_core.asr import Transcriber, normalize_for_wer
from model_core.grounding import ground
from model_core.model.drafting import draft_rationales
from model_core.model.prompts import emotion_prompt, label_answer
from model_core.model.reasoner import EmoReasoner
from model_core.rationale.review import CHECKED, MODEL, deliver, pick_draft, review_draft
from train.datasets.example import DatasetError
from train.features import FeatureCache, Prepared, prepare_all_examples
from train.reasoning_eval import (
    Rationales,
    evidence_prompt,
    problem_kind,
    target_metrics,
    timed_words,
)

MAX_NAMED = 20  # examples left out that are named one by one

EVAL_BATCH = 8


@dataclass
class ClassificationMetrics:
    labels: list[str]
    n: int
    weighted_accuracy: float  # WA: share of all examples right
    unweighted_accuracy: float  # UA: mean per-class recall
    macro_f1: float
    recall: dict[str, float]
    confusion: list[list[int]]  # rows: true label, columns: predicted label

    def table(self) -> str:
        width = max(len(label) for label in self.labels) + 2
        lines = [
            "true \\ predicted".ljust(width) + "".join(label[:8].rjust(9) for label in self.labels)
        ]
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(label.ljust(width) + "".join(str(v).rjust(9) for v in row))
        return "\n".join(lines)


def classification_metrics(
    true: list[str], predicted: list[str], labels: list[str]
) -> ClassificationMetrics:
    """WA, UA, macro-F1 and the confusion matrix (classes absent from ``true`` are left out of UA)."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(true, predicted, strict=True):
        confusion[index[t], index[p]] += 1
    support = confusion.sum(axis=1)
    predicted_count = confusion.sum(axis=0)
    hits = np.diag(confusion)
    recall = np.divide(hits, support, out=np.zeros(len(labels)), where=support > 0)
    precision = np.divide(
        hits, predicted_count, out=np.zeros(len(labels)), where=predicted_count > 0
    )
    f1 = np.divide(
        2 * precision * recall,
        precision + recall,
        out=np.zeros(len(labels)),
        where=(precision + recall) > 0,
    )
    present = support > 0
    return ClassificationMetrics(
        labels=list(labels),
        n=int(support.sum()),
        weighted_accuracy=float(hits.sum() / max(1, support.sum())),
        unweighted_accuracy=float(recall[present].mean()) if present.any() else float("nan"),
        macro_f1=float(f1[present].mean()) if present.any() else float("nan"),
        recall={label: float(recall[i]) for i, label in enumerate(labels) if present[i]},
        confusion=confusion.tolist(),
    )


def save_confusion_png(metrics: ClassificationMetrics, path: Path, title: str) -> Path:
    """The confusion matrix as a PNG (row-normalised colours, counts written in the cells)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.array(metrics.confusion, dtype=float)
    normalised = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    figure, axes = plt.subplots(
        figsize=(1.2 + 0.9 * len(metrics.labels), 1 + 0.8 * len(metrics.labels))
    )
    axes.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(metrics.labels)), metrics.labels, rotation=45, ha="right")
    axes.set_yticks(range(len(metrics.labels)), metrics.labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    for (row, column), count in np.ndenumerate(matrix):
        axes.text(
            column,
            row,
            int(count),
            ha="center",
            va="center",
            color="white" if normalised[row, column] > 0.5 else "black",
        )
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


CITATION_FIELDS = ("claim", "verdict", "stance", "presented_as")


def _pct(rate: float) -> str:
    return "n/a" if rate is None or math.isnan(rate) else f"{rate:.1%}"


@dataclass
class EvaluationReport:
    classification: ClassificationMetrics | None
    grounding: dict = field(default_factory=dict)
    wer: float | None = None
    wer_examples: int = 0
    predictions: list[dict] = field(default_factory=list)
    target_grounding: dict = field(default_factory=dict)  # the composer's targets, same clips
    # What a user reads under the default "checked" policy (model_core.rationale.review):
    # the drafts that pass the review, the composer's rationale for the others.
    delivered_grounding: dict = field(default_factory=dict)
    drafts_accepted: int = 0

    def to_dict(self) -> dict:
        data = asdict(self)
        return data

    def _drafts_line(self, g: dict) -> str:
        """Drafts accepted, the honesty metrics of the drafts and the review's problems."""
        rates = ", ".join(f"{kind} {_pct(rate)}" for kind, rate in g["problem_rates"].items())
        how = f"up to {g['drafts_per_clip']}" if g["drafts_per_clip"] > 1 else "greedy"
        how += ", vocabulary-constrained" if g.get("constrained") else ""
        return (
            f"Drafts ({how}): **{self.drafts_accepted} of {g['rationales']} accepted** "
            f"({_pct(self.drafts_accepted / max(1, g['rationales']))}); evidence against the "
            f"conclusion unsaid {_pct(g['against_conclusion_rate'])}, baseline-word errors "
            f"{g['baseline_word_errors']}, clinical words {_pct(g['clinical_word_rate'])}; "
            f"{g['seconds_per_rationale']:.2f} s per rationale. Problems per draft: "
            f"{rates or 'none'}"
        )

    def markdown(self) -> str:
        lines = []
        c = self.classification
        if c is not None:
            lines += [
                f"- examples: {c.n}",
                f"- WA (accuracy): **{c.weighted_accuracy:.1%}**",
                f"- UA (mean class recall): **{c.unweighted_accuracy:.1%}**",
                f"- macro-F1: **{c.macro_f1:.3f}**",
                "- recall per class: " + ", ".join(f"{k} {v:.1%}" for k, v in c.recall.items()),
                "",
                "```",
                c.table(),
                "```",
            ]
        if self.grounding:
            g = self.grounding
            lines += [
                "",
                f"Grounding of {g['rationales']} generated rationales: quote groundedness "
                f"{g['quote_groundedness']:.1%}, cue support rate {g['cue_support_rate']:.1%}, "
                f"contradiction rate {g['contradiction_rate']:.1%}, claims per rationale "
                f"{g['claims_per_rationale']:.2f}",
            ]
            targets = self.target_grounding
            if targets:
                lines += [
                    "",
                    f"The composer's targets for the same {targets['rationales']} clips (gold "
                    f"label): consistency {_pct(targets['consistency'])}, inconsistent citations "
                    f"{_pct(targets['inconsistency_rate'])}, coverage {_pct(targets['coverage'])}, "
                    f"quote salience {_pct(targets['quote_salience'])}, quote groundedness "
                    f"{_pct(targets['quote_groundedness'])}, cue support "
                    f"{_pct(targets['cue_support_rate'])}",
                ]
            if "consistency" in g:
                lines += [
                    "",
                    f"Reasoning: consistency {_pct(g['consistency'])}, inconsistent citations "
                    f"{_pct(g['inconsistency_rate'])}, coverage of the marked cues "
                    f"{_pct(g['coverage'])}, quote salience {_pct(g['quote_salience'])}, "
                    f"mean length {g['mean_words']:.1f} words",
                ]
            if "seconds_per_rationale" in g:
                lines += ["", self._drafts_line(g)]
            d = self.delivered_grounding
            if d:
                lines += [
                    "",
                    f"Delivered under the checked policy ({self.drafts_accepted} of "
                    f"{d['rationales']} drafts passed the review; the composer wrote the "
                    f"rest): consistency {_pct(d['consistency'])}, inconsistent citations "
                    f"{_pct(d['inconsistency_rate'])}, coverage {_pct(d['coverage'])}, quote "
                    f"salience {_pct(d['quote_salience'])}, quote groundedness "
                    f"{_pct(d['quote_groundedness'])}, cue support {_pct(d['cue_support_rate'])}, "
                    f"mean length {d['mean_words']:.1f} words",
                ]
        if self.wer is not None:
            lines += [
                "",
                f"ASR word error rate on {self.wer_examples} examples with transcripts: "
                f"**{self.wer:.1%}**",
            ]
        return "\n".join(lines)


@torch.inference_mode()
def evaluate(
    model: EmoReasoner,
    prepared: list[Prepared],
    *,
    rationales: int = 32,
    asr: bool = True,
    say: Callable[[str], None] = print,
    head_cache: Path | None = None,
    drafts: int | None = None,
    constrained: bool | None = None,
    seed: int = 0,
) -> EvaluationReport:
    """Score every labelled example; generate ``rationales`` of them for the grounding metrics.

    A model with a label head takes its labels from the head (features cached in
    ``head_cache``); each speaker with enough clips here is read against their own voice.
    ``drafts`` (best of k, the review choosing) and ``constrained`` (vocabulary-constrained
    decoding) default to the model's settings; the report gives the seconds per rationale
    and how often each kind of problem made the review reject a draft. ``seed`` seeds the
    sampled drafts, so that a run can be repeated.
    """
    draft_count = drafts or model.config.drafts
    constrained = model.config.constrained_decoding if constrained is None else constrained
    model.eval()
    config = model.config
    labelled = [p for p in prepared if p.example.label in config.labels]
    head_rows = (
        head_probabilities(model, [p.example for p in labelled], head_cache, say)
        if model.head is not None
        else None
    )
    true, predicted, records = [], [], []
    for first in range(0, len(labelled), EVAL_BATCH):
        batch = labelled[first : first + EVAL_BATCH]
        prompts = [_prompt(item, config) for item in batch]
        if head_rows is not None:
            probabilities = head_rows[first : first + EVAL_BATCH]
        else:
            probabilities = model.score_labels([item.clip for item in batch], prompts)
        for item, row in zip(batch, probabilities, strict=True):
            guess = config.labels[int(np.argmax(row))]
            true.append(item.example.label)
            predicted.append(guess)
            records.append(
                {
                    "id": item.example.id,
                    "label": item.example.label,
                    "predicted": guess,
                    "probabilities": {
                        k: round(float(v), 4) for k, v in zip(config.labels, row, strict=True)
                    },
                }
            )
        say(f"scored {min(first + EVAL_BATCH, len(labelled))}/{len(labelled)}")
    classification = (
        classification_metrics(true, predicted, list(config.labels)) if labelled else None
    )
    grounding, target_grounding, delivered = {}, {}, {}
    accepted = 0
    if rationales and labelled:
        chosen = labelled[:rationales]
        drafts, finals = Rationales(), Rationales()
        problems: dict[str, int] = {}
        generation_s = 0.0
        torch.manual_seed(seed)  # sampled drafts: a run repeats
        draft_total = 0  # drafts written: a greedy one per clip, more for rejected ones
        for first in range(0, len(chosen), EVAL_BATCH):
            batch = chosen[first : first + EVAL_BATCH]
            rows = [records[labelled.index(item)] for item in batch]
            prompts = [
                evidence_prompt(item, config, row) for item, row in zip(batch, rows, strict=True)
            ]
            started = time.perf_counter()

            def citations_of(text: str, item: Prepared, label: str) -> list:
                return ground(text, timed_words(item), item.cues, label=label)

            def passes(i: int, text: str, batch=batch, rows=rows) -> bool:
                label = rows[i]["predicted"]
                citations = citations_of(text, batch[i], label)
                return review_draft(
                    text, citations, batch[i].cues, label, batch[i].baseline
                ).accepted

            texts = draft_rationales(
                model,
                [item.clip for item in batch],
                prompts,
                prefixes=[label_answer(row["predicted"]) + "Reason:" for row in rows],
                accepted=passes,
                drafts=draft_count,
                vocabulary=[p.own_words() for p in prompts] if constrained else None,
            )
            generation_s += time.perf_counter() - started
            for index, (item, record) in enumerate(zip(batch, rows, strict=True)):
                guess = record["predicted"]
                words = timed_words(item)
                draft, citations = pick_draft(
                    texts[index],
                    lambda text, item=item, guess=guess: citations_of(text, item, guess),
                    item.cues,
                    guess,
                    item.baseline,
                )
                draft_total += len(texts[index])
                drafts.add(draft, citations, item.cues, item.baseline)
                final = deliver(
                    CHECKED,
                    guess,
                    draft,
                    citations,
                    item.cues,
                    words=words,
                    probabilities=record["probabilities"],
                    labels=list(config.labels),
                    baseline=item.baseline,
                )
                accepted += final.source == MODEL
                for problem in final.problems:
                    kind = problem_kind(problem)
                    problems[kind] = problems.get(kind, 0) + 1
                finals.add(
                    final.text,
                    ground(final.text, words, item.cues, label=guess),
                    item.cues,
                    item.baseline,
                )
                record["rationale"] = draft
                record["citations"] = [
                    {k: c.to_dict()[k] for k in CITATION_FIELDS} for c in citations
                ]
                record["review"] = final.to_dict()
                if final.source != MODEL:
                    record["delivered"] = final.text
        grounding, delivered = drafts.metrics(), finals.metrics()
        grounding["seconds_per_rationale"] = generation_s / len(chosen)
        grounding["drafts_per_clip"] = draft_count
        grounding["drafts_written"] = draft_total
        grounding["constrained"] = constrained
        grounding["problem_rates"] = {k: v / len(chosen) for k, v in sorted(problems.items())}
        target_grounding = target_metrics(chosen, list(config.labels))
    wer, wer_count = (None, 0)
    if asr and model.whisper_tokenizer is not None:
        wer, wer_count = _wer(model, prepared)
    return EvaluationReport(
        classification, grounding, wer, wer_count, records, target_grounding, delivered, accepted
    )


def head_probabilities(
    model: EmoReasoner, examples: list, cache: Path | None, say: Callable[[str], None] = print
) -> np.ndarray:
    """The label head's probabilities of examples, (n, L); a speaker with at least
    ``MIN_SPEAKER_RECORDINGS`` clips here is read against their own voice (labels unseen),
    the others with population weights."""
    from train.features import MIN_SPEAKER_RECORDINGS
    from train.head import head_features, voices_of

    features, kept = head_features(examples, model, model.head.whisper_layer, cache, say)
    if len(kept) != len(examples):  # prepared examples were readable once: a changed file
        raise DatasetError(f"{len(examples) - len(kept)} clips became unreadable during evaluation")
    speakers = [e.speaker for e in examples]
    voices = {
        speaker: voice
        for speaker, voice in voices_of(features, speakers).items()
        if voice.n_recordings >= MIN_SPEAKER_RECORDINGS
    }
    return model.head.probabilities(features, [voices.get(s) for s in speakers])


def _prompt(item: Prepared, config, task: str = "ser"):
    return emotion_prompt(task, config, transcript=item.example.transcript, cues=item.descriptor)


def _wer(model: EmoReasoner, prepared: list[Prepared]) -> tuple[float | None, int]:
    import jiwer

    from train.features import samples_of

    with_text = [p for p in prepared if p.example.transcript]
    if not with_text:
        return None, 0
    transcriber = Transcriber.for_model(model)
    hypotheses = transcriber.transcribe([samples_of(p.example) for p in with_text])
    references = [normalize_for_wer(p.example.transcript) for p in with_text]
    return float(jiwer.wer(references, [normalize_for_wer(h.text) for h in hypotheses])), len(
        with_text
    )


def write_report(report: EvaluationReport, folder: Path, title: str) -> Path:
    """``evaluation.json``, ``evaluation.md`` and ``confusion.png`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evaluation.json").write_text(json.dumps(report.to_dict(), indent=2))
    (folder / "evaluation.md").write_text(f"# {title}\n\n{report.markdown()}\n")
    if report.classification is not None:
        save_confusion_png(report.classification, folder / "confusion.png", title)
    return folder / "evaluation.md"


def evaluate_specs(
    model: EmoReasoner,
    specs: list[str],
    cache_dir: Path | None,
    *,
    rationales: int = 32,
    say: Callable[[str], None] = print,
    drafts: int | None = None,
    constrained: bool | None = None,
    population_share: float = 0.0,
) -> EvaluationReport:
    """Evaluate on data specs (see :func:`train.datasets.load_examples`).

    Examples whose label the model does not know are named and left out.
    ``population_share``: the share of speakers whose cues are scored against population
    priors rather than their own recordings (1: population mode).

    Raises
    ------
    DatasetError
        When no example can be evaluated (none readable with a known label or a transcript).
    """
    from train.datasets import DatasetError, load_examples

    examples = [e for spec in specs for e in load_examples(spec)]
    labels = list(model.config.labels)
    outside = [e for e in examples if e.label is not None and e.label not in labels]
    for example in outside[:MAX_NAMED]:
        say(
            f"left out {example.source or example.id}: label {example.label!r} is not one of {labels}"
        )
    if len(outside) > MAX_NAMED:
        say(f"left out {len(outside) - MAX_NAMED} more examples with labels outside {labels}")
    prepared = prepare_all_examples(
        examples, model, FeatureCache(cache_dir), say, population_share=population_share
    )
    asr = model.whisper_tokenizer is not None
    if not any(p.example.label in labels or (asr and p.example.transcript) for p in prepared):
        raise DatasetError(
            f"{', '.join(specs)}: nothing to evaluate: no readable example has one of the "
            f"labels {labels}" + (" or a transcript" if asr else "")
        )
    from train.head import HEAD_CACHE

    head_cache = cache_dir / HEAD_CACHE if cache_dir else None
    return evaluate(
        model,
        prepared,
        rationales=rationales,
        say=say,
        head_cache=head_cache,
        drafts=drafts,
        constrained=constrained,
    )
