"""``import --cluster``: the same rows as a local import, on a local Ray instance."""

from __future__ import annotations

import sqlite3

import pytest

from emostudio.store import Project
from emostudio.store.importer import ImportOptions, run_import
from model_core.kinds import Policy
from tests.emostudio.cluster.conftest import speech_folder


def analyses(db) -> dict:
    """(recording name, utterance number, kind) -> (label, probabilities, unsure, cues)."""
    with Project(db) as project:
        rows = project.queries.list_analyses(descending=False)
        counts = project.counts()
    table = {}
    for _, result, facts in rows:
        key = (facts["name"], (result.utterance or {}).get("number"), facts["kind"])
        assert key not in table, f"{key} analysed twice"
        table[key] = (
            result.label,
            result.probabilities,
            result.unsure,
            (result.cues["descriptor"], result.transcript),
        )
    return table, counts


def assert_same(local: dict, cluster: dict) -> None:
    assert local.keys() == cluster.keys()
    for key, (label, probabilities, unsure, descriptor) in local.items():
        other = cluster[key]
        assert other[0] == label and other[2] == unsure and other[3] == descriptor, key
        assert other[1].keys() == probabilities.keys()
        for name, p in probabilities.items():
            assert abs(other[1][name] - p) <= 1e-5, (key, name, p, other[1][name])


OPTIONS = {
    "whole recordings, transcribed": {"transcribe": True},
    "speakers' baselines": {"speaker_from": r"^(s\d)_"},
    "utterances, eGeMAPS": {"segments": True, "features": "egemaps"},
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", OPTIONS)
def test_cluster_import_equals_the_local_import(
    variant, local_ray, tiny_model, asterisk_files, tmp_path
):
    from emostudio.cluster.driver import run_cluster_import
    from emostudio.cluster.ray_session import ClusterOptions

    folder = speech_folder(tmp_path / "in", asterisk_files, speakers=True)
    options = ImportOptions(
        model=str(tiny_model),
        device="cpu",
        rationale_source=Policy.COMPOSER,
        **{"transcribe": False, **OPTIONS[variant]},
    )
    summaries = {}
    for where in ("local", "cluster"):
        with Project(tmp_path / f"{where}.db") as project:
            if where == "local":
                summaries[where] = run_import(project, folder, options)
            else:
                summaries[where] = run_cluster_import(
                    project, folder, options, ClusterOptions(workers=2)
                )
    local, cluster = summaries["local"], summaries["cluster"]
    n_files = 2 * len(asterisk_files) + 3
    assert local.candidates == cluster.candidates == n_files
    assert (
        (cluster.imported, cluster.already) == (local.imported, local.already) == (n_files - 2, 1)
    )
    assert [path for path, _ in cluster.failed] == [str(folder / "s1_broken.wav")]
    assert cluster.failed == local.failed  # the broken file named, with the same reason
    assert cluster.speakers == local.speakers
    local_rows, local_counts = analyses(tmp_path / "local.db")
    cluster_rows, cluster_counts = analyses(tmp_path / "cluster.db")
    assert_same(local_rows, cluster_rows)
    assert cluster_counts == local_counts
    if variant.startswith("utterances"):
        assert any(number == 4 for _, number, _ in cluster_rows)  # the joined recording's cut
        with sqlite3.connect(tmp_path / "cluster.db") as conn:
            assert conn.execute("SELECT count(*) FROM features").fetchone()[0] == n_files - 2
    # Again, the broken file gone: everything is there (a recording cut into no utterance
    # too), nothing is redone.
    (folder / "s1_broken.wav").unlink()
    for where in ("local", "cluster"):
        with Project(tmp_path / f"{where}.db") as project:
            if where == "local":
                again = run_import(project, folder, options)
            else:  # nothing to send: Ray is not even joined
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr("emostudio.cluster.driver.ray_session", None)
                    again = run_cluster_import(project, folder, options, ClusterOptions(workers=2))
        assert (again.imported, again.already, len(again.failed)) == (0, n_files - 1, 0)
        assert analyses(tmp_path / f"{where}.db")[1] == cluster_counts


def test_a_cues_only_cluster_import_writes_parquet_shards(local_ray, asterisk_files, tmp_path):
    import pyarrow.parquet as pq

    from emostudio.cli.main import main
    from emostudio.store.parquet import schema

    folder = speech_folder(tmp_path / "in", asterisk_files)
    db, out = tmp_path / "p.db", tmp_path / "shards"
    out.mkdir()
    (out / "part-00007.parquet").write_bytes(b"an earlier run's shard")
    command = ["import", str(folder), "--db", str(db), "--cues-only", "--quiet"]
    assert main([*command, "--cluster", "--out", str(out)]) == 1  # one file failed
    shards = sorted(out.glob("*.parquet"))
    assert [p.name for p in shards] == ["part-00000.parquet"]  # the stale shard is gone
    table = pq.read_table(shards[0])
    assert table.schema.equals(schema())
    assert table.num_rows == 2 * len(asterisk_files) + 1  # one row per recording
    assert set(table.column("kind").to_pylist()) == {"cues"}


@pytest.mark.slow
def test_analyze_on_the_cluster_prints_what_analyze_prints_in_order(
    local_ray, tiny_model, asterisk_files, tmp_path, capsys
):
    import json

    from emostudio.cli.main import main

    folder = speech_folder(tmp_path / "in", asterisk_files)
    files = [str(p) for p in sorted(folder.glob("*.wav"), reverse=True)]  # not sorted by size
    command = ["analyze", *files, "--json", "--model", str(tiny_model), "--device", "cpu"]
    command += ["--rationale-source", "composer", "--no-transcript", "--sex", "female"]
    outputs = {}
    for where, extra in (("local", []), ("cluster", ["--cluster", "--workers", "2"])):
        assert main([*command, *extra]) == 1  # the broken file
        out, err = capsys.readouterr()
        assert err.count("s1_broken.wav") == 1, err
        outputs[where] = [json.loads(line) for line in out.splitlines()]
    local, cluster = outputs["local"], outputs["cluster"]
    assert (
        [r["file"] for r in cluster]
        == [r["file"] for r in local]
        == [f for f in files if "broken" not in f]
    )
    for mine, theirs in zip(local, cluster, strict=True):
        assert mine["label"] == theirs["label"] and mine["baseline"] == theirs["baseline"]
        assert mine["baseline"]["name"].startswith("population")
        for name, p in mine["probabilities"].items():  # JSON rounds them to 1e-5
            assert theirs["probabilities"][name] == pytest.approx(p, abs=1.001e-5)
    assert main([*command, "--cluster", "--segments"]) == 2
    assert "--segments: not with --cluster" in capsys.readouterr().err
