"""One error family: every error class EmoStudio defines derives from EmoStudioError, so
the CLIs and the GUI workers catch that one class and print its message as is."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from model_core.errors import EmoStudioError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model_core", "train", "emostudio")


def error_classes() -> list[tuple[str, str]]:
    """(module, class) of every top-level class whose name ends in ``Error``."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found += [
                (module.removesuffix(".__init__"), node.name)
                for node in tree.body
                if isinstance(node, ast.ClassDef) and node.name.endswith("Error")
            ]
    return found


def test_every_error_class_is_an_emostudio_error():
    classes = error_classes()
    assert len(classes) >= 20  # the scan sees them (audio, store, weights, training...)
    outside = [
        f"{module}.{name}"
        for module, name in classes
        if not issubclass(getattr(importlib.import_module(module), name), EmoStudioError)
    ]
    assert not outside


def test_the_families_keep_their_builtin_bases():
    """Code that caught ValueError or RuntimeError before the family still catches them."""
    from emostudio.store.database import StoreError
    from model_core.model.checkpoint import CheckpointError
    from train.config import ConfigError
    from train.datasets import DatasetError

    assert issubclass(ConfigError, ValueError) and issubclass(DatasetError, ValueError)
    assert issubclass(StoreError, RuntimeError) and issubclass(CheckpointError, RuntimeError)


def test_the_cli_prints_an_emostudio_error_as_one_line(tmp_path, capsys):
    from emostudio.cli.main import main

    status = main(["list", "--db", str(tmp_path / "nowhere" / "p.emostudio")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and err.count("\n") == 1


def _broken(args):
    raise ZeroDivisionError("a bug")


def test_an_internal_error_is_one_line_and_its_traceback_only_with_debug(
    tmp_path, capsys, monkeypatch
):
    import pytest

    from emostudio.cli.main import main as app_main
    from model_core.errors import UNEXPECTED_STATUS
    from train import cli as train_cli

    monkeypatch.setattr("emostudio.cli.project.run_list", _broken)
    command = ["list", "--db", str(tmp_path / "p.emostudio")]
    assert app_main(command) == UNEXPECTED_STATUS
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ZeroDivisionError: a bug" in err and "--debug" in err
    with pytest.raises(ZeroDivisionError):
        app_main([*command, "--debug"])

    monkeypatch.setitem(train_cli.COMMANDS, "validate", _broken)
    assert train_cli.main(["validate", "asterisk"]) == UNEXPECTED_STATUS
    assert "ZeroDivisionError: a bug" in capsys.readouterr().err
    with pytest.raises(ZeroDivisionError):
        train_cli.main(["validate", "asterisk", "--debug"])
