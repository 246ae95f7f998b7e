"""The bad-input corpus, continued: project databases, command-line arguments and files
dropped on the app (see :mod:`tests.campaign.bad_inputs`)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np

from tests.campaign.bad_inputs import (
    ACCEPTED,
    AGREEMENT,
    BASELINE,
    CUES,
    EVALUATE,
    EXPORT,
    GUI_DROP,
    GUI_PROJECT,
    IMPORT,
    Built,
    Context,
    kind,
    refuse,
)
from tests.campaign.bad_inputs_more import ROOT_SKIP, analysis_of, csv_rows


# ----------------------------------------------------------------- project databases
def databases(refused=None, **overrides):
    expect = {IMPORT: refused, EXPORT: refused, AGREEMENT: refused, GUI_PROJECT: refused}
    expect.update({k.rstrip("_"): v for k, v in overrides.items()})
    return expect


def _project_copy(ctx: Context, name: str, file: str = "study.emostudio") -> Path:
    target = ctx.own(name, file)
    shutil.copyfile(ctx.project, target)
    return target


@kind(
    "database/zero-bytes",
    "database",
    databases(ACCEPTED, export=refuse("empty", status=2), agreement=refuse("empty", status=2)),
)
def _zero_db(ctx):
    path = ctx.own("database/zero-bytes", "new.emostudio")
    path.write_bytes(b"")
    return Built(path)


@kind("database/random-bytes", "database", databases(refuse("not an SQLite database", status=2)))
def _random_db(ctx):
    path = ctx.own("database/random-bytes", "noise.emostudio")
    path.write_bytes(np.random.default_rng(5).integers(0, 256, 8192, dtype=np.uint8).tobytes())
    return Built(path)


@kind(
    "database/another-apps-sqlite",
    "database",
    databases(refuse("not an EmoStudio project", status=2)),
)
def _other_db(ctx):
    path = ctx.own("database/another-apps-sqlite", "notes.emostudio")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes(text) VALUES ('somebody else''s data')")
    conn.close()
    return Built(path)


@kind("database/newer-schema", "database", databases(refuse("newer", status=2)))
def _newer_db(ctx):
    path = _project_copy(ctx, "database/newer-schema", "future.emostudio")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO _migrations VALUES (99, 'from the future', '2099-01-01')"
        )
    conn.close()
    # Not in WAL mode (as after a copy by another tool): switching it would write the file.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return Built(path)


@kind("database/damaged-page", "database", databases(refuse("damaged", status=2)))
def _damaged_db(ctx):
    path = _project_copy(ctx, "database/damaged-page", "damaged.emostudio")
    with sqlite3.connect(path) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'analyses'"
        ).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start : start + page] = b"\x55" * page  # the analyses table's root page
    path.write_bytes(bytes(data))
    return Built(path)


@kind(
    "database/read-only-file",
    "database",
    databases(ACCEPTED, import_=refuse("read-only", "readonly", status=2)),
)
def _read_only_db(ctx):
    path = _project_copy(ctx, "database/read-only-file", "archived.emostudio")
    path.chmod(0o444)
    skips = {IMPORT: ROOT_SKIP} if ROOT_SKIP else {}
    return Built(path, skip_entries=skips, analyses=1)


@kind("database/wal-leftovers", "database", databases(ACCEPTED))
def _wal_leftovers(ctx):
    """A crash after a commit: the newest analysis is only in the ``-wal`` file."""
    from emostudio.store import Project
    from model_core.audio import load_audio

    source = _project_copy(ctx, "database/wal-leftovers", "source.emostudio")
    target = source.with_name("crashed.emostudio")
    recording = load_audio(ctx.good)
    with Project(source) as project:
        project.conn.execute("PRAGMA wal_autocheckpoint = 0")
        project.add_analysis(recording.sha256, analysis_of(recording, "only in the WAL"))
        shutil.copyfile(source, target)
        shutil.copyfile(f"{source}-wal", f"{target}-wal")
    source.unlink()
    return Built(target, analyses=2)


@kind("database/a-folder", "database", databases(refuse("not a usable", "folder", status=2)))
def _folder_db(ctx):
    path = ctx.own("database/a-folder", "folder.emostudio")
    path.mkdir(exist_ok=True)
    return Built(path)


# ----------------------------------------------------------------- command-line arguments
def _cli(argv: list, names: str) -> Built:
    return Built(None, names=names, argv=tuple(str(a) for a in argv))


def _clip_folder(ctx: Context, name: str) -> Path:
    folder = ctx.own(name, "clips")
    folder.mkdir(exist_ok=True)
    shutil.copyfile(ctx.good, folder / "clip.wav")
    return folder


@kind("cli/negative-workers", "cli", {IMPORT: refuse("workers", status=2)})
def _negative_workers(ctx):
    folder = _clip_folder(ctx, "cli/negative-workers")
    db = _project_copy(ctx, "cli/negative-workers")
    argv = ["import", folder, "--db", db, "--cues-only", "--quiet", "--workers", "-1"]
    return _cli(argv, "--workers")


@kind("cli/start-after-end", "cli", {CUES: refuse("not before", status=2)})
def _start_after_end(ctx):
    return _cli(["cues", "--start", "0.8", "--end", "0.2", ctx.good], "--start")


@kind("cli/unknown-format", "cli", {EXPORT: refuse("invalid choice", status=2)})
def _unknown_format(ctx):
    out = ctx.own("cli/unknown-format", "out")
    argv = ["export", "--db", ctx.project, "--format", "docx", "--out", out]
    return _cli(argv, "docx")


@kind("cli/export-out-is-a-file", "cli", {EXPORT: refuse("not a folder", status=2)})
def _export_out_file(ctx):
    out = ctx.own("cli/export-out-is-a-file", "report.csv")
    out.write_text("a file the user keeps\n")
    argv = ["export", "--db", ctx.project, "--format", "csv", "--out", out]
    return _cli(argv, "report.csv")


@kind("cli/baseline-out-is-a-folder", "cli", {BASELINE: refuse("directory", "folder", status=1)})
def _baseline_out_folder(ctx):
    out = ctx.own("cli/baseline-out-is-a-folder", "speaker.json")
    out.mkdir(exist_ok=True)
    argv = ["baseline", ctx.good, "--speaker", "ann", "--out", out]
    return _cli(argv, "speaker.json")


@kind("cli/evaluate-out-is-a-file", "cli", {EVALUATE: refuse("not a folder", status=2)})
def _evaluate_out_file(ctx):
    out = ctx.own("cli/evaluate-out-is-a-file", "eval.md")
    out.write_text("a file the user keeps\n")
    manifest = out.with_name("data.csv")
    manifest.write_text(csv_rows((ctx.good, "neutral")))
    if ctx.checkpoint is None:
        return Built(None, skip="no checkpoint to evaluate")
    argv = [
        "evaluate",
        f"manifest:{manifest}",
        "--model",
        ctx.checkpoint,
        "--out",
        out,
        "--rationales",
        "0",
        "--device",
        "cpu",
        "--no-card",
    ]
    return _cli(argv, "eval.md")


@kind("cli/import-db-in-missing-folder", "cli", {IMPORT: refuse("does not exist", status=2)})
def _import_missing_db_folder(ctx):
    folder = _clip_folder(ctx, "cli/import-db-in-missing-folder")
    db = folder.parent / "nowhere" / "deeper" / "study.emostudio"
    argv = ["import", folder, "--db", db, "--cues-only", "--quiet", "--workers", "1"]
    return _cli(argv, "nowhere")


@kind("cli/export-missing-db", "cli", {EXPORT: refuse("no such project file", status=2)})
def _export_missing_db(ctx):
    db = ctx.own("cli/export-missing-db", "nowhere") / "study.emostudio"
    argv = ["export", "--db", db, "--format", "json", "--out", db.parent.parent / "out"]
    return _cli(argv, "study.emostudio")


@kind("cli/agreement-unknown-annotator", "cli", {AGREEMENT: refuse("no annotations by", status=2)})
def _agreement_unknown_annotator(ctx):
    from emostudio.store import Project

    db = _project_copy(ctx, "cli/agreement-unknown-annotator")
    with Project(db) as project:
        project.annotate(1, "ann", "neutral", accepted=True)
    return _cli(["agreement", "--db", db, "--annotators", "ann,dora"], "dora")


@kind("cli/agreement-one-annotator", "cli", {AGREEMENT: refuse("needs two raters", status=2)})
def _agreement_one_annotator(ctx):
    from emostudio.store import Project

    db = _project_copy(ctx, "cli/agreement-one-annotator")
    with Project(db) as project:
        project.annotate(1, "ann", "neutral", accepted=True)
    return _cli(["agreement", "--db", db], "'ann'")


@kind("cli/import-missing-folder", "cli", {IMPORT: refuse("not a folder", status=2)})
def _import_missing_folder(ctx):
    db = _project_copy(ctx, "cli/import-missing-folder")
    argv = ["import", db.parent / "no-such-recordings", "--db", db, "--cues-only", "--quiet"]
    return _cli(argv, "no-such-recordings")


@kind("cli/broken-baseline-json", "cli", {CUES: refuse("not a readable baseline", status=1)})
def _broken_baseline(ctx):
    broken = ctx.own("cli/broken-baseline-json", "ann.json")
    broken.write_text('{"name": "ann", "cues": ')
    return _cli(["cues", "--baseline", broken, ctx.good], "ann.json")


# ----------------------------------------------------------------- files dropped on the app
@kind("drop/a-folder", "drop", {GUI_DROP: ACCEPTED})
def _drop_folder(ctx):
    return Built(_clip_folder(ctx, "drop/a-folder"))


# FFmpeg takes plain text for a "tty" file (ANSI art) without audio.
@kind(
    "drop/not-audio",
    "drop",
    {GUI_DROP: refuse("not a recognised", "not an audio file: it holds text")},
)
def _drop_text(ctx):
    path = ctx.own("drop/not-audio", "notes.txt")
    path.write_text("minutes of the meeting\n" * 20)
    return Built(path)


@kind("drop/many-files", "drop", {GUI_DROP: refuse("not opened")})
def _drop_many(ctx):
    paths = []
    for index in range(5):
        path = ctx.own("drop/many-files", f"take{index}.wav")
        shutil.copyfile(ctx.good, path)
        paths.append(path)
    return Built(paths[0], names="take1.wav", paths=tuple(paths))


@kind("drop/missing-file", "drop", {GUI_DROP: refuse("no such file")})
def _drop_missing(ctx):
    return Built(ctx.own("drop/missing-file", "vanished.wav"))
