"""Training on tiny random models and synthetic clips: learning, schedules, exact resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
import torch
from safetensors.torch import load_file

from model_core.devices import pick_placement
from model_core.model.prompts import answer_for, make_prompt
from model_core.model.reasoner import ClipInput, EmoReasoner
from tests.helpers.corpora import pitch_task
from tests.helpers.signals import RATE, harmonic, syllable_train
from tests.helpers.tiny_models import tiny_config
from train.config import FitConfig, TrainingOptions
from train.schedule import EMOTION, JOINT, SPEECH, epoch_groups, plan_epoch, units_for
from train.trainer import fit

pytestmark = pytest.mark.slow


def fit_config(tmp_path, manifest, **training) -> FitConfig:
    # A random tiny LLM learns to read its audio tokens only slowly and, with varied
    # instructions or clipped gradients, not reliably within a minute of CPU; one layer, one
    # phrasing, no clipping make the learning dependable (3 seeds of 3 at 100 % held out).
    model = tiny_config(
        tmp_path,
        labels=["low", "high"],
        include_cues=False,
        include_transcript=False,
        lora_targets=["q_proj", "k_proj", "v_proj", "o_proj"],
    ).to_dict()
    model["llm_config"]["num_hidden_layers"] = 1
    options = dict(
        output=str(tmp_path / "run"),
        tasks=["ser"],
        schedule="joint",
        final_joint_epoch=False,
        epochs=6,
        batch_size=6,
        learning_rate=5e-3,
        max_grad_norm=0.0,
        warmup_ratio=0.1,
        save_every=4,
        log_every=1,
        device="cpu",
        eval_rationales=0,
        # One phrasing: a random tiny LLM cannot tell its audio tokens from varied
        # instructions within a minute of CPU (a pretrained LLM can: see the default model).
        prompt_pool=False,
    )
    options.update(training)
    return FitConfig.from_dict(
        {"model": model, "data": {"train": [f"manifest:{manifest}"]}, "training": options}
    )


def test_schedules_plan_the_right_groups():
    units = units_for([("ser", "reason", "asr")] * 10 + [("asr",)] * 4, ["asr", "ser", "reason"])
    options = TrainingOptions(
        schedule="alternate-epoch", epochs=3, batch_size=4, final_joint_epoch=True
    )
    assert epoch_groups(options) == [SPEECH, EMOTION, SPEECH, JOINT]
    first = plan_epoch(units, options, 0)
    assert {b.group for b in first} == {SPEECH} and all(
        u.task == "asr" for b in first for u in b.units
    )
    assert sum(len(b.units) for b in first) == 14
    second = plan_epoch(units, options, 1)
    assert all(u.task in ("ser", "reason") for b in second for u in b.units)
    assert (
        plan_epoch(units, options, 1) == second
    )  # deterministic: a resume rebuilds the same batches
    alternate = plan_epoch(units, TrainingOptions(schedule="alternate-batch", batch_size=4), 0)
    assert [b.group for b in alternate[:4]] == [SPEECH, EMOTION, SPEECH, EMOTION]
    assert len(plan_epoch(units, options, 1, world=2)) % 2 == 0


@pytest.mark.parametrize(
    ("branches", "learns", "stays"),
    [
        (("speech",), {"speech_branch"}, {"emotion_branch", "emotion_encoder"}),
        (("emotion",), {"emotion_branch", "emotion_encoder"}, {"speech_branch"}),
        (("speech", "emotion"), {"speech_branch", "emotion_branch", "emotion_encoder"}, set()),
    ],
)
def test_each_task_group_updates_exactly_its_parts(tmp_path, branches, learns, stays):
    config = tiny_config(tmp_path)
    model = EmoReasoner(config, pick_placement("cpu")).train()
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert frozen and all(n.startswith(("whisper.", "llm.")) and "lora_" not in n for n in frozen)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    clips = [ClipInput(syllable_train(4)), ClipInput(harmonic(200, 1.0))]
    prompts = [make_prompt("ser", config.labels) for _ in clips]
    loss = model(clips, prompts, [answer_for("ser", label="sad")] * 2, branches=branches)
    loss.backward()
    optimizer.step()
    changed = {n for n, p in model.named_parameters() if not torch.equal(p, before[n])}
    prefix = {name.split(".")[0] for name in changed}
    assert learns <= prefix
    assert not (stays & prefix)
    assert any("lora_" in n for n in changed)  # LoRA learns from every task
    assert not (changed & frozen)


def test_a_prosody_task_is_learned_and_the_checkpoint_loads(tmp_path):
    manifest = pitch_task(tmp_path / "data", n_per_class=20)
    config = fit_config(tmp_path, manifest, epochs=40)
    final = fit(config, say=lambda _m: None)
    losses = [
        json.loads(line)["loss"]
        for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    ]
    assert np.mean(losses[-4:]) < 0.5 * np.mean(losses[:4])
    from train.evaluate import evaluate_specs

    model = EmoReasoner.from_pretrained(final, pick_placement("cpu"))
    assert model.config.trained is True
    test_manifest = manifest.with_name("test.csv")
    rows = manifest.read_text().splitlines()
    test_manifest.write_text(
        "\n".join([rows[0]] + [r for r in rows[1:] if r.endswith(",test")]) + "\n"
    )
    report = evaluate_specs(
        model, [f"manifest:{test_manifest}"], tmp_path / "cache", rationales=0, say=lambda _m: None
    )
    assert report.classification.n == 10
    assert report.classification.weighted_accuracy > 0.9


def test_resume_after_an_interruption_reproduces_the_weights(tmp_path):
    manifest = pitch_task(tmp_path / "data", n_per_class=6)
    whole = fit_config(tmp_path / "a", manifest, epochs=3, max_steps=6, save_every=2)
    fit(whole, say=lambda _m: None)
    interrupted = fit_config(tmp_path / "b", manifest, epochs=3, max_steps=6, save_every=2)
    assert fit(interrupted, say=lambda _m: None, stop_after=3) is None  # "killed" after step 3
    said = []
    fit(interrupted, say=said.append)
    assert any("resuming from" in line for line in said)
    for name in (
        "adapters.safetensors",
        "emotion_encoder.safetensors",
        "lora/adapter_model.safetensors",
    ):
        a = load_file(str(tmp_path / "a" / "run" / "final" / name))
        b = load_file(str(tmp_path / "b" / "run" / "final" / name))
        assert a.keys() == b.keys()
        for key in a:
            torch.testing.assert_close(a[key], b[key], rtol=0, atol=1e-6, msg=f"{name}:{key}")


def test_two_cpu_processes_train_together(tmp_path):
    """Data parallelism through torchrun with two CPU processes (gloo): half the steps each."""
    import os
    import subprocess
    import sys
    import tomllib

    manifest = pitch_task(tmp_path / "data", n_per_class=8)
    config = fit_config(tmp_path, manifest, epochs=2, batch_size=4, save_every=2)
    toml = tmp_path / "fit.toml"
    toml.write_text(_to_toml(config))
    assert tomllib.loads(toml.read_text())["training"]["epochs"] == 2
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node",
            "2",
            "--master_port",
            "29541",
            "-m",
            "train.cli",
            "fit",
            "--config",
            str(toml),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    args = json.loads((tmp_path / "run" / "final" / "training_args.json").read_text())
    assert args["processes"] == 2
    steps = [
        json.loads(line)["step"]
        for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    ]
    # 12 training examples, batches of 4: 3 batches an epoch, 2 usable by 2 processes -> 1 step each
    assert steps == [1, 2]
    assert result.stdout.count("done: emostudio analyze") == 1


def _to_toml(config: FitConfig) -> str:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items() if x is not None) + "}"

    from dataclasses import asdict

    sections = {
        "model": config.model.to_dict(),
        "data": asdict(config.data),
        "training": asdict(config.training),
    }
    lines = []
    for name, items in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {value(v)}" for k, v in items.items() if v is not None]
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")
def test_training_runs_in_mixed_precision_on_a_gpu(tmp_path):
    manifest = pitch_task(tmp_path / "data", n_per_class=6)
    final = fit(fit_config(tmp_path, manifest, epochs=2, device="cuda"), say=lambda _m: None)
    losses = [
        json.loads(line)["loss"]
        for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    ]
    assert all(np.isfinite(losses))
    model = EmoReasoner.from_pretrained(final, pick_placement("cuda"))
    assert next(model.llm.parameters()).dtype in (torch.bfloat16, torch.float16)
    assert load_file(str(final / "adapters.safetensors"))  # trainable parts saved


def test_iemocap_cross_validation_is_one_command(tmp_path):
    """Leave-one-session-out on a miniature IEMOCAP: one model per held-out session, a summary."""
    from tests.helpers.corpora import write_iemocap
    from train.crossval import iemocap_cross_validation

    release = write_iemocap(tmp_path / "corpus", sessions=(1, 2))
    config = fit_config(tmp_path, tmp_path / "unused.csv", epochs=1, batch_size=4)
    config.model.labels = ["neutral", "happy", "sad", "angry"]
    toml = tmp_path / "cv.toml"
    toml.write_text(_to_toml(config))
    summary = iemocap_cross_validation(toml, release, say=lambda _m: None)
    assert "| session 1 | 5 |" in summary and "| session 2 | 5 |" in summary
    assert "WA: mean" in summary
    rows = json.loads((tmp_path / "run" / "cv.json").read_text())
    assert [r["session"] for r in rows] == [1, 2]
    for session in (1, 2):
        assert (tmp_path / "run" / f"session-{session}" / "evaluation" / "confusion.png").exists()
        card = (tmp_path / "run" / f"session-{session}" / "final" / "README.md").read_text()
        assert "## Training" in card and "schedule joint" in card


def test_speaker_cross_validation_trains_a_recipe_of_stages_per_fold(tmp_path):
    """Two stages per fold: the second continues from the first; both folds are scored."""
    from train.datasets.example import Example
    from train.speaker_cv import run_reasoner

    manifest = tmp_path / "m.csv"
    examples = []
    for speaker in range(4):
        for index, label in enumerate(["low", "high"] * 2):
            path = tmp_path / f"s{speaker}-{index}.wav"
            level = 0.6 if label == "high" else 0.2
            sf.write(path, harmonic(120.0 * (1.3 if label == "high" else 1.0), 1.0) * level, RATE)
            examples.append(Example(f"s{speaker}-{index}", path, label, speaker=f"spk{speaker}"))
    stages = []
    for number in (1, 2):
        config = fit_config(tmp_path, manifest, epochs=1, batch_size=4)
        config.training.output = str(tmp_path / f"stage{number}")
        stages.append(tmp_path / f"stage{number}.toml")
        stages[-1].write_text(_to_toml(config))
    folds = {1: ["spk0", "spk1"], 2: ["spk2", "spk3"]}
    results = run_reasoner(stages, examples, folds, say=lambda _m: None)
    assert [m.n for m in results["emoreasoner/same-speaker"]] == [8, 8]
    assert [m.n for m in results["emoreasoner/population"]] == [8, 8]
    for fold in (1, 2):
        second = json.loads(
            (tmp_path / "stage2" / f"fold-{fold}" / "final" / "training_args.json").read_text()
        )
        assert (tmp_path / "stage1" / f"fold-{fold}" / "final" / "emostudio_config.json").exists()
        assert (
            tmp_path / "stage2" / f"fold-{fold}" / "evaluation-same-speaker" / "evaluation.json"
        ).exists()
        assert second["examples"] == 8
        assert second["init_from"] == str(tmp_path / "stage1" / f"fold-{fold}" / "final")
