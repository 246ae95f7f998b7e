"""The sizing sheet's arithmetic on made-up costs."""

from __future__ import annotations

import pytest

from benchmarks.scaling import Node, sheet, size_archive


def test_nodes_for_a_day_follow_from_clips_and_per_clip_cost():
    # 10 clips/s a node (10 actors at 1 s a clip); 8640 h of 1-s clips = 31.1 M clips
    node = Node("ten", cores=10, memory_gb=100, per_clip_s=1.0)
    row = size_archive(node, hours=8640, clip_s=1.0, commit_rate=1e9)
    assert row.clips == 31_104_000 and row.node_clips_per_s == 10
    assert row.nodes_for_a_day == 36  # 31.1 M / (10 * 86,400) = 36.0
    half = size_archive(node, hours=8640, clip_s=1.0, efficiency=0.5, commit_rate=1e9)
    assert half.nodes_for_a_day == 72


def test_memory_caps_actors_and_the_driver_caps_the_cluster():
    node = Node("small", cores=32, memory_gb=24, actor_memory_gb=2.4, per_clip_s=2.0)
    assert node.actors == 10  # 24 GB holds 10 models, not 32
    row = size_archive(node, hours=1000, clip_s=3.0, commit_rate=50.0)
    assert row.node_clips_per_s == 5.0
    assert row.driver_bound_nodes == 10  # 50 commits/s feed 10 nodes of 5 clips/s
    assert row.hours_on_driver_bound == pytest.approx(1000 * 3600 / 3.0 / 50 / 3600, rel=1e-3)
    assert row.hash_hours == pytest.approx(1000 * 3600 * 32_000 / 500e6 / 3600)


def test_the_sheet_has_a_row_per_node():
    nodes = [Node("a", 8, 64), Node("gpu", 16, 128, actors_override=4, per_clip_s=0.1)]
    text = sheet(nodes, hours=100)
    assert text.count("\n| a |") == 1 and "| gpu | 4 | 40.0 |" in text
