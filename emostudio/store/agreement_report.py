"""What :func:`emostudio.store.agreement.agreement` reports, and how it is shown: the
result types (an item, a pair of raters, their claims, the whole report) and their
Markdown and CSV renderings. No Qt, no torch."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field

from emostudio.store.spreadsheet import spreadsheet_row

CSV_HEADER = (
    "measure",
    "rater",
    "other_rater",
    "label",
    "other_label",
    "item",
    "value",
    "n",
    "note",
)


@dataclass(frozen=True)
class Item:
    """One rated item: an analysis, and each rater's label of it."""

    analysis_id: int
    sha256: str
    ratings: dict[str, str]
    judgements: dict[str, dict[int, bool]]  # annotator -> citation index -> agrees


@dataclass(frozen=True)
class PairAgreement:
    """Two raters over the items both rated.

    ``kappa`` is None when undefined (``note`` says why); ``confusion[i][j]`` counts the
    items ``first`` labelled ``labels[i]`` and ``second`` labelled ``labels[j]``.
    """

    first: str
    second: str
    shared: int
    agreeing: int
    kappa: float | None
    note: str
    confusion: list[list[int]]

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreeing / self.shared if self.shared else None


@dataclass(frozen=True)
class ClaimAgreement:
    """Two annotators' agree/disagree judgements of the same claims of the same items."""

    first: str
    second: str
    judged: int  # claims both judged
    agreeing: int
    kappa: float | None
    note: str

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreeing / self.judged if self.judged else None


@dataclass
class AgreementReport:
    """What :func:`agreement` found; :meth:`to_markdown` and :meth:`to_csv_rows` show it."""

    project: str
    raters: list[str]
    labels: list[str]  # the confusion matrices' order: the label set, then any others
    label_set: list[str]
    items: list[Item]
    coverage: dict[str, int]  # items each rater rated
    multi_rated: int  # items with two raters or more
    percent: float | None  # mean over those items of the share of agreeing rater pairs
    alpha: float | None
    alpha_note: str
    pairs: list[PairAgreement]
    claims: list[ClaimAgreement]
    outside: dict[str, int] = field(default_factory=dict)  # label -> ratings using it
    notes: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        """The report as Markdown: counts, alpha, pairs, confusion matrices, claims, notes."""
        lines = [
            f"# Annotator agreement: {self.project}",
            "",
            f"{len(self.items)} items, {self.multi_rated} with two raters or more; "
            f"raters: {', '.join(self.raters)}.",
            "",
            f"- Krippendorff's alpha (nominal, all raters): {_number(self.alpha, self.alpha_note)}",
            f"- percentage agreement (rater pairs per item): {_percent(self.percent)}",
            "",
            "## Items per rater",
            "",
            "| rater | items |",
            "| --- | ---: |",
            *(f"| {_cell(r)} | {self.coverage[r]} |" for r in self.raters),
            "",
            "## Pairs of raters",
            "",
            "| rater | other rater | shared items | agreement | Cohen's kappa |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {_cell(p.first)} | {_cell(p.second)} | {p.shared} | {_percent(p.percent)} | "
            f"{_number(p.kappa, p.note)} |"
            for p in self.pairs
        ]
        for pair in self.pairs:
            if pair.shared:
                lines += ["", *self._confusion_markdown(pair)]
        lines += ["", "## Claim judgements", ""]
        if self.claims:
            lines += [
                "| annotator | other annotator | claims both judged | agreement | kappa |",
                "| --- | --- | ---: | ---: | ---: |",
            ]
            lines += [
                f"| {_cell(c.first)} | {_cell(c.second)} | {c.judged} | {_percent(c.percent)} | "
                f"{_number(c.kappa, c.note)} |"
                for c in self.claims
            ]
        else:
            lines.append("No two annotators to compare.")
        if self.notes:
            lines += ["", "## Notes", "", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines) + "\n"

    def _confusion_markdown(self, pair: PairAgreement) -> list[str]:
        used = [
            i
            for i in range(len(self.labels))
            if any(pair.confusion[i]) or any(row[i] for row in pair.confusion)
        ]
        header = " | ".join(_cell(self.labels[j]) for j in used)
        lines = [
            f"### {_cell(pair.first)} (rows) x {_cell(pair.second)} (columns)",
            "",
            f"| | {header} |",
            "| --- |" + " ---: |" * len(used),
        ]
        for i in used:
            counts = " | ".join(str(pair.confusion[i][j]) for j in used)
            lines.append(f"| {_cell(self.labels[i])} | {counts} |")
        return lines

    def to_csv_rows(self) -> list[list[str]]:
        """The report as CSV rows (the header first), one measure per row.

        Columns are :data:`CSV_HEADER`; ``value`` is empty where a measure is undefined
        (``note`` says why). The last rows are the item x rater table itself (``rating``).
        """
        rows: list[list] = [list(CSV_HEADER)]

        def add(measure, rater="", other="", label="", other_label="", item="", value=None, n=""):
            note = value if isinstance(value, str) else ""
            shown = "" if value is None or isinstance(value, str) else _plain(value)
            rows.append([measure, rater, other, label, other_label, item, shown, n, note])

        add("items", value=len(self.items))
        add("items with two or more raters", value=self.multi_rated)
        for rater in self.raters:
            add("items rated", rater, value=self.coverage[rater])
        add("krippendorff alpha", value=_or_note(self.alpha, self.alpha_note), n=self.multi_rated)
        add("percent agreement", value=self.percent, n=self.multi_rated)
        for p in self.pairs:
            add("cohen kappa", p.first, p.second, value=_or_note(p.kappa, p.note), n=p.shared)
            add(
                "percent agreement",
                p.first,
                p.second,
                value=_or_note(p.percent, p.note),
                n=p.shared,
            )
            for (i, a), (j, b) in itertools.product(enumerate(self.labels), repeat=2):
                if p.confusion[i][j]:
                    add("confusion", p.first, p.second, a, b, value=p.confusion[i][j])
        for c in self.claims:
            add("claim kappa", c.first, c.second, value=_or_note(c.kappa, c.note), n=c.judged)
            add(
                "claim percent agreement",
                c.first,
                c.second,
                value=_or_note(c.percent, c.note),
                n=c.judged,
            )
        for label, count in self.outside.items():
            add("label outside the label set", label=label, value=count)
        for note in self.notes:
            add("note", value=note)
        for item in self.items:
            for rater, label in item.ratings.items():
                add("rating", rater, label=label, item=item.analysis_id)
        return [spreadsheet_row(str(cell) for cell in row) for row in rows]

    def to_csv(self) -> str:
        """:meth:`to_csv_rows` as CSV text."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self.to_csv_rows())
        return buffer.getvalue()


def _or_note(value: float | None, note: str) -> float | str | None:
    return note if value is None and note else value


def _plain(value) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def _number(value: float | None, note: str) -> str:
    return f"{value:.3f}" if value is not None else (note or "undefined")


def _percent(value: float | None) -> str:
    return f"{value:.1f} %" if value is not None else "n/a"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (names are the users' own)."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
