"""The model dialog: a shipped model or a checkpoint folder."""

from __future__ import annotations

import pytest

from emostudio.gui.dialogs import ModelDialog


@pytest.mark.parametrize(
    ("spec", "checked"), [("default", "default"), ("/models/mine", "folder_choice")]
)
def test_the_current_choice_is_shown_and_returned(qtbot, spec, checked):
    dialog = ModelDialog(spec, "cpu", {})
    qtbot.addWidget(dialog)
    assert getattr(dialog, checked).isChecked()
    assert dialog.choice() == (spec, "cpu")


def test_typing_a_folder_chooses_it_and_an_empty_folder_means_the_default(qtbot):
    dialog = ModelDialog("default", "auto", {})
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.folder, "/models/mine")
    assert dialog.folder_choice.isChecked() and dialog.choice() == ("/models/mine", "auto")
    dialog.folder.clear()
    assert dialog.choice() == ("default", "auto")


def test_the_synthetic_model_is_offered_and_every_offer_is_a_shipped_model(qtbot):
    from emostudio.gui.dialogs import SHIPPED_CHOICES
    from model_core.pipeline import SHIPPED_MODELS

    assert set(SHIPPED_CHOICES) <= set(SHIPPED_MODELS)
    dialog = ModelDialog("synthetic", "cpu", {})
    qtbot.addWidget(dialog)
    assert dialog.shipped["synthetic"].isChecked() and not dialog.default.isChecked()
    assert dialog.folder.text() == "" and dialog.choice() == ("synthetic", "cpu")
    dialog.default.setChecked(True)
    assert dialog.choice() == ("default", "cpu")
