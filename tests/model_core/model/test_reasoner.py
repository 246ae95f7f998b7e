"""EmoReasoner on tiny random configs: shapes, gradients, probabilities, batching, checkpoints."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from model_core.devices import pick_placement
from model_core.model.checkpoint import CheckpointError
from model_core.model.config import EmoReasonerConfig
from model_core.model.prompts import answer_for, make_prompt
from model_core.model.reasoner import ClipInput, EmoReasoner
from model_core.weights import UnsafeWeightsError
from tests.helpers.tiny_models import tiny_config

CPU = pick_placement("cpu")


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> EmoReasonerConfig:
    return tiny_config(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def model(config) -> EmoReasoner:
    return EmoReasoner(config, CPU)


@pytest.fixture(scope="module")
def clips(three_clips) -> list[ClipInput]:
    return three_clips


def prompts_for(config, n, task="reason"):
    return [
        make_prompt(task, config.labels, transcript=f"words {i}", cues="high pitch")
        for i in range(n)
    ]


def test_token_budget_scales_with_clip_length(model, clips):
    audio = model.encode(clips)
    speech_tokens = audio.speech_mask.sum(dim=1).tolist()
    # 100 speech tokens per 30 s: 15 encoder frames (300 ms) per token.
    for clip, tokens in zip(clips, speech_tokens, strict=True):
        assert tokens == int(np.ceil(len(clip.samples) / 16000 / 0.3))
    emotion_tokens = audio.emotion_mask.sum(dim=1).tolist()
    assert emotion_tokens == [1, 1, 1]  # 10 per 30 s: one token per 3 s, at least one


def test_label_probabilities_sum_to_one(model, clips, config):
    probabilities = model.score_labels(clips, prompts_for(config, len(clips)))
    assert probabilities.shape == (3, len(config.labels))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities > 0).all()


def test_batch_of_different_lengths_equals_one_by_one(model, clips, config):
    prompts = prompts_for(config, len(clips))
    together = model.score_labels(clips, prompts)
    alone = np.concatenate(
        [model.score_labels([c], [p]) for c, p in zip(clips, prompts, strict=True)]
    )
    np.testing.assert_allclose(together, alone, atol=1e-5)
    batch = model.encode(clips)
    for i, clip in enumerate(clips):
        single = model.encode([clip])
        torch.testing.assert_close(batch.tokens_of(i), single.tokens_of(0), atol=1e-5, rtol=1e-4)


def test_backward_reaches_trainable_parts_only(config, clips):
    model = EmoReasoner(config, CPU).train()
    prompts = prompts_for(config, 2)
    answers = [
        answer_for("reason", label="happy", rationale="a bright, fast voice"),
        answer_for("ser", label="sad"),
    ]
    loss = model.loss(clips[:2], prompts, answers)
    assert torch.isfinite(loss) and loss.item() > 0
    loss.backward()
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any("lora_" in n for n in trainable)
    assert any(n.startswith("speech_branch.") for n in trainable)
    assert any(n.startswith("emotion_encoder.") for n in trainable)
    assert not any(n.startswith("whisper.") for n in trainable)
    assert not any(n.startswith("llm.") and "lora_" not in n for n in trainable)
    with_grad = {
        n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0
    }
    assert with_grad <= trainable
    assert any(n.startswith("speech_branch.") for n in with_grad)
    assert any(n.startswith("emotion_branch.") for n in with_grad)


def test_a_few_steps_lower_the_loss(config, clips):
    model = EmoReasoner(config, CPU).train()
    prompts = prompts_for(config, 3, "ser")
    answers = [answer_for("ser", label=label) for label in ("happy", "sad", "angry")]
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-3)
    losses = []
    for _ in range(15):
        optimizer.zero_grad()
        loss = model.loss(clips, prompts, answers)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


def test_save_and_load_give_equal_outputs(config, clips, tmp_path):
    model = EmoReasoner(config, CPU)
    with torch.no_grad():  # make the trained parts differ from a fresh model's
        for _name, parameter in model.named_parameters():
            if parameter.requires_grad:
                parameter.add_(0.05 * torch.randn_like(parameter))
    prompts = prompts_for(config, len(clips))
    before = model.score_labels(clips, prompts)
    folder = model.save_pretrained(tmp_path / "checkpoint")
    assert {p.name for p in folder.iterdir()} >= {
        "emostudio_config.json",
        "adapters.safetensors",
        "emotion_encoder.safetensors",
        "lora",
        "README.md",
    }
    assert not list(folder.rglob("*.bin"))
    loaded = EmoReasoner.from_pretrained(folder, CPU)
    np.testing.assert_allclose(loaded.score_labels(clips, prompts), before, atol=1e-6)
    assert loaded.generate(clips[:1], prompts[:1]) == model.generate(clips[:1], prompts[:1])
    fresh = EmoReasoner(config, CPU)
    assert not np.allclose(fresh.score_labels(clips, prompts), before, atol=1e-4)


def test_checkpoint_with_a_pickle_file_is_refused(model, tmp_path):
    folder = model.save_pretrained(tmp_path / "checkpoint")
    (folder / "lora" / "adapter_model.bin").write_bytes(b"\x80\x04pickle")
    with pytest.raises(UnsafeWeightsError, match="pickle"):
        EmoReasoner.from_pretrained(folder, CPU)


def test_incomplete_checkpoint_is_a_clear_error(model, tmp_path):
    folder = model.save_pretrained(tmp_path / "checkpoint")
    (folder / "adapters.safetensors").unlink()
    with pytest.raises(CheckpointError, match=r"adapters\.safetensors missing"):
        EmoReasoner.from_pretrained(folder, CPU)
    with pytest.raises(CheckpointError, match="not an EmoReasoner checkpoint"):
        EmoReasoner.from_pretrained(tmp_path, CPU)


def test_config_json_round_trip_and_typos(config, tmp_path):
    config.save(tmp_path)
    assert EmoReasonerConfig.load(tmp_path) == config
    data = json.loads((tmp_path / "emostudio_config.json").read_text())
    data["speech_tokens_per_3Os"] = 100
    with pytest.raises(ValueError, match="unknown EmoReasoner config keys"):
        EmoReasonerConfig.from_dict(data)


def test_streaming_delivers_the_generated_text(model, clips, config):
    pieces: dict[int, str] = {0: "", 1: ""}

    def collect(row, delta):
        pieces[row] += delta

    prompts = prompts_for(config, 2)
    texts = model.generate(clips[:2], prompts, on_text=collect)
    assert [pieces[0].strip(), pieces[1].strip()] == texts


def test_waveform_emotion_encoder_plugs_in(tmp_path, clips):
    config = tiny_config(
        tmp_path,
        emotion_encoder="random",
        emotion_encoder_config=dict(
            model_type="wav2vec2",
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            conv_dim=(16, 16),
            conv_stride=(5, 64),
            conv_kernel=(10, 64),
            num_conv_pos_embeddings=16,
            num_conv_pos_embedding_groups=2,
        ),
    )
    model = EmoReasoner(config, CPU)
    assert not any(p.requires_grad for p in model.emotion_encoder.parameters())
    probabilities = model.score_labels(clips, prompts_for(config, len(clips)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_cached_scoring_equals_scoring_whole_sequences(model, clips, config):
    """The shared-prompt cache is an optimisation: it must give the plain computation's numbers."""
    from model_core.model.prompts import label_answer

    prompts = prompts_for(config, len(clips))
    audio = model.encode(clips)
    expected = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            totals = []
            for label in config.labels:
                embeds, labels = model._sequence(audio, i, prompt, model._ids(label_answer(label)))
                log_probs = torch.log_softmax(
                    model.llm(inputs_embeds=embeds[None]).logits[0, :-1].float(), -1
                )
                targets = labels[1:]
                keep = targets != -100
                totals.append(log_probs[keep].gather(1, targets[keep][:, None]).sum())
            expected.append(torch.softmax(torch.stack(totals), 0).numpy())
    np.testing.assert_allclose(
        model.score_labels(clips, prompts, audio=audio), np.stack(expected), atol=1e-5
    )


def test_whisper_encoder_plugs_in_as_the_emotion_encoder(tmp_path, clips):
    config = tiny_config(
        tmp_path,
        emotion_encoder="random",
        emotion_encoder_config=dict(
            model_type="whisper",
            d_model=16,
            encoder_layers=1,
            decoder_layers=1,
            encoder_attention_heads=2,
            decoder_attention_heads=2,
            encoder_ffn_dim=32,
            decoder_ffn_dim=32,
            num_mel_bins=80,
            max_source_positions=1500,
        ),
    )
    model = EmoReasoner(config, CPU)
    assert not any(p.requires_grad for p in model.emotion_encoder.parameters())
    audio = model.encode(clips)
    # 10 emotion tokens per 30 s from 50 Hz Whisper frames: one token per 3 s, at least one
    assert audio.emotion_mask.sum(dim=1).tolist() == [1, 1, 1]
    probabilities = model.score_labels(clips, prompts_for(config, len(clips)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_best_of_k_drafts_come_k_per_clip_in_one_batch(model, clips, config):
    prompts = prompts_for(config, 2)
    torch.manual_seed(0)
    texts = model.generate(clips[:2], prompts, drafts=3, max_new_tokens=6)
    assert len(texts) == 6  # clip i's drafts at 3i .. 3i+2
    assert len(set(texts[:3])) > 1 or len(set(texts[3:])) > 1  # sampled, not three greedy copies
    with pytest.raises(ValueError, match=r"drafts must be 1\.\.4"):
        model.generate(clips[:1], prompts[:1], drafts=5)


def test_constrained_decoding_masks_every_token_outside_a_rows_vocabulary(model):
    from model_core.model.vocabulary import VocabularyConstraint

    texts = ["the voice is loud", "Transcript: please stop"]
    constraint = VocabularyConstraint(model.tokenizer, texts)
    size = len(model.tokenizer)
    scores = torch.randn(2, size)
    masked = constraint(torch.zeros(2, 1, dtype=torch.long), scores)
    for row, text in enumerate(texts):
        own = set(model.tokenizer(text, add_special_tokens=False)["input_ids"])
        allowed = set(constraint.allowed[row].nonzero().flatten().tolist())
        assert own <= allowed and len(allowed) < size
        kept = torch.isfinite(masked[row]).nonzero().flatten().tolist()
        assert set(kept) == allowed
        assert int(masked[row].argmax()) in allowed
    # the second row's transcript words are not allowed in the first row
    please = set(model.tokenizer(" please", add_special_tokens=False)["input_ids"])
    assert not please <= set(constraint.allowed[0].nonzero().flatten().tolist())


def test_no_repeat_ngram_size_reaches_the_llms_decoding(model, clips, config, monkeypatch):
    import dataclasses

    seen = []
    generate = model.llm.generate

    def spy(*args, **kwargs):
        seen.append(kwargs.get("no_repeat_ngram_size"))
        return generate(*args, **kwargs)

    monkeypatch.setattr(model.llm, "generate", spy)
    prompts = prompts_for(config, 2)
    model.generate(clips[:2], prompts, max_new_tokens=4)
    monkeypatch.setattr(model, "config", dataclasses.replace(config, no_repeat_ngram_size=4))
    model.generate(clips[:2], prompts, max_new_tokens=4)
    assert seen == [None, 4]  # off by default; then HF's n-gram block in the answer
    with pytest.raises(ValueError, match="no_repeat_ngram_size must be 0"):
        EmoReasonerConfig.from_dict({**config.to_dict(), "no_repeat_ngram_size": -1})
