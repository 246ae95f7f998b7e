"""Language identification by the packaged multilingual Whisper base (real weights)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from model_core.audio import load_audio
from tests.conftest import require_path


@pytest.fixture(scope="module")
def check():
    from model_core.devices import pick_placement
    from model_core.language import shared_check

    return shared_check(pick_placement("cpu"))


@pytest.mark.real_data
def test_english_is_english_and_other_languages_are_not(check, asterisk_files, tmp_path):
    english = check.english_probability([load_audio(p).for_model for p in asterisk_files[:3]])
    assert min(english) > 0.6
    espeak = require_path(Path(shutil.which("espeak-ng") or "/usr/bin/espeak-ng"), "espeak-ng")
    path = tmp_path / "tr.wav"
    text = "Bugün çok mutluyum çünkü arkadaşlarım geliyor ve birlikte yemek yiyeceğiz"
    subprocess.run([str(espeak), "-v", "tr", "-w", str(path), text], check=True)
    (turkish,) = check.english_probability([load_audio(path).for_model])
    assert turkish < 0.6


@pytest.mark.real_data
def test_only_clips_with_a_transcript_are_checked(check):
    from model_core.language import english_probabilities

    silence = np.zeros(16_000, dtype=np.float32)
    found = english_probabilities(check, [silence, silence], ["", "Hello."])
    assert found[0] is None and 0.0 <= found[1] <= 1.0


@pytest.mark.real_data
@pytest.mark.slow
def test_both_engines_name_the_same_language_and_ctranslate2_is_the_default(
    check, asterisk_files, tmp_path
):
    from model_core.devices import pick_placement
    from model_core.language import CTranslate2LanguageCheck, shared_check

    assert isinstance(check, CTranslate2LanguageCheck)  # fails if ctranslate2 is not installed
    espeak = require_path(Path(shutil.which("espeak-ng") or "/usr/bin/espeak-ng"), "espeak-ng")
    path = tmp_path / "de.wav"
    text = "Heute bin ich sehr traurig, weil mein Freund nicht gekommen ist"
    subprocess.run([str(espeak), "-v", "de", "-w", str(path), text], check=True)
    clips = [load_audio(p).for_model for p in [*asterisk_files[:3], path]]
    fast = check.english_probability(clips)
    slow = shared_check(pick_placement("cpu"), "torch").english_probability(clips)
    assert max(abs(a - b) for a, b in zip(fast, slow, strict=True)) < 0.1, (fast, slow)
    assert [p > 0.6 for p in fast] == [p > 0.6 for p in slow] == [True, True, True, False]
