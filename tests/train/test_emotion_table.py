"""Every label a dataset reader can produce names an emotion of the one table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model_core.emotions import EMOTIONS, NOT_EMOTIONS, emotion_for
from train.datasets import ased, emospeech, iemocap, meld, ravdess, tess, turev
from train.synth import corpus as synth_corpus

README = Path(__file__).resolve().parents[2] / "README.md"

LOADER_LABELS = {
    "ravdess": {*ravdess.EMOTIONS.values(), *ravdess.FOUR_CLASS.values()},
    "tess": set(tess.EMOTIONS.values()),
    "turev": {*turev.FOLDERS.values(), *turev.CODES.values()},
    "ased": set(ased.FOLDERS.values()),
    "iemocap": {*iemocap.CODES.values(), *iemocap.FOUR_CLASS.values()},
    "meld": set(meld.EMOTIONS),
    "emospeech": set(emospeech.EMOTIONS.values()),
    "synthetic": set(synth_corpus.LABELS),
}


@pytest.mark.parametrize("corpus", sorted(LOADER_LABELS))
def test_every_label_a_reader_produces_has_one_entry(corpus):
    for label in LOADER_LABELS[corpus]:
        assert label in NOT_EMOTIONS or emotion_for(label) is not None, (corpus, label)


def test_the_readme_synonym_table_is_the_emotion_table():
    rows = re.findall(r"^\| (\w[\w ]*?) \| (.+?) \|$", README.read_text(), re.MULTILINE)
    table = {name: words for name, words in rows if name in EMOTIONS}
    assert table == {e.name: ", ".join(e.synonyms) for e in EMOTIONS.values() if e.synonyms}
