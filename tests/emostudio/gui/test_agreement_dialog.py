"""The agreement dialog: the report the CLI writes, the model switch, refusals, saving."""

from __future__ import annotations

import pytest

from emostudio.store import Project
from emostudio.store.agreement import agreement
from tests.helpers.annotated import KAPPA_ANN_BOB, ann_and_bob

TIMEOUT_MS = 20_000


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "test.emostudio"  # the project the settings fixture opens in a window
    ann_and_bob(path)
    return path


def _expected(db, **options) -> str:
    with Project(db, create=False) as project:
        return agreement(project, **options).to_markdown()


def test_the_dialog_shows_and_saves_the_report(qtbot, settings, db, tmp_path):
    from emostudio.gui.agreement_dialog import AgreementDialog

    dialog = AgreementDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=TIMEOUT_MS)
    assert dialog.report.to_markdown() == _expected(db)
    assert f"{KAPPA_ANN_BOB:.3f}" in dialog.view.toPlainText()
    assert dialog.save_csv.isEnabled() and "2 raters, 10 items" in dialog.status.text()

    dialog.include_model.setChecked(True)
    qtbot.waitUntil(lambda: "model:m" in dialog.report.raters, timeout=TIMEOUT_MS)
    assert dialog.report.to_markdown() == _expected(db, include_model=True)

    markdown, table = tmp_path / "a.md", tmp_path / "a.csv"
    assert dialog.save(markdown, "markdown") and dialog.save(table, "csv")
    assert markdown.read_text(encoding="utf-8") == _expected(db, include_model=True)
    assert table.read_text(encoding="utf-8").startswith("measure,rater,other_rater,")
    assert not dialog.save(tmp_path / "missing" / "a.md", "markdown")
    assert "cannot write" in dialog.status.text()


def test_a_refusal_is_shown_not_raised(qtbot, settings, db):
    from emostudio.gui.agreement_dialog import AgreementDialog

    dialog = AgreementDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=TIMEOUT_MS)
    dialog.annotators.setText("ann")  # one annotator, no model: nothing to compare
    dialog.refresh()
    qtbot.waitUntil(lambda: "two raters" in dialog.status.text(), timeout=TIMEOUT_MS)
    assert dialog.report is None and not dialog.save_markdown.isEnabled()
    dialog.include_model.setChecked(True)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=TIMEOUT_MS)
    assert dialog.report.raters == ["ann", "model:m"]


def test_the_menu_opens_it_on_the_window_project(qtbot, make_window, db):
    window = make_window()
    window.actions_by_name["agreement"].trigger()
    dialog = window.agreement_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=TIMEOUT_MS)
    assert dialog.project_path == db and dialog.report.raters == ["ann", "bob"]
