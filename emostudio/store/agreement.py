"""Agreement between annotators (and, on request, the model) on a project's labels.

The table is items x raters:

- **An item** is one recording, through one of its whole-recording analyses: the latest
  (highest id) whole-recording analysis that carries at least one annotation, by anyone.
  Everything about an item then refers to one analysis (the model's label, the citations
  that judgements point at by index). Annotations of a recording's other analyses (an
  earlier analysis, a selection) are not counted; the report says how many there were.
  Which analysis stands for a recording does not depend on ``annotators``, so a pair's
  numbers are the same in a report of two raters and in one of all of them. Only items
  that one of the chosen annotators rated are in the table.
- **A rater** is an annotator. Only their latest annotation of an item counts; earlier
  ones stay in the project (annotations are append-only) and are counted as history.
  With ``include_model`` each model name becomes one more rater, ``model:<name>``, whose
  rating of an item is its analysis's label.

Measures: Cohen's kappa and percentage agreement for each pair of raters over the items
both rated, with their confusion matrix; Krippendorff's alpha (nominal) over all raters
(the ``krippendorff`` package); the share of agreeing judgements and their kappa where two
annotators judged the same claim of the same item. A kappa or alpha that is 0/0 (both
raters always gave the one same label) is reported as undefined, never as NaN.

This module imports neither Qt nor torch: the CLI and the GUI both call
:func:`agreement`.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from emostudio.store.agreement_report import (  # noqa: F401 - re-exported
    CSV_HEADER,
    AgreementReport,
    ClaimAgreement,
    Item,
    PairAgreement,
)
from emostudio.store.database import StoreError
from model_core.model.labels import DEFAULT_LABELS

MODEL_PREFIX = "model:"
NO_SHARED = "no shared items"
NO_SHARED_CLAIMS = "no claim judged by both"
ONE_LABEL = "undefined: every rating was the same label"
ONE_JUDGEMENT = "undefined: every judgement was the same"
WHOLE_START, WHOLE_END = 1e-3, 1e-2  # s: the tolerance of "the whole recording" (as baselines)

_ANNOTATIONS = (
    "SELECT n.id AS annotation, n.analysis_id AS analysis, n.annotator, n.label,"
    " n.judgements, a.sha256, a.label AS model_label, a.model_name, a.probabilities,"
    f" (a.start <= {WHOLE_START} AND a.end >= r.duration - {WHOLE_END}) AS whole,"
    " a.utterance IS NOT NULL AS utterance, a.start, a.end"
    " FROM annotations n JOIN analyses a ON a.id = n.analysis_id"
    " JOIN recordings r ON r.sha256 = a.sha256 ORDER BY n.id"
)


class AgreementError(StoreError):
    """Agreement cannot be computed on this project with these options; says why."""


# ----------------------------------------------------------------- measures
def kappa_from_confusion(confusion: np.ndarray) -> float | None:
    """Cohen's kappa of a square confusion matrix; None when undefined.

    Parameters
    ----------
    confusion : np.ndarray
        ``confusion[i, j]``: items the first rater put in category i and the second in j.

    Returns
    -------
    float or None
        ``(p_o - p_e) / (1 - p_e)``, computed on the integer counts as
        ``(n * trace - sum_k row_k col_k) / (n**2 - sum_k row_k col_k)`` so that the
        undefined case (expected agreement 1: both raters used one same category) is an
        exact test, not a float comparison. None for an empty matrix too.
    """
    counts = np.asarray(confusion, dtype=np.int64)
    n = int(counts.sum())
    chance = int((counts.sum(axis=1) * counts.sum(axis=0)).sum())
    if n == 0 or chance == n * n:
        return None
    return (n * int(np.trace(counts)) - chance) / (n * n - chance)


def krippendorff_alpha(items: list[dict[str, str]], raters: list[str]) -> tuple[float | None, str]:
    """Krippendorff's alpha (nominal) of the ratings; (None, why) when undefined.

    Parameters
    ----------
    items : list of dict
        Per item, rater -> label; a rater missing from an item did not rate it.
    raters : list of str
        The rows of the reliability matrix.

    Returns
    -------
    tuple
        The alpha (None when undefined) and an empty note or the reason.
    """
    import krippendorff  # only here: nothing else in the store needs it

    pairable = [item for item in items if len(item) >= 2]
    if not pairable:
        return None, "undefined: no item has two raters"
    if len({label for item in pairable for label in item.values()}) < 2:
        return None, ONE_LABEL
    codes = {label: i for i, label in enumerate(sorted({v for i in items for v in i.values()}))}
    data = np.full((len(raters), len(items)), np.nan)
    for column, item in enumerate(items):
        for row, rater in enumerate(raters):
            if rater in item:
                data[row, column] = codes[item[rater]]
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return (value, "") if math.isfinite(value) else (None, "undefined")


def _pair(first: str, second: str, items: list[Item], labels: list[str]) -> PairAgreement:
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for item in items:
        if first in item.ratings and second in item.ratings:
            confusion[index[item.ratings[first]], index[item.ratings[second]]] += 1
    shared = int(confusion.sum())
    kappa = kappa_from_confusion(confusion)
    note = NO_SHARED if not shared else (ONE_LABEL if kappa is None else "")
    return PairAgreement(
        first, second, shared, int(np.trace(confusion)), kappa, note, confusion.tolist()
    )


def _claims(first: str, second: str, items: list[Item]) -> ClaimAgreement:
    confusion = np.zeros((2, 2), dtype=np.int64)  # [first disagrees/agrees, second ...]
    for item in items:
        mine, theirs = item.judgements.get(first, {}), item.judgements.get(second, {})
        for citation in mine.keys() & theirs.keys():
            confusion[int(mine[citation]), int(theirs[citation])] += 1
    judged = int(confusion.sum())
    kappa = kappa_from_confusion(confusion)
    note = NO_SHARED_CLAIMS if not judged else (ONE_JUDGEMENT if kappa is None else "")
    return ClaimAgreement(first, second, judged, int(np.trace(confusion)), kappa, note)


def _mean_pair_agreement(items: list[Item]) -> float | None:
    """Per item with two raters or more, the share of rater pairs that agree; their mean."""
    shares = []
    for item in items:
        pairs = list(itertools.combinations(item.ratings.values(), 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return 100.0 * sum(shares) / len(shares) if shares else None


# ----------------------------------------------------------------- the table
@dataclass
class _Row:
    annotation: int
    analysis: int
    annotator: str
    label: str
    judgements: str
    sha256: str
    model_label: str | None
    model_name: str | None
    probabilities: str | None
    whole: bool
    utterance: bool  # an utterance of a cut recording: an item of its own
    start: float
    end: float

    @property
    def item(self) -> tuple | None:
        """What this row rates: the recording, or one utterance of it (None: a selection)."""
        if self.utterance:
            return (self.sha256, round(self.start, 3), round(self.end, 3))
        return (self.sha256,) if self.whole else None


def _judgements(text: str) -> dict[int, bool] | None:
    """Citation index -> agrees; None when the stored JSON is not a list of judgements.

    A later entry for the same citation wins, as it would in the annotation form.
    """
    try:
        entries = json.loads(text or "[]")
    except ValueError:
        return None
    if not isinstance(entries, list):
        return None
    judged = {}
    for entry in entries:
        if not isinstance(entry, dict):
            return None
        citation, agree = entry.get("citation"), entry.get("agree")
        # bool is an int in Python: a citation "True" is not citation 1.
        if isinstance(citation, bool) or not isinstance(citation, int):
            return None
        if not isinstance(agree, bool):
            return None
        judged[citation] = agree
    return judged


def _item_analyses(rows: list[_Row]) -> dict[tuple, int]:
    """Per item (a recording, or an utterance of a cut one), its latest analysis with an
    annotation."""
    chosen: dict[tuple, int] = {}
    for row in rows:
        if row.item is not None:
            chosen[row.item] = max(chosen.get(row.item, 0), row.analysis)
    return chosen


def _latest(
    rows: list[_Row], chosen: set[int], annotators: set[str]
) -> tuple[dict[tuple[int, str], _Row], Counter]:
    """Each chosen annotator's latest annotation of each item, and what was left out."""
    latest: dict[tuple[int, str], _Row] = {}
    left_out: Counter = Counter()
    for row in rows:  # oldest first: a later annotation replaces an earlier one
        if row.annotator not in annotators:
            continue
        if row.analysis in chosen:
            left_out["history"] += (row.analysis, row.annotator) in latest
            latest[row.analysis, row.annotator] = row
        else:
            left_out["selections" if row.item is None else "earlier"] += 1
    return latest, left_out


def _build_items(
    rows: list[_Row], annotators: set[str], include_model: bool, notes: list[str]
) -> list[Item]:
    chosen = set(_item_analyses(rows).values())
    latest, left_out = _latest(rows, chosen, annotators)
    malformed = 0
    by_analysis: dict[int, list[_Row]] = {}
    for (analysis, _), row in sorted(latest.items()):
        by_analysis.setdefault(analysis, []).append(row)
    model_rows = {row.analysis: row for row in rows if row.analysis in chosen}
    items = []
    # Only items a chosen annotator rated: the model alone on an item is not part of the
    # study being measured (and would inflate its coverage).
    for analysis, annotated in sorted(by_analysis.items()):
        ratings, judged = {}, {}
        for row in annotated:
            ratings[row.annotator] = row.label
            claims = _judgements(row.judgements)
            malformed += claims is None
            judged[row.annotator] = claims or {}
        model = model_rows[analysis]
        if include_model and model.model_label is not None:
            ratings[_model_rater(model.model_name)] = model.model_label
        items.append(Item(analysis, model.sha256, ratings, judged))
    _counted_notes(
        notes, left_out["history"], left_out["earlier"], left_out["selections"], malformed
    )
    return items


def _counted_notes(
    notes: list[str], history: int, earlier: int, selections: int, malformed: int
) -> None:
    if history:
        notes.append(
            f"{history} earlier annotation(s) replaced by the same annotator's later one "
            "were not counted (they stay in the project)"
        )
    if earlier:
        notes.append(
            f"{earlier} annotation(s) of an earlier analysis of a recording were not counted: "
            "each recording (or utterance of a cut recording) counts through its latest "
            "annotated analysis"
        )
    if selections:
        notes.append(
            f"{selections} annotation(s) of selections (not whole recordings) were not counted"
        )
    if malformed:
        notes.append(
            f"{malformed} annotation(s) had unreadable claim judgements, left out of the claims"
        )


def _model_rater(name: str | None) -> str:
    return MODEL_PREFIX + (name or "unknown")


def _label_set(rows: list[_Row], chosen: set[int]) -> list[str]:
    """The labels the item analyses' model scored, in the model's order; else the default set."""
    labels: list[str] = []
    for row in rows:
        if row.analysis in chosen and row.probabilities:
            try:
                scored = json.loads(row.probabilities)
            except ValueError:
                continue
            if isinstance(scored, dict):
                labels += [label for label in scored if label not in labels]
    return labels or list(DEFAULT_LABELS)


def _choose_annotators(known: list[str], wanted: list[str] | None) -> list[str]:
    if wanted is None:
        return known
    names = list(dict.fromkeys(name.strip() for name in wanted if name.strip()))
    if not names:
        raise AgreementError("no annotator named: give names separated by commas")
    unknown = [name for name in names if name not in known]
    if unknown:
        raise AgreementError(
            f"no annotations by {', '.join(repr(n) for n in unknown)} in this project "
            f"(annotators: {', '.join(known)})"
        )
    return names


def agreement(
    project,
    *,
    annotators: list[str] | None = None,
    include_model: bool = False,
    labels: list[str] | None = None,
) -> AgreementReport:
    """How far the raters of ``project`` agree; see the module's notes for what counts.

    Parameters
    ----------
    project : emostudio.store.Project
        An open project.
    annotators : list of str, optional
        Only these annotators (all by default).
    include_model : bool
        Add each model whose label an item's analysis carries as a rater ``model:<name>``.
    labels : list of str, optional
        The label set; by default the labels the items' model scored (their
        ``probabilities``), else :data:`model_core.model.labels.DEFAULT_LABELS`. Labels
        outside it are counted in ``outside`` and compared as plain strings.

    Returns
    -------
    AgreementReport

    Raises
    ------
    AgreementError
        No annotations, an unknown annotator in ``annotators``, a model rater's name
        taken by an annotator, or fewer than two raters.
    """
    rows = [
        _Row(**{**dict(row), "whole": bool(row["whole"]), "utterance": bool(row["utterance"])})
        for row in project.conn.execute(_ANNOTATIONS)
    ]
    if not rows:
        raise AgreementError(f"{project.path}: no annotations yet, so no agreement to measure")
    known = sorted({row.annotator for row in rows})
    chosen_annotators = _choose_annotators(known, annotators)
    taken = [name for name in chosen_annotators if name.startswith(MODEL_PREFIX)]
    if include_model and taken:
        raise AgreementError(
            f"annotator {taken[0]!r} has a model rater's name; leave out --include-model"
        )
    notes: list[str] = []
    items = _build_items(rows, set(chosen_annotators), include_model, notes)
    raters = _raters(chosen_annotators, items, include_model)
    label_set = (
        list(dict.fromkeys(labels)) if labels else _label_set(rows, {i.analysis_id for i in items})
    )
    return _report(project, raters, items, label_set, notes)


def _raters(annotators: list[str], items: list[Item], include_model: bool) -> list[str]:
    models = sorted({r for item in items for r in item.ratings if r.startswith(MODEL_PREFIX)})
    raters = [*annotators, *models] if include_model else list(annotators)
    if len(raters) < 2:
        hint = "" if include_model else "; add the model as a rater with --include-model"
        only = f"only {raters[0]!r}" if raters else "nobody"
        raise AgreementError(f"agreement needs two raters, and {only} rated{hint}")
    return raters


def _report(project, raters, items, label_set, notes) -> AgreementReport:
    ratings = Counter(label for item in items for label in item.ratings.values())
    outside = {label: ratings[label] for label in sorted(ratings) if label not in label_set}
    labels = [*label_set, *outside]
    if outside:
        notes.append(
            f"{sum(outside.values())} rating(s) use labels outside the label set "
            f"({', '.join(outside)}); they are compared as plain strings"
        )
    human = [r for r in raters if not r.startswith(MODEL_PREFIX)]
    alpha, alpha_note = krippendorff_alpha([item.ratings for item in items], raters)
    return AgreementReport(
        project=project.path.name,
        raters=raters,
        labels=labels,
        label_set=label_set,
        items=items,
        coverage={r: sum(r in item.ratings for item in items) for r in raters},
        multi_rated=sum(len(item.ratings) >= 2 for item in items),
        percent=_mean_pair_agreement(items),
        alpha=alpha,
        alpha_note=alpha_note,
        pairs=[_pair(a, b, items, labels) for a, b in itertools.combinations(raters, 2)],
        claims=[_claims(a, b, items) for a, b in itertools.combinations(human, 2)],
        outside=outside,
        notes=notes,
    )
