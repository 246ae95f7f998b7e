"""``emostudio export --format manifest``: reviewed annotations back into training.

The manifest is read back by the training loader, validated by ``emostudio-train
validate`` and trained on by ``emostudio-train fit`` with a tiny random model.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Filters, Project, StoreError
from emostudio.store.export import FORMATS, export
from emostudio.store.manifest import export_manifest
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from model_core.grounding import ground
from model_core.result import AnalysisResult
from tests.helpers.signals import RATE, syllable_train
from train.cli import main as train_main
from train.datasets import load_examples

LABELS = ["low", "high"]
WORDS = [{"word": "please", "start": 0.25, "end": 0.55}, {"word": "stop", "start": 0.6, "end": 0.9}]
RATIONALE = 'She says "please stop" and the voice is loud.'


def add_clip(project: Project, folder: Path, name: str, f0: float, speaker: str, **store):
    """A speech-like clip analysed as ``low`` or ``high`` by a pretend model; its id."""
    path = folder / f"{name}.wav"
    sf.write(path, syllable_train(4, f0=f0), RATE)
    recording = load_audio(path)
    _, summary = analyze_clip(recording)
    cues = summary.to_dict()
    model_label = "high" if f0 > 170 else "low"
    citations = ground(RATIONALE, WORDS, cues["cues"], (0.0, recording.duration))
    result = AnalysisResult(
        file=str(path),
        sha256=recording.sha256,
        duration=recording.duration,
        sample_rate=RATE,
        start=0.0,
        end=recording.duration,
        label=model_label,
        probabilities={label: 0.9 if label == model_label else 0.1 for label in LABELS},
        transcript="please stop",
        words=WORDS,
        rationale=RATIONALE,
        citations=[c.to_dict() for c in citations],
        cues=cues,
        model={"name": "pretend", "version": "1", "trained": True},
    )
    return project.add_recording(recording, speaker=speaker, analysis=result, **store)


def annotate_on(day: str, project: Project, *args, **options) -> int:
    """Annotate as if on ``day`` (annotations are append-only: no date is changed later)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("emostudio.store.project.now", lambda: f"{day}T10:00:00.000+00:00")
        return project.annotate(*args, **options)


@pytest.fixture
def reviewed(tmp_path):
    """Four clips of two speakers; three annotated by two annotators, one of them twice.

    - ``ann-low``: bob corrects it to high (Jan), then carol accepts low (Mar): low wins;
    - ``ann-high``: carol accepts high (Feb);
    - ``bob-low``: stored in the project (``--copy``) and deleted from disk; bob accepts
      low (Mar) and judges the rationale's claims;
    - ``bob-high``: never annotated, so not a training item.
    """
    audio = tmp_path / "audio"
    audio.mkdir()
    with Project(tmp_path / "p.emostudio") as project:
        ids = {
            "ann-low": add_clip(project, audio, "ann-low", 120, "ann"),
            "ann-high": add_clip(project, audio, "ann-high", 220, "ann"),
            "bob-low": add_clip(project, audio, "bob-low", 125, "bob", store_audio=True),
            "bob-high": add_clip(project, audio, "bob-high", 230, "bob"),
        }
        (audio / "bob-low.wav").unlink()  # only the project's copy is left
        claims = len(project.analysis(ids["bob-low"]).citations)
        assert claims >= 2  # the quote and the loudness claim
        judged = [{"citation": 0, "agree": True}, {"citation": 1, "agree": False}]
        annotate_on("2026-01-10", project, ids["ann-low"], "bob", "high", accepted=False)
        annotate_on("2026-03-05", project, ids["ann-low"], "carol", "low", accepted=True)
        annotate_on("2026-02-01", project, ids["ann-high"], "carol", "high", accepted=True)
        annotate_on(
            "2026-03-20", project, ids["bob-low"], "bob", "low", accepted=True, judgements=judged
        )
        yield project, ids


def read_rows(path: Path) -> dict[str, dict]:
    """The manifest's rows by recording name (the id starts with it)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["id"].rsplit("-", 2)[0]: row for row in csv.DictReader(handle)}


def test_manifest_is_a_format_every_front_offers():
    assert "manifest" in FORMATS and FORMATS[-2:] == ("csv", "json")


def test_the_latest_human_label_of_each_annotated_analysis_is_the_label(reviewed, tmp_path):
    project, ids = reviewed
    out = tmp_path / "out"
    summary = export_manifest(project, out)
    rows = read_rows(out / "manifest.csv")
    assert set(rows) == {"ann-low", "ann-high", "bob-low"}  # bob-high has no annotation
    assert {name: row["label"] for name, row in rows.items()} == {
        "ann-low": "low",  # carol's later acceptance wins over bob's correction
        "ann-high": "high",
        "bob-low": "low",
    }
    assert {name: row["speaker"] for name, row in rows.items()} == {
        "ann-low": "ann",
        "ann-high": "ann",
        "bob-low": "bob",
    }
    assert rows["ann-low"]["path"] == str((tmp_path / "audio" / "ann-low.wav").resolve())
    # The deleted file comes from the project's stored copy, written beside the manifest.
    stored = out / rows["bob-low"]["path"]
    assert rows["bob-low"]["path"].startswith("audio/") and stored.is_file()
    assert (
        stored.read_bytes()
        == project.media.stored_audio(project.analysis(ids["bob-low"]).sha256)[0]
    )
    assert rows["ann-low"]["start"] == rows["ann-low"]["end"] == ""  # the whole recording
    assert rows["ann-high"]["transcript"] == "please stop"
    feedback = json.loads(rows["bob-low"]["feedback"])
    citations = project.analysis(ids["bob-low"]).citations
    assert feedback["rationale"] == RATIONALE
    assert [(c["claim"], c["agree"]) for c in feedback["claims"]] == [
        (citations[0]["claim"], True),
        (citations[1]["claim"], False),
    ]
    assert rows["ann-low"]["feedback"] == ""  # nothing judged
    assert (summary.rows, summary.skipped, summary.stored_audio) == (3, [], 1)
    card = (out / "README.md").read_text()
    assert "items: 3" in card and "low 2, high 1" not in card and "high 1, low 2" in card
    assert "emostudio-train fit --config fit.toml" in card and "bob 1, carol 2" in card


def test_the_training_loader_reads_it_and_validate_accepts_it(reviewed, tmp_path, capsys):
    project, _ = reviewed
    out = tmp_path / "out"
    export(project, out, "manifest")
    spec = f"manifest:{out / 'manifest.csv'}"
    examples = {e.id.rsplit("-", 2)[0]: e for e in load_examples(spec)}
    assert {name: e.label for name, e in examples.items()} == {
        "ann-low": "low",
        "ann-high": "high",
        "bob-low": "low",
    }
    assert all(e.audio.is_file() and e.split == "train" for e in examples.values())
    assert examples["bob-low"].speaker == "bob" and examples["bob-low"].transcript == "please stop"
    claims = examples["bob-low"].extra["feedback"]["claims"]
    assert [c["agree"] for c in claims] == [True, False]
    assert examples["ann-low"].extra == {}
    assert train_main(["validate", spec, "--labels", ",".join(LABELS)]) == 0
    assert "OK" in capsys.readouterr().out
    # A label set the annotations do not fit is reported by validate, not hidden.
    assert train_main(["validate", spec, "--labels", "low"]) == 1


def test_annotator_dates_and_acceptance_filter_annotations(reviewed, tmp_path):
    project, _ = reviewed

    def labels(name, **filters):
        export_manifest(project, tmp_path / name, Filters(**filters))
        return {n: row["label"] for n, row in read_rows(tmp_path / name / "manifest.csv").items()}

    # bob's own latest judgements: his correction of ann-low stands for him.
    assert labels("bob", annotator="bob") == {"ann-low": "high", "bob-low": "low"}
    assert labels("carol", annotator="carol") == {"ann-low": "low", "ann-high": "high"}
    # Only January: bob's correction was the latest judgement then.
    assert labels("january", until="2026-01-31") == {"ann-low": "high"}
    assert labels("march", since="2026-03-01") == {"ann-low": "low", "bob-low": "low"}
    assert labels("accepted", accepted_only=True) == {
        "ann-low": "low",
        "ann-high": "high",
        "bob-low": "low",
    }
    # bob's latest judgement of ann-low corrected the model: not an acceptance.
    assert labels("bob-accepted", annotator="bob", accepted_only=True) == {"bob-low": "low"}
    assert labels("by-speaker", speaker="ann") == {"ann-low": "low", "ann-high": "high"}


def test_accepted_only_filters_the_other_formats_by_the_latest_judgement(reviewed, tmp_path):
    project, ids = reviewed
    annotate_on("2026-04-01", project, ids["ann-high"], "bob", "low", accepted=False)
    (table,) = export(project, tmp_path / "out", "csv", Filters(accepted_only=True))
    with open(table, newline="") as handle:
        names = {row["recording"] for row in csv.DictReader(handle)}
    assert names == {"ann-low.wav", "bob-low.wav"}  # ann-high was corrected last


def test_one_row_per_clip_and_selections_keep_their_span(reviewed, tmp_path):
    project, ids = reviewed
    first = project.analysis(ids["ann-high"])
    again = project.add_analysis(first.sha256, first)  # the same clip analysed twice
    annotate_on("2026-04-01", project, again, "dave", "low", accepted=False)
    part = project.add_analysis(first.sha256, AnalysisResult(**{**first.to_dict(), "end": 0.6}))
    annotate_on("2026-04-02", project, part, "dave", "high", accepted=True)
    summary = export_manifest(project, tmp_path / "out")
    with open(tmp_path / "out" / "manifest.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["id"].startswith("ann-high")]
    assert [(r["label"], r["start"], r["end"]) for r in rows] == [
        ("low", "", ""),  # dave's later judgement of the whole clip, once
        ("high", "0.0", "0.6"),
    ]
    assert any(f"analysis {ids['ann-high']}: the same clip" in note for note in summary.notes)
    examples = load_examples(f"manifest:{tmp_path / 'out' / 'manifest.csv'}")
    spans = {e.label: (e.start, e.end) for e in examples if e.id.startswith("ann-high")}
    assert spans == {"low": (None, None), "high": (0.0, 0.6)}


def test_nothing_to_export_is_one_clear_error(reviewed, tmp_path):
    project, _ = reviewed
    with pytest.raises(StoreError, match=r"no annotated analyses match the filters.*'dave'"):
        export_manifest(project, tmp_path / "out", Filters(annotator="dave"))
    with Project(tmp_path / "empty.emostudio") as empty:
        add_clip(empty, tmp_path, "lonely", 150, "ann")
        with pytest.raises(StoreError, match="nothing to export: no annotated analyses"):
            export(empty, tmp_path / "out", "manifest")
    assert not (tmp_path / "out" / "manifest.csv").exists()


def test_missing_audio_is_skipped_and_named_and_odd_labels_are_noted(reviewed, tmp_path):
    project, _ = reviewed
    gone = add_clip(project, tmp_path, "gone", 140, "ann")
    project.annotate(gone, "carol", "surprised", accepted=False)
    odd = add_clip(project, tmp_path, "odd", 160, "bob")
    project.annotate(odd, "carol", "surprised", accepted=False)
    (tmp_path / "gone.wav").unlink()
    summary = export_manifest(project, tmp_path / "out")
    assert len(summary.skipped) == 1 and summary.skipped[0].startswith("gone.wav (analysis")
    assert "not stored in the project" in summary.skipped[0]
    assert "gone" not in read_rows(tmp_path / "out" / "manifest.csv")
    (note,) = summary.notes
    assert "labels outside the model's label set (high, low): 'surprised' (1)" in note
    card = (tmp_path / "out" / "README.md").read_text()
    assert "skipped: 1" in card and "gone.wav (analysis" in card and "'surprised' (1)" in card


def test_when_every_item_lacks_its_audio_the_export_fails(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        gone = add_clip(project, tmp_path, "gone", 140, "ann")
        project.annotate(gone, "carol", "low", accepted=True)
        (tmp_path / "gone.wav").unlink()
        with pytest.raises(StoreError, match="all 1 annotated analyses were skipped: gone"):
            export_manifest(project, tmp_path / "out")


def test_anonymised_manifests_copy_the_audio_under_pseudonyms(reviewed, tmp_path):
    project, _ = reviewed
    out = tmp_path / "out"
    export_manifest(project, out, anonymise=True)
    text = (out / "manifest.csv").read_text()
    assert "ann-low" not in text and str(tmp_path) not in text and ",ann," not in text
    with open(out / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and all(row["speaker"].startswith("speaker-") for row in rows)
    assert all((out / row["path"]).is_file() for row in rows)
    assert {e.label for e in load_examples(f"manifest:{out / 'manifest.csv'}")} == set(LABELS)


def test_export_cli_writes_the_manifest_and_names_what_it_skipped(reviewed, tmp_path, capsys):
    project, _ = reviewed
    command = ["export", "--db", str(project.path), "--format", "manifest"]
    assert main([*command, "--out", str(tmp_path / "a"), "--accepted-only"]) == 0
    said = capsys.readouterr()
    assert "wrote 3 file(s)" in said.out and "3 annotated item(s); labels high 1, low 2" in said.out
    gone = add_clip(project, tmp_path, "gone", 140, "ann")
    project.annotate(gone, "carol", "low", accepted=True)
    (tmp_path / "gone.wav").unlink()
    assert main([*command, "--out", str(tmp_path / "b")]) == 1  # some items left out
    assert "skipped gone.wav (analysis" in capsys.readouterr().err
    assert main([*command, "--out", str(tmp_path / "c"), "--annotator", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to export" in err


def _toml(value) -> str:
    """A TOML value (inline tables for dicts): enough for a model config."""
    if isinstance(value, dict):
        items = [f"{key} = {_toml(v)}" for key, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


@pytest.mark.slow
def test_fit_trains_on_the_exported_manifest(reviewed, tmp_path, capsys, monkeypatch):
    """End to end: export, then ``emostudio-train fit --config fit.toml`` on it."""
    from tests.helpers.tiny_models import tiny_config

    project, _ = reviewed
    monkeypatch.chdir(tmp_path)  # the export's --out and the config's paths are relative
    assert main(["export", "--db", str(project.path), "--format", "manifest", "--out", "data"]) == 0
    model = tiny_config(
        tmp_path / "model", labels=LABELS, include_cues=False, include_transcript=False
    ).to_dict()
    model["llm_config"]["num_hidden_layers"] = 1  # the quickest model that trains
    training = dict(
        output="run",
        tasks=["ser"],
        schedule="joint",
        final_joint_epoch=False,
        epochs=1,
        max_steps=2,
        batch_size=2,
        save_every=1,
        log_every=1,
        device="cpu",
        eval_rationales=0,
        prompt_pool=False,
    )
    lines = ["[model]"] + [f"{k} = {_toml(v)}" for k, v in model.items() if v is not None]
    lines += ["[data]", 'train = ["manifest:data/manifest.csv"]', "[training]"]
    lines += [f"{key} = {_toml(value)}" for key, value in training.items()]
    config = tmp_path / "fit.toml"
    config.write_text("\n".join(lines) + "\n")
    assert train_main(["fit", "--config", str(config)]) == 0
    said = capsys.readouterr().out
    assert "3 examples" in said and "done: emostudio analyze --model" in said
    final = tmp_path / "run" / "final"
    assert (final / "adapters.safetensors").is_file()
    assert (final / "emostudio_config.json").is_file()
    assert json.loads((final / "emostudio_config.json").read_text())["labels"] == LABELS
    steps = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(steps) == 2 and all(json.loads(line)["loss"] > 0 for line in steps)
