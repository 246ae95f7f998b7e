"""Shared fixtures. Real-data tests skip when Debian's recordings are missing, unless
EMOSTUDIO_REQUIRE_REAL_DATA=1 (set by CI), where a missing asset is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ASTERISK_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TRANSCRIPTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")


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
