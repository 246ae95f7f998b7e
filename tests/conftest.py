"""Shared fixtures. Real-data tests skip when Debian's recordings are missing, unless
EMOSTUDIO_REQUIRE_REAL_DATA=1 (set by CI), where a missing asset is a failure."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

from train.datasets.asterisk import ASTERISK_DIR, ASTERISK_TRANSCRIPTS


def require_path(path: Path, package: str) -> Path:
    """Return ``path``, or skip (fail under EMOSTUDIO_REQUIRE_REAL_DATA=1) when it is missing."""
    if path.exists():
        return path
    message = f"{path} is missing: apt-get install {package}"
    if os.environ.get("EMOSTUDIO_REQUIRE_REAL_DATA") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def asterisk_dir() -> Path:
    return require_path(ASTERISK_DIR, "asterisk-core-sounds-en-wav")


@pytest.fixture(scope="session")
def asterisk_files(asterisk_dir: Path) -> list[Path]:
    """A fixed handful of real utterances of different lengths."""
    names = [
        "agent-alreadyon",
        "auth-thankyou",
        "basic-pbx-ivr-main",
        "conf-onlyperson",
        "vm-intro",
        "pbx-invalid",
    ]
    files = [asterisk_dir / f"{name}.wav" for name in names]
    return [f for f in files if f.exists()]


# --- No network in tests -------------------------------------------------------------
# Any connection to a non-loopback address fails the test that made it: EmoStudio must
# work offline, and a test that silently downloads would hide that it does not.

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkAccessError(RuntimeError):
    """A test tried to reach the network."""


def _check_address(address) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            if host == "localhost":
                return
        raise NetworkAccessError(f"network access to {address!r} during a test")


def _guarded_connect(self, address):
    _check_address(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def asterisk_transcripts(asterisk_dir) -> dict[str, str]:
    """name -> transcript of the asterisk prompts that have one (tones and blanks dropped)."""
    from train.datasets.asterisk import asterisk_pairs

    require_path(ASTERISK_TRANSCRIPTS, "asterisk-core-sounds-en")
    pairs = asterisk_pairs(asterisk_dir, ASTERISK_TRANSCRIPTS)
    return {str(path.relative_to(asterisk_dir).with_suffix("")): text for path, text in pairs}
