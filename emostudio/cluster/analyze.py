"""``emostudio analyze --cluster FILE...``: many files analysed on a Ray cluster.

The files are hashed here and analysed by the import's workers
(:class:`emostudio.cluster.work.Worker`, stage ``model``: against the baseline the options
name, as ``analyze`` reads each file); results are printed here, in the files' order, as
soon as every file before them is done. Nothing is stored: ``import --cluster`` keeps them.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from emostudio.cluster.driver import hash_files, stream_outcomes
from emostudio.cluster.ray_session import ClusterOptions, pool_size, preflight, ray_session
from emostudio.cluster.work import MODEL, Job
from model_core.cues import SpeakerBaseline
from model_core.result import AnalysisResult


def analyze_on_cluster(
    files: list[str],
    job: Job,
    cluster: ClusterOptions,
    baseline: SpeakerBaseline | None,
    show: Callable[[str, AnalysisResult], None],
    failed: Callable[[str, str], None],
) -> None:
    """Analyse ``files`` on the cluster; ``show(path, result)`` each in input order and
    ``failed(path, message)`` each file that could not be analysed.

    Raises
    ------
    ClusterError
        Ray is missing or the cluster cannot be reached.
    """
    preflight(cluster)
    rows, order = [], []
    for hashed in hash_files([str(path) for path in files], lambda _message: None):
        if hashed.path in order:  # named twice: analysed and shown once
            continue
        if hashed.error is not None:
            failed(hashed.path, hashed.error)
            continue
        order.append(hashed.path)
        rows.append(
            {
                "path": hashed.path,
                "sha256": hashed.sha256,
                "stage": MODEL,
                "baseline": json.dumps(baseline.to_dict()) if baseline else "",
                "size": hashed.size,
            }
        )
    rows.sort(key=lambda row: row["size"])
    done: dict[str, tuple[str | None, AnalysisResult | None]] = {}
    shown = 0
    with ray_session(cluster) as session:
        for outcome in stream_outcomes(rows, job, cluster, pool_size(cluster, session)):
            done[outcome.path] = (outcome.error, outcome.result)
            while shown < len(order) and order[shown] in done:  # the files' order
                error, result = done.pop(order[shown])
                if error is not None:
                    failed(order[shown], error)
                else:
                    show(order[shown], result)
                shown += 1
