"""The bad-input campaign: every kind of broken, odd or hostile input of
:mod:`tests.campaign.bad_inputs`, through every entry point it applies to.

A refused input must give a line that names it and the problem, the documented exit
status, no traceback, and nothing already stored may be lost (a refused project file keeps
its exact bytes). An odd but valid input must simply work.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeoutError

from tests.campaign import bad_inputs as corpus
from tests.campaign.bad_inputs import (
    ACCEPTED,
    AGREEMENT,
    ANALYZE,
    BASELINE,
    CUES,
    EVALUATE,
    EXPORT,
    FEATURES,
    FIT,
    GUI_DROP,
    GUI_OPEN,
    GUI_PROJECT,
    IMPORT,
    LABELS,
    VALIDATE,
    Built,
    Context,
    Kind,
)
from tests.campaign.runs import (
    TIMEOUT_MS,
    Opened,
    Outcome,
    assert_accepted,
    assert_refused,
    data_spec,
    evaluate_argv,
    file_state,
    fit_config,
    fresh_copy,
    messages,
    open_each,
    rows_in,
    run_cli,
)

# The app's own GUI fixtures (a window with fake sound devices, private settings); without
# PySide6 the import skips, and so do the pairs with the app (try_gui_* importorskip it).
with contextlib.suppress(pytest.skip.Exception):
    from tests.emostudio.gui.conftest import make_window, settings  # noqa: F401

KINDS = corpus.kinds_by_name()
SHARED = {ANALYZE, FIT, EVALUATE}  # audio goes through these in one run with all the files


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A tiny random EmoReasoner (no downloads): what the broken checkpoints derive from."""
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    folder = tmp_path_factory.mktemp("tiny")
    config = tiny_config(folder, labels=list(LABELS), max_rationale_tokens=4)
    return EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "model")


@pytest.fixture(scope="module")
def bad(tmp_path_factory, tiny_checkpoint) -> Context:
    return corpus.build(tmp_path_factory.mktemp("bad-inputs"), tiny_checkpoint)


def audio_kinds(bad: Context, entry: str) -> list[str]:
    return [
        n
        for n, k in KINDS.items()
        if k.group == "audio" and entry in k.expect and not bad.built[n].skip
    ]


def manifest_of_all(bad: Context, entry: str, folder: Path) -> Path:
    """Every audio input as a row, and the good clip once per label."""
    rows = [{"path": str(bad.built[n].path), "label": LABELS[0]} for n in audio_kinds(bad, entry)]
    rows += [{"path": str(bad.good), "label": label, "id": f"good-{label}"} for label in LABELS]
    return corpus.manifest_of(rows, folder / "all-audio.jsonl")


def good_manifest(bad: Context, folder: Path) -> Path:
    return corpus.manifest_of([{"path": str(bad.good), "label": LABELS[0]}], folder / "good.jsonl")


@pytest.fixture(scope="module")
def analyze_run(bad, tmp_path_factory) -> Outcome:
    """``emostudio analyze`` over every audio input at once: a tiny LLM on real Whisper tiny.en."""
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    folder = tmp_path_factory.mktemp("whisper-tiny")
    config = tiny_config(
        folder,
        labels=list(LABELS),
        speech_encoder="whisper-tiny.en",
        speech_encoder_config=None,
        max_rationale_tokens=4,
    )
    model = EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "model")
    paths = [bad.built[n].path for n in audio_kinds(bad, ANALYZE)]
    return run_cli(
        ["analyze", "--json", "--no-rationale", "--device", "cpu", "--model", model, *paths]
    )


@pytest.fixture(scope="module")
def fit_run(bad, tiny_checkpoint, tmp_path_factory) -> Outcome:
    folder = tmp_path_factory.mktemp("fit-all")
    manifest = manifest_of_all(bad, FIT, folder)
    return run_cli(
        ["fit", "--config", fit_config(folder, [f"manifest:{manifest}"], tiny_checkpoint)]
    )


@pytest.fixture(scope="module")
def evaluate_run(bad, tiny_checkpoint, tmp_path_factory) -> Outcome:
    manifest = manifest_of_all(bad, EVALUATE, tmp_path_factory.mktemp("evaluate-all"))
    return run_cli(evaluate_argv(f"manifest:{manifest}", tiny_checkpoint))


# ----------------------------------------------------------------- files and projects
def project_for(kind: Kind, item: Built, bad: Context, folder: Path) -> Path:
    source = item.path if kind.group == "database" else bad.project
    return fresh_copy(source, folder)


def clip_folder(bad: Context, folder: Path) -> Path:
    clips = folder / "clips"
    clips.mkdir()
    shutil.copyfile(bad.good, clips / "clip.wav")
    return clips


def check_project_after(kind: Kind, item: Built, expect, db: Path, before: tuple) -> None:
    """Nothing stored lost: a refused project keeps its bytes; an accepted one its analyses."""
    if kind.group == "database" and expect is not ACCEPTED:
        assert file_state(db) == before, f"{db.name} was changed by a refused operation"
        return
    if db.is_file():
        mode = db.stat().st_mode & 0o777
        assert mode & 0o222 == before[1] & 0o222, (
            f"{db.name}: permissions {before[1]:o} -> {mode:o}"
        )
    wanted = item.analyses if kind.group == "database" else 1
    assert rows_in(db) >= wanted, f"{db.name}: stored analyses were lost"


# ----------------------------------------------------------------- entry points
def try_cues(kind, item, expect, bad, tmp_path, request) -> None:
    outcome = run_cli(item.argv or ["cues", item.path])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert "=> " in outcome.out  # the cue table's descriptor line
    else:
        assert_refused(expect, item, outcome.text, outcome.status)


def try_features(kind, item, expect, bad, tmp_path, request) -> None:
    outcome = run_cli(item.argv or ["features", item.path, "--csv"])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        header, *rows = csv.reader(io.StringIO(outcome.out))  # names may hold newlines
        assert len(rows) == 1  # no units row: those go to a sidecar of --out
        assert len(rows[0]) == len(header) == 5 + 88 and float(rows[0][1]) > 0  # duration, s
    else:
        assert_refused(expect, item, outcome.text, outcome.status)


def try_baseline(kind, item, expect, bad, tmp_path, request) -> None:
    out = tmp_path / "ann.json"
    outcome = run_cli(item.argv or ["baseline", item.path, "--speaker", "ann", "--out", out])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert json.loads(out.read_text())["n_recordings"] == 1
    else:
        assert_refused(expect, item, outcome.text, outcome.status)
        assert not out.exists()


def try_import(kind, item, expect, bad, tmp_path, request) -> None:
    if item.argv:
        outcome = run_cli(item.argv)
        assert_refused(expect, item, outcome.text, outcome.status)
        return
    db = project_for(kind, item, bad, tmp_path)
    before = file_state(db)
    folder = item.path.parent if kind.group == "audio" else clip_folder(bad, tmp_path)
    model = (
        ["--model", item.path, "--device", "cpu"] if kind.group == "checkpoint" else ["--cues-only"]
    )
    outcome = run_cli(["import", folder, "--db", db, "--quiet", "--workers", "1", *model])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert " 0 failed" in outcome.out
    else:
        assert_refused(expect, item, outcome.text, outcome.status)
        if (
            kind.group == "audio"
        ):  # each failure is kept in the project too (a link loop is two files)
            assert rows_in(db, "import_errors") == len(list(folder.iterdir()))
    check_project_after(kind, item, expect, db, before)


def try_export(kind, item, expect, bad, tmp_path, request) -> None:
    if item.argv:
        kept = {p: p.read_bytes() for p in map(Path, item.argv) if p.is_file()}
        outcome = run_cli(item.argv)
        assert_refused(expect, item, outcome.text, outcome.status)
        assert {p: p.read_bytes() for p in kept} == kept  # a file given as --out is not touched
        return
    db = project_for(kind, item, bad, tmp_path)
    before = file_state(db)
    outcome = run_cli(["export", "--db", db, "--format", "json", "--out", tmp_path / "out"])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert len(json.loads((tmp_path / "out" / "analyses.json").read_text())) == item.analyses
    else:
        assert_refused(expect, item, outcome.text, outcome.status)
    check_project_after(kind, item, expect, db, before)


def try_agreement(kind, item, expect, bad, tmp_path, request) -> None:
    if item.argv:
        outcome = run_cli(item.argv)
        assert_refused(expect, item, outcome.text, outcome.status)
        return
    db = project_for(kind, item, bad, tmp_path)
    if expect is ACCEPTED:  # two annotators judge every analysis, through the store
        _annotate_each(db, ("ann", "bob"))
    before = file_state(db)
    outcome = run_cli(["agreement", "--db", db, "--include-model"])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert "raters: ann, bob, model:" in outcome.out
    else:
        assert_refused(expect, item, outcome.text, outcome.status)
    check_project_after(kind, item, expect, db, before)


def _annotate_each(db: Path, annotators) -> None:
    """Annotate every analysis of ``db``; a read-only project is made writable for that only."""
    from emostudio.store import Project

    mode = db.stat().st_mode & 0o777
    db.chmod(mode | 0o200)
    try:
        with Project(db, create=False) as project:
            for (analysis_id,) in project.conn.execute("SELECT id FROM analyses").fetchall():
                for name in annotators:
                    project.annotate(analysis_id, name, "neutral", accepted=True)
    finally:
        db.chmod(mode)


def try_analyze(kind, item, expect, bad, tmp_path, request) -> None:
    if kind.group != "audio":  # a broken checkpoint: refused before any file is read
        outcome = run_cli(["analyze", "--model", item.path, "--device", "cpu", bad.good])
        assert_refused(expect, item, outcome.text, outcome.status)
        return
    outcome = request.getfixturevalue("analyze_run")
    assert outcome.status == 1  # some of the files failed; the others were analysed
    if expect is ACCEPTED:
        analysed = [json.loads(line)["file"] for line in outcome.out.splitlines() if line.strip()]
        assert str(item.path) in analysed, outcome.err
    else:
        assert_refused(expect, item, outcome.err, None)


def try_validate(kind, item, expect, bad, tmp_path, request) -> None:
    if kind.group == "audio":
        spec = f"manifest:{corpus.manifest_of([{'path': str(item.path), 'label': LABELS[0]}], tmp_path / 'one.jsonl')}"
    else:
        spec = data_spec(item.path)
    outcome = run_cli(["validate", spec, "--labels", ",".join(LABELS)])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert outcome.out.rstrip().endswith("OK")
    else:
        assert_refused(expect, item, outcome.text, outcome.status)


def _shared(outcome: Outcome, item: Built, expect) -> None:
    """One run over all the audio: each unreadable file is named and skipped, the rest used."""
    assert outcome.status == 0, outcome.text
    if expect is ACCEPTED:
        assert not [line for line in outcome.text.splitlines() if item.names in line], outcome.text
    else:
        assert_refused(expect, item, outcome.text, None)


def try_fit(kind, item, expect, bad, tmp_path, request) -> None:
    if kind.group == "audio":
        _shared(request.getfixturevalue("fit_run"), item, expect)
        return
    tiny = request.getfixturevalue("tiny_checkpoint")
    if kind.group == "checkpoint":
        config = fit_config(tmp_path, [f"manifest:{good_manifest(bad, tmp_path)}"], item.path)
    else:
        config = fit_config(tmp_path, [data_spec(item.path)], tiny)
    outcome = run_cli(["fit", "--config", config])
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert (tmp_path / "run" / "final" / "emostudio_config.json").exists()
    else:
        assert_refused(expect, item, outcome.text, outcome.status)


def try_evaluate(kind, item, expect, bad, tmp_path, request) -> None:
    if kind.group == "audio":
        _shared(request.getfixturevalue("evaluate_run"), item, expect)
        return
    tiny = request.getfixturevalue("tiny_checkpoint")
    if item.argv:
        argv = item.argv
    elif kind.group == "checkpoint":
        argv = evaluate_argv(f"manifest:{good_manifest(bad, tmp_path)}", item.path)
    else:
        argv = evaluate_argv(data_spec(item.path), tiny)
    outcome = run_cli(argv)
    if expect is ACCEPTED:
        assert_accepted(outcome)
        assert "WA" in outcome.out
    else:
        assert_refused(expect, item, outcome.text, outcome.status)


# ----------------------------------------------------------------- the desktop app
def _window(request):
    pytest.importorskip("PySide6")
    return request.getfixturevalue("make_window")(), request.getfixturevalue("qtbot")


def _gui_refused(window, qtbot, item: Built, expect) -> None:
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(lambda: any(item.names in m for m in messages(window)), timeout=TIMEOUT_MS)
    text = "\n".join(messages(window))
    assert 'File "' not in text  # an unexpected exception is shown with its stack
    assert_refused(expect, item, text, None)
    assert QApplication.activeModalWidget() is None  # errors go to the panel, never a modal


@pytest.fixture(scope="module")
def gui_open_run(bad, qapp, tmp_path_factory) -> dict[str, Opened]:
    """Every audio input opened in turn in one window, as when going through a folder: each
    must be reported (or shown) and leave the app ready for the next one."""
    pytest.importorskip("PySide6")
    inputs = {
        n: (bad.built[n], KINDS[n].expect[GUI_OPEN] is ACCEPTED) for n in audio_kinds(bad, GUI_OPEN)
    }
    return open_each(inputs, qapp, tmp_path_factory.mktemp("gui-open"))


def try_gui_open(kind, item, expect, bad, tmp_path, request) -> None:
    opened = request.getfixturevalue("gui_open_run")[kind.name]
    assert opened.finished, f"{item.names}: neither shown nor reported in time: {opened}"
    assert not opened.modal  # errors go to the messages panel, never a modal dialog
    text = "\n".join(opened.messages)
    if expect is ACCEPTED:
        assert opened.recording == item.path
        assert not [m for m in opened.messages if item.names in m], text
    else:
        assert 'File "' not in text  # an unexpected exception is shown with its stack
        assert_refused(expect, item, text, None)


def try_gui_project(kind, item, expect, bad, tmp_path, request) -> None:
    window, qtbot = _window(request)
    previous = window.session.project.path
    db = fresh_copy(item.path, tmp_path)
    before = file_state(db)
    window.open_project(str(db))
    if expect is ACCEPTED:
        assert window.session.project is not None and window.session.project.path == db
        try:
            qtbot.waitUntil(
                lambda: window.browser.table.rowCount() == item.analyses, timeout=TIMEOUT_MS
            )
        except QtTimeoutError:  # say what the browser said (an error, or still searching)
            pytest.fail(
                f"the browser lists {window.browser.table.rowCount()} analyses, not {item.analyses}; "
                f"its status: {window.browser.status.text()!r}"
            )
        if db.is_file():
            assert db.stat().st_mode & 0o222 == before[1] & 0o222
        return
    _gui_refused(window, qtbot, item, expect)
    assert file_state(db) == before
    # The project that was open stays open: a bad file never leaves the app without one.
    assert window.session.project is not None and window.session.project.path == previous


def try_gui_drop(kind, item, expect, bad, tmp_path, request) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window, qtbot = _window(request)
    paths = item.paths or (item.path,)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    if expect is ACCEPTED:  # a folder: the import dialog opens on it
        assert window.import_dialog.isVisible() and window.import_dialog.folder.text() == str(
            item.path
        )
        return
    _gui_refused(window, qtbot, item, expect)
    if len(paths) > 1:  # the first file is opened all the same
        qtbot.waitUntil(lambda: window.session.recording is not None, timeout=TIMEOUT_MS)
        assert window.session.recording.path == paths[0]


ENTRY_POINTS = {
    CUES: try_cues,
    FEATURES: try_features,
    BASELINE: try_baseline,
    IMPORT: try_import,
    EXPORT: try_export,
    AGREEMENT: try_agreement,
    ANALYZE: try_analyze,
    VALIDATE: try_validate,
    FIT: try_fit,
    EVALUATE: try_evaluate,
    GUI_OPEN: try_gui_open,
    GUI_PROJECT: try_gui_project,
    GUI_DROP: try_gui_drop,
}


def _param(name: str, entry: str):
    marks = []
    if KINDS[name].group == "audio" and entry in SHARED:
        marks.append(pytest.mark.slow)  # one run of the model over every file, shared
        if entry == ANALYZE:
            marks.append(pytest.mark.real_data)  # Whisper tiny.en's packaged weights
    return pytest.param(name, entry, marks=marks, id=f"{name}-{entry}")


@pytest.mark.parametrize(("name", "entry"), [_param(n, e) for n, e in corpus.pairs()])
def test_bad_input(name, entry, bad, tmp_path, request):
    kind, item = KINDS[name], bad.built[name]
    if item.skip or entry in item.skip_entries:
        pytest.skip(item.skip or item.skip_entries[entry])
    ENTRY_POINTS[entry](kind, item, kind.expect[entry], bad, tmp_path, request)


def test_the_corpus_covers_every_kind_and_entry_point(capsys):
    groups = Counter(k.group for k in corpus.KINDS)
    assert len(corpus.KINDS) >= 30
    assert set(groups) == {"audio", "manifest", "checkpoint", "database", "cli", "drop"}
    assert {entry for k in corpus.KINDS for entry in k.expect} == set(ENTRY_POINTS)
    assert len(KINDS) == len(corpus.KINDS)  # every name is unique
    pairs = corpus.pairs()
    with capsys.disabled():
        print(
            f"\nbad-input campaign: {len(KINDS)} kinds of input "
            f"({', '.join(f'{n} {g}' for g, n in sorted(groups.items()))}), "
            f"{len(pairs)} (input, entry point) pairs"
        )
