"""Fuzzing what ``emostudio import`` parses: ``--speaker-from`` and ``--glob``.

Any pattern gives speakers that are non-empty pieces of the file's relative path (or
none), and any glob gives files inside the folder; otherwise a StoreError naming the
pattern, which the CLI prints as one line. Never a raw re.error, ValueError or
NotImplementedError, never a file outside the folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from emostudio.store.database import StoreError
from emostudio.store.importer import ImportOptions, find_files, speaker_of, speaker_pattern
from tests.fuzz.strategies import TEXT, fuzz

REGEX_BITS = st.sampled_from(
    [
        "(",
        ")",
        "(?P<speaker>",
        "[",
        "]",
        "^",
        "$",
        "*",
        "+",
        "?",
        "{2}",
        "{1,",
        "\\",
        "\\w+",
        "\\d",
        ".",
        "|",
        "/",
        "_",
        "spk",
        "(?:",
        "(?P<other>",
        "[^/]+",
        "a",
    ]
)
PATTERNS = st.lists(REGEX_BITS | TEXT, max_size=6).map("".join)
NAMES = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=12)
RELATIVE = st.lists(NAMES.filter(lambda n: n not in (".", "..")), min_size=1, max_size=3).map(
    lambda parts: Path(*parts)
)


@fuzz(300)
@given(text=PATTERNS | st.none(), relative=RELATIVE)
@example(text="(?P<speaker>", relative=Path("a.wav"))  # re.error escaped the CLI
@example(text="x*", relative=Path("spk1/a.wav"))  # an empty match made speaker ""
@example(text="(?P<speaker>z)?", relative=Path("a.wav"))  # a group that took no part
def test_speaker_patterns_give_pieces_of_the_path_or_a_store_error(text, relative):
    folder = Path("/data/corpus")
    try:
        pattern = speaker_pattern(text)
    except StoreError as err:
        assert repr(text) in str(err), err
        return
    assert (pattern is None) == (not text)
    speaker = speaker_of(folder / relative, folder, pattern)
    assert speaker is None or (speaker and speaker in str(relative))


@pytest.fixture(scope="module")
def folder():
    """corpus/{a.wav, notes.txt, spk1/b.flac, spk1/deep/c.WAV} and a file beside the corpus."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        corpus = root / "corpus"
        (corpus / "spk1" / "deep").mkdir(parents=True)
        for path in (
            "corpus/a.wav",
            "corpus/notes.txt",
            "corpus/spk1/b.flac",
            "corpus/spk1/deep/c.WAV",
            "outside.wav",
        ):
            (root / path).write_bytes(b"")
        yield corpus


GLOB_BITS = st.sampled_from(
    ["*", "**", "?", "[", "]", "[!a]", "/", "..", ".", "*.wav", "spk1", "a", "deep", "\x00", "~"]
)
GLOBS = st.lists(GLOB_BITS | TEXT, max_size=5).map("".join)


@fuzz(150)
@given(glob=GLOBS | st.none(), recursive=st.booleans())
@example(glob="../*.wav", recursive=False)  # listed a file outside the folder
@example(glob="**/../../*", recursive=True)
@example(glob="/abs/*.wav", recursive=False)  # NotImplementedError
@example(glob="**x", recursive=True)  # ValueError
@example(glob=".", recursive=False)  # IndexError inside pathlib
def test_globs_give_files_inside_the_folder_or_a_store_error(folder, glob, recursive):
    try:
        files, ignored = find_files(folder, ImportOptions(glob=glob, recursive=recursive))
    except StoreError as err:
        assert repr(glob) in str(err), err
        return
    assert ignored >= 0 and files == sorted(set(files))
    for path in files:
        assert path.is_file() and path.resolve().is_relative_to(folder.resolve())
        assert speaker_of(path, folder, speaker_pattern(r"^(\w+)/")) in (None, "spk1")
    if glob is None:
        assert {p.name for p in files} == ({"a.wav", "b.flac", "c.WAV"} if recursive else {"a.wav"})
