"""Joining a cluster: clear errors, fast, for what cannot work; pool sizes that fit."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from emostudio.cli.main import main
from emostudio.cluster.ray_session import (
    ClusterError,
    ClusterOptions,
    Session,
    pool_size,
    ray_session,
)


def test_an_address_nothing_answers_at_fails_in_seconds(tmp_path, capsys):
    with socket.socket() as probe:  # a free port on loopback: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    command = ["import", str(tmp_path), "--db", str(tmp_path / "p.db"), "--cues-only"]
    assert main([*command, "--cluster", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert time.monotonic() - started < 10  # Ray alone retries for minutes
    assert "nothing answers there" in err and "ray start --head" in err
    assert main([*command, "--cluster", "head-node"]) == 2
    assert "not an address" in capsys.readouterr().err


def test_without_ray_the_error_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(ClusterError, match=r"\[cluster\]"), ray_session(ClusterOptions()):
        pass
    monkeypatch.setattr("emostudio.cluster.ray_session.ray_installed", lambda: False)
    command = ["import", str(tmp_path), "--db", str(tmp_path / "p.db"), "--cues-only"]
    assert main([*command, "--cluster"]) == 2  # before any file is read, even with none
    assert "pip install 'emostudio[cluster]'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "options, cpus, gpus, expected",
    [
        (ClusterOptions(), 8, 0, 8),
        (ClusterOptions(cpus_per_worker=3), 8, 0, 2),
        (ClusterOptions(workers=2), 8, 0, 2),
        (ClusterOptions(gpus_per_worker=0.5), 16, 2, 4),
        (ClusterOptions(gpus_per_worker=1), 16, 0, "no worker fits"),
        (ClusterOptions(workers=9), 8, 0, "do not fit"),
    ],
)
def test_the_pool_is_as_large_as_the_cluster_allows(options, cpus, gpus, expected):
    session = Session(cpus=cpus, gpus=gpus)
    if isinstance(expected, str):
        with pytest.raises(ClusterError, match=expected):
            pool_size(options, session)
    else:
        assert pool_size(options, session) == expected
