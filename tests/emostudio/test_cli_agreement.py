"""``emostudio agreement``: the report on stdout or in a file, and one-line refusals."""

from __future__ import annotations

import csv
import io

import pytest

from emostudio.cli.main import main
from emostudio.store import Project
from tests.helpers.annotated import BOB, KAPPA_ANN_BOB, add_items, ann_and_bob, rate


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "study.emostudio"
    ann_and_bob(path)
    return path


def test_markdown_on_stdout(db, capsys):
    assert main(["agreement", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Annotator agreement: study.emostudio")
    assert f"| ann | bob | 10 | 70.0 % | {KAPPA_ANN_BOB:.3f} |" in out
    assert "Krippendorff's alpha" in out


def test_csv_to_a_file_with_the_model_and_a_filter(db, tmp_path, capsys):
    out = tmp_path / "agreement.csv"
    args = ["agreement", "--db", str(db), "--format", "csv", "--out", str(out)]
    assert main([*args, "--annotators", "ann", "--include-model"]) == 0
    assert "2 raters on 10 items" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["rater"] for r in rows if r["measure"] == "items rated"} == {"ann", "model:m"}
    kappa = next(r for r in rows if r["measure"] == "cohen kappa")
    # The model said "neutral" every time, ann 4 times in 10: p_o = p_e = 4/10, kappa 0.
    assert (kappa["rater"], kappa["other_rater"], kappa["n"]) == ("ann", "model:m", "10")
    assert float(kappa["value"]) == pytest.approx(0.0, abs=1e-12)


def test_the_model_as_rater_agrees_like_an_annotator(tmp_path, capsys):
    path = tmp_path / "p.emostudio"
    with Project(path) as project:
        rate(project, add_items(project, BOB), "ann", BOB)
    assert main(["agreement", "--db", str(path), "--include-model"]) == 0
    assert "| ann | model:m | 10 | 100.0 % | 1.000 |" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--annotators", "ann,dora"], "no annotations by 'dora'"),
        (["--annotators", "ann"], "agreement needs two raters"),
        (["--annotators", ","], "no annotator named"),
    ],
)
def test_bad_options_are_one_line_and_status_2(db, capsys, extra, message):
    assert main(["agreement", "--db", str(db), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_projects_that_cannot_be_measured(tmp_path, capsys):
    empty = tmp_path / "empty.emostudio"
    with Project(empty) as project:
        add_items(project, ["sad"])
    assert main(["agreement", "--db", str(empty), "--include-model"]) == 2
    assert "no annotations yet" in capsys.readouterr().err
    assert main(["agreement", "--db", str(tmp_path / "missing.emostudio")]) == 2
    err = capsys.readouterr().err
    assert "no such project file" in err and err.count("\n") == 1
    assert not (tmp_path / "missing.emostudio").exists()


def test_an_unwritable_out_is_one_line(db, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "folder" / "a.md"
    assert main(["agreement", "--db", str(db), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write the report" in err and err.count("\n") == 1
