"""What an analysis takes from an earlier one of the same clip (model_core.reuse)."""

from __future__ import annotations

import pytest

from model_core.audio import load_audio
from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from model_core.pipeline import Analyzer, Clip
from model_core.reuse import StageCache, _Recent, draft_seed
from tests.helpers.tiny_models import tiny_config


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    config = tiny_config(
        tmp_path_factory.mktemp("tiny"),
        speech_encoder="whisper-tiny.en",
        speech_encoder_config=None,
    )
    analyzer = Analyzer(EmoReasoner(config, pick_placement("cpu")), rationale_policy="model")
    analyzer.cache = StageCache()
    return analyzer


def test_a_second_analysis_reuses_the_words_and_the_drafts(analyzer, asterisk_files, monkeypatch):
    calls = []
    generate = analyzer.model.generate
    monkeypatch.setattr(
        analyzer.model, "generate", lambda *a, **k: calls.append(1) or generate(*a, **k)
    )
    clip = load_audio(asterisk_files[0])
    first = analyzer.analyze([Clip(clip)])[0]
    assert "asr" in first.timings and calls
    generated = len(calls)
    second = analyzer.analyze([Clip(clip)])[0]
    assert "asr" not in second.timings and "generation" not in second.timings
    assert len(calls) == generated  # the same prompt: the same drafts, not written again
    assert (second.transcript, second.rationale) == (first.transcript, first.rationale)
    part = analyzer.analyze([Clip(clip, 0.0, 1.0)])[0]  # another span: heard anew
    assert "asr" in part.timings


def test_drafts_given_again_are_reviewed_not_rewritten(analyzer, asterisk_files, monkeypatch):
    monkeypatch.setattr(analyzer.model, "generate", lambda *a, **k: pytest.fail("generated"))
    clip = load_audio(asterisk_files[1])
    analyzer.cache = StageCache()
    draft = "The pitch is high and the voice is loud."
    (result,) = analyzer.analyze([Clip(clip)], reuse_drafts=[[draft]])
    assert result.rationale_review["draft"] == draft
    assert "generation" not in result.timings


def test_the_cache_forgets_the_least_recently_used_and_seeds_are_stable():
    recent: _Recent[int] = _Recent(size=2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # a is now the most recent
    recent.put("c", 3)
    assert recent.get("b") is None and recent.get("a") == 1 and recent.get("c") == 3
    keys = [(("sha", None, None), "prompt", "Label: calm. Reason:", 4, False)]
    assert draft_seed(keys) == draft_seed(list(keys))
    assert draft_seed(keys) != draft_seed([(("sha", 0.0, 1.0), *keys[0][1:])])
