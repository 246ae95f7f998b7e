"""The layer rules of docs/ARCHITECTURE.md, read from the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "model_core": {"PySide6", "pyqtgraph", "sounddevice", "emostudio", "train"},
    "train": {"PySide6", "pyqtgraph", "sounddevice", "emostudio"},
}
QT = {"PySide6", "pyqtgraph"}
MODEL_LIBRARIES = {"torch", "transformers", "peft", "accelerate"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_packages_never_import_the_app_or_qt(package):
    assert modules(package), f"{package} has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in modules(package)
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_qt_modules_never_import_model_libraries():
    offenders = {}
    for path in modules("emostudio"):
        roots = imported_roots(path)
        if roots & QT and "worker" not in path.stem:
            bad = roots & MODEL_LIBRARIES
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders


def imported_modules(path: Path) -> set[str]:
    """Full dotted names of the absolute imports of a module (inside functions too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


GUI_BENCHMARKS = {"gui", "app"}


def test_the_shipped_app_never_imports_train_or_the_benchmarks():
    """The product (``emostudio``, ``model_core``) stands apart from its development code:
    ``train`` and the ``benchmarks`` (which may import anything) are not shipped with it, so
    nothing in the product imports them; only the GUI benchmarks (``gui``: widgets,
    ``app``: the whole window driven as a user would) import Qt."""
    offenders = {}
    for package in ("emostudio", "model_core"):
        for path in modules(package):
            roots = imported_roots(path)
            bad = roots & {"train", "benchmarks", "research"}
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    for path in modules("benchmarks"):
        names = imported_modules(path)
        if path.stem not in GUI_BENCHMARKS:
            bad = (imported_roots(path) & QT) | {n for n in names if n.startswith("emostudio.gui")}
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders
    assert "train.datasets.asterisk" in imported_modules(ROOT / "benchmarks" / "asr.py")  # seen
    import fnmatch
    import tomllib

    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = shipped["packages"]["find"]["include"]
    assert not any(
        fnmatch.fnmatch(name, p) for name in ("benchmarks", "research") for p in patterns
    )


def test_the_checker_sees_imports():
    """Guard against a checker that passes because it reads nothing."""
    roots = imported_roots(ROOT / "model_core" / "acoustics" / "pitch.py")
    assert {"numpy", "parselmouth", "model_core"} <= roots


def test_the_command_line_starts_without_torch_or_scipy_stats():
    """Commands without a model (cues, list, export, --help) must not pay torch's 3 s start."""
    import subprocess
    import sys

    probe = "import sys, emostudio.cli.main, train.cli; print(sorted({'torch', 'scipy.stats'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
