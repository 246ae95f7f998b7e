"""The batch's shared prompt prefix runs once (model_core.model.shared_prefix): the same
logits and the same greedy text as every row run in full."""

from __future__ import annotations

import pytest
import torch

from model_core.devices import pick_placement
from model_core.model import reasoner as reasoner_module
from model_core.model.prompts import make_prompt
from model_core.model.reasoner import ClipInput, EmoReasoner
from model_core.model.shared_prefix import run_shared_prefix, shared_prefix_length
from tests.helpers.tiny_models import tiny_config


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> EmoReasoner:
    return EmoReasoner(tiny_config(tmp_path_factory.mktemp("tiny")), pick_placement("cpu"))


@pytest.fixture(scope="module")
def clips(three_clips) -> list[ClipInput]:
    return three_clips


def prompts(model, n):
    words = ["stop it now", "fine", "I did not expect to see you here today"]
    return [
        make_prompt("reason", model.config.labels, transcript=words[i], cues="high pitch")
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("rows", "length"),
    [
        ([[1, 2, 3], [1, 2, 4]], 2),
        ([[5, 6], [5, 6, 7]], 2),
        ([[1], [2]], 0),
        ([[3, 4]], 2),
        ([], 0),
    ],
)
def test_shared_prefix_length_is_the_longest_common_start(rows, length):
    assert shared_prefix_length(rows) == length


def test_a_prefix_that_leaves_a_row_nothing_is_refused(model):
    rows = [torch.zeros(4, 8), torch.zeros(6, 8)]
    with pytest.raises(ValueError, match="nothing of its own"):
        run_shared_prefix(model.llm, rows, 4)


def test_the_next_token_logits_equal_the_rows_run_in_full(model, clips):
    texts = prompts(model, 3)
    audio = model.encode(clips)
    rows = [model._sequence(audio, i, prompt, [])[0] for i, prompt in enumerate(texts)]
    shared = shared_prefix_length([model._prompt_ids(p)[0] for p in texts])
    assert shared >= 20, "the system prompt opens every prompt"
    with torch.inference_mode():
        embeds, mask, cache = run_shared_prefix(model.llm, rows, shared)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, shared:]
        after = model.llm(
            inputs_embeds=embeds[:, shared:],
            attention_mask=mask,
            position_ids=positions,
            cache=cache,
        ).logits[:, -1]
        alone = torch.stack([model.llm(inputs_embeds=row[None]).logits[0, -1] for row in rows])
    torch.testing.assert_close(after, alone, rtol=1e-4, atol=1e-4)


def test_generated_text_is_the_same_with_and_without_the_shared_prefix(model, clips, monkeypatch):
    texts = prompts(model, 3)
    calls = []
    original = reasoner_module.run_shared_prefix

    def spy(*args):
        calls.append(args[2])
        return original(*args)

    monkeypatch.setattr(reasoner_module, "run_shared_prefix", spy)
    shared = model.generate(clips, texts, max_new_tokens=12)
    assert len(calls) == 1 and calls[0] >= 20  # the shared path ran
    monkeypatch.setattr(reasoner_module, "MIN_SHARED_TOKENS", 10**6)
    full = model.generate(clips, texts, max_new_tokens=12)
    alone = [
        model.generate([c], [p], max_new_tokens=12)[0] for c, p in zip(clips, texts, strict=True)
    ]
    assert len(calls) == 1  # neither ran it
    assert shared == full == alone
    assert any(text for text in shared)
