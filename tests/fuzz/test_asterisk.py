"""Fuzzing the reader of Debian's asterisk prompt transcripts (``name: text`` lines)."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import SOME_TEXT, fuzz
from train.datasets.asterisk import asterisk_pairs

PROMPTS = ("vm-intro", "auth-thankyou", "digits/1")
LINES = st.builds(
    "{}{}{}".format,
    st.sampled_from([*PROMPTS, "missing", ";vm-intro", " vm-intro ", ""]) | SOME_TEXT,
    st.sampled_from([":", ": ", "", "::"]),
    st.sampled_from(["Please leave a message.", "[beep]", "", " 1 "]) | SOME_TEXT,
)


@pytest.fixture(scope="module")
def speech_dir():
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        for prompt in PROMPTS:
            (root / f"{prompt}.wav").parent.mkdir(parents=True, exist_ok=True)
            (root / f"{prompt}.wav").write_bytes(b"")
        yield root


@fuzz(150)
@given(lines=st.lists(LINES, max_size=8))
@example(lines=["vm-intro" + "x" * 300 + ": words"])  # OSError: File name too long
@example(lines=["vm-intro: Please leave a message.", "auth-thankyou:[beep]", ";digits/1: one"])
def test_transcript_lines_give_pairs_of_existing_prompts_and_their_words(speech_dir, lines):
    transcripts = speech_dir / "core-sounds-en.txt.gz"
    with gzip.open(transcripts, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    pairs = asterisk_pairs(speech_dir, transcripts)
    for path, text in pairs:
        assert path.exists() and path.suffix == ".wav"
        assert text and text == text.strip() and not text.startswith("[")
    # A well-formed line of a prompt that exists is never lost.
    wanted = [
        (speech_dir / f"{name}.wav", text)
        for line in lines
        for name, colon, text in [line.partition(":")]
        if name in PROMPTS
        and colon
        and "\n" not in line
        and "\r" not in line
        and text.strip()
        and text.strip() == text.strip(" ")
        and not text.strip().startswith("[")
        and ":" not in text
    ]
    assert all((path, text.strip()) in pairs for path, text in wanted)
