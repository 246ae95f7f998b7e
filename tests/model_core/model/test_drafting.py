"""Drafts with the review as the verifier: a greedy draft per clip, sampled ones only for
the clips whose greedy draft is rejected (model_core.model.drafting)."""

from __future__ import annotations

import pytest
import torch

from model_core.model.audio_tokens import EncodedAudio
from model_core.model.drafting import draft_rationales


class ScriptedModel:
    """Answers ``generate`` from a script and records every call."""

    def __init__(self):
        self.calls = []

    def encode(self, clips):
        n = len(clips)
        return EncodedAudio(
            torch.arange(n, dtype=torch.float32).view(n, 1, 1),
            torch.ones(n, 1, dtype=torch.bool),
            torch.zeros(n, 1, 1),
            torch.ones(n, 1, dtype=torch.bool),
        )

    def generate(self, clips, prompts, *, prefixes, audio, drafts=1, sample=None, **options):
        self.calls.append(
            {"clips": list(clips), "drafts": drafts, "sample": sample, "audio": audio}
        )
        if sample:
            return [f" {clip} sampled {d}" for clip in clips for d in range(drafts)]
        return [f" {clip} greedy" for clip in clips]


def run(model, drafts, good):
    clips = ["a", "b", "c"]
    return draft_rationales(
        model,
        clips,
        ["p"] * 3,
        prefixes=["x"] * 3,
        accepted=lambda i, text: good(clips[i], text),
        drafts=drafts,
    )


def test_only_rejected_clips_get_sampled_drafts_in_one_second_batch():
    model = ScriptedModel()
    found = run(model, 4, lambda clip, text: clip != "b")
    assert found == [
        ["a greedy"],
        ["b greedy", "b sampled 0", "b sampled 1", "b sampled 2"],
        ["c greedy"],
    ]
    greedy, sampled = model.calls
    assert greedy["clips"] == ["a", "b", "c"] and not greedy["sample"]
    assert sampled["clips"] == ["b"] and sampled["drafts"] == 3 and sampled["sample"] is True
    # the second pass reuses the first pass's audio tokens of that clip only
    assert sampled["audio"].speech.flatten().tolist() == [1.0]


@pytest.mark.parametrize(("drafts", "calls"), [(1, 1), (4, 1)])
def test_no_second_pass_when_one_draft_is_wanted_or_every_draft_passes(drafts, calls):
    model = ScriptedModel()
    everything = drafts > 1
    found = run(model, drafts, lambda clip, text: everything)
    assert len(model.calls) == calls and all(len(texts) == 1 for texts in found)


def test_a_second_pass_of_one_draft_is_sampled_not_a_greedy_copy():
    model = ScriptedModel()
    found = run(model, 2, lambda clip, text: False)
    assert found[0] == ["a greedy", "a sampled 0"] and model.calls[1]["sample"] is True
