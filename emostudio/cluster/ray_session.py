"""Connecting to a Ray cluster, or starting one on this machine, for one import.

``--cluster auto`` joins the cluster this machine is part of (``ray start --head`` or
``ray start --address`` ran here, or ``RAY_ADDRESS`` names one) and, when there is none,
starts a Ray instance on this machine for the import's duration. ``--cluster ADDRESS``
joins that cluster (``HOST:6379`` from the head node's ``ray start``, or ``ray://HOST:10001``)
and fails when it cannot be reached. Ray is optional: ``pip install .[cluster]``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from emostudio.store.database import StoreError

AUTO = "auto"
CONNECT_TIMEOUT_S = 5.0
LOOPBACK = "127.0.0.1"
INSTALL_HINT = "pip install 'emostudio[cluster]' (or: pip install -e '.[cluster]' in a checkout)"


class ClusterError(StoreError):
    """Ray is missing, or the cluster cannot be reached or cannot run the workers."""


@dataclass(frozen=True)
class ClusterOptions:
    """Where and how wide a cluster import runs.

    Attributes
    ----------
    address : str
        ``"auto"`` or a cluster's address (see the module's notes).
    workers : int
        Actors in the pool, each holding one model; 0: as many as the cluster's CPUs
        (or GPUs, with ``gpus_per_worker``) allow.
    cpus_per_worker, gpus_per_worker : float
        What each actor reserves; a worker's torch uses ``cpus_per_worker`` threads.
    """

    address: str = AUTO
    workers: int = 0
    cpus_per_worker: float = 1.0
    gpus_per_worker: float = 0.0


@dataclass(frozen=True)
class Session:
    """The cluster joined: its resources."""

    cpus: float
    gpus: float


def ray_installed() -> bool:
    return importlib.util.find_spec("ray") is not None


def preflight(options: ClusterOptions) -> None:
    """Fail now, before any file is read, when Ray is missing or the address is dead.

    Raises
    ------
    ClusterError
        Naming what to install, or the address nothing answers at.
    """
    if not ray_installed():
        raise ClusterError(f"--cluster needs Ray, which is not installed: {INSTALL_HINT}")
    if options.address != AUTO:
        _check_reachable(options.address)


@contextmanager
def ray_session(options: ClusterOptions) -> Iterator[Session]:
    """Ray, initialised for the block (and shut down after it, when this call started it).

    Raises
    ------
    ClusterError
        Ray is not installed, or ``options.address`` cannot be reached.
    """
    try:
        import ray
    except ImportError as err:
        raise ClusterError(f"--cluster needs Ray, which is not installed: {INSTALL_HINT}") from err
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    # Ray's core logs a false alarm at error level for every actor pool of Ray Data
    # (constructor arguments in the object store); its log files keep everything.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    initialised_here = not ray.is_initialized()  # else: the caller's Ray (tests, notebooks)
    if initialised_here:
        _init(ray, options, quiet)
    try:
        resources = ray.cluster_resources()
        yield Session(
            cpus=float(resources.get("CPU", 0)),
            gpus=float(resources.get("GPU", 0)),
        )
    finally:
        if initialised_here:
            ray.shutdown()


def _init(ray, options: ClusterOptions, quiet: dict) -> None:
    """Join the cluster at ``options.address``, or (``auto``) this machine's, or start one."""
    if options.address != AUTO:
        _check_reachable(options.address)
        try:
            ray.init(address=options.address, **quiet)
        except (ConnectionError, ValueError, RuntimeError) as err:
            raise ClusterError(
                f"--cluster {options.address}: cannot reach a Ray cluster there ({err}); "
                "start one with 'ray start --head' on its head node, or use --cluster auto"
            ) from err
        return
    try:
        ray.init(address=AUTO, **quiet)
    except ConnectionError:  # no cluster here: a local instance for this import
        # On loopback only: an instance for one import has no business on the network.
        ray.init(include_dashboard=False, _node_ip_address=LOOPBACK, **quiet)


def _check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail at once for an address nothing answers at (Ray itself retries for minutes)."""
    host_port = address.removeprefix("ray://").rsplit("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(
            f"--cluster {address}: not an address (HOST:PORT, e.g. 10.0.0.5:6379, "
            "or ray://HOST:10001), nor 'auto'"
        )
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as err:
        raise ClusterError(
            f"--cluster {address}: nothing answers there ({err.strerror or err}); start the "
            "cluster with 'ray start --head' on its head node, or use --cluster auto"
        ) from err


def pool_size(options: ClusterOptions, session: Session) -> int:
    """Actors in the pool: ``options.workers``, else what the cluster's resources allow.

    Raises
    ------
    ClusterError
        When the cluster cannot hold even one worker of the asked size.
    """
    if options.gpus_per_worker > 0:
        fits = int(session.gpus // options.gpus_per_worker)
        what = f"{options.gpus_per_worker:g} GPU each, and the cluster has {session.gpus:g}"
    else:
        fits = int(session.cpus // options.cpus_per_worker)
        what = f"{options.cpus_per_worker:g} CPU each, and the cluster has {session.cpus:g}"
    if fits < 1:
        raise ClusterError(f"no worker fits: {what}")
    if options.workers > fits:
        raise ClusterError(f"--workers {options.workers} do not fit: {what}")
    return options.workers or fits
