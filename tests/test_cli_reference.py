"""docs/cli.md says what the parsers accept: each command's block is its own ``--help``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _reference():
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts/cli_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_matches_every_parser():
    reference = _reference()
    helps = reference.command_helps()
    assert {"emostudio analyze", "emostudio models list", "emostudio-train fit-head"} <= set(helps)
    text = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    updated, problems = reference.refresh(text, helps)
    assert problems == []
    assert updated == text, "docs/cli.md is stale: run python scripts/cli_reference.py"


def test_drift_is_caught(tmp_path):
    reference = _reference()
    helps = {"emostudio": "usage: emostudio\n", "emostudio cues": "usage: emostudio cues\n"}
    text = (
        "<!-- help: emostudio -->\n```text\nusage: an older emostudio\n```\n<!-- /help -->\n"
        "<!-- help: emostudio gone -->\n```text\nusage\n```\n<!-- /help -->\n"
    )
    updated, problems = reference.refresh(text, helps)
    assert "usage: emostudio\n" in updated and "an older" not in updated
    assert problems == [
        "a block for 'emostudio gone', which is no command",
        "no block for 'emostudio cues'",
    ]
    stale = tmp_path / "cli.md"
    stale.write_text(text)
    assert reference.main([str(stale), "--check"]) == 1
    assert stale.read_text() == text  # --check changes nothing
