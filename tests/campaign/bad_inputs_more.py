"""The bad-input corpus, continued: manifests and checkpoint folders (see
:mod:`tests.campaign.bad_inputs`; projects, command lines and drops are in
:mod:`tests.campaign.bad_inputs_projects`)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from tests.campaign.bad_inputs import (
    ACCEPTED,
    ANALYZE,
    EVALUATE,
    FIT,
    IMPORT,
    MANIFEST_ENTRIES,
    VALIDATE,
    Built,
    Context,
    kind,
    refuse,
)

ROOT_SKIP = "root may write to any file" if os.geteuid() == 0 else None


def stored_project(path: Path, audio: Path) -> None:
    """A project holding one analysis of ``audio``: what a refused operation must keep."""
    from emostudio.store import Project
    from model_core.audio import load_audio

    recording = load_audio(audio)
    with Project(path) as project:
        project.add_recording(recording, analysis=analysis_of(recording))


def analysis_of(recording, kind_of_take: str = "a stored take"):
    from model_core.result import AnalysisResult

    return AnalysisResult(
        file=str(recording.path),
        sha256=recording.sha256,
        duration=recording.duration,
        sample_rate=recording.sample_rate,
        start=0.0,
        end=recording.duration,
        label="neutral",
        probabilities={"neutral": 0.7, "angry": 0.3},
        transcript=kind_of_take,
        cues={"descriptor": "steady pitch"},
    )


# ----------------------------------------------------------------- manifests
def manifests(expect_validate, expect_fit=None, expect_evaluate=None):
    """A manifest refused (or accepted) the same way by validate, fit and evaluate."""
    values = {VALIDATE: expect_validate, FIT: expect_fit, EVALUATE: expect_evaluate}
    return {
        entry: (values[entry] if values[entry] is not None else expect_validate)
        for entry in MANIFEST_ENTRIES
    }


def _manifest(ctx: Context, name: str, file: str, content: bytes | str) -> Built:
    path = ctx.own(name, file)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return Built(path)


def csv_rows(*rows: tuple[str, str]) -> str:
    return "path,label\n" + "".join(f'"{path}",{label}\n' for path, label in rows)


@kind("manifest/missing-columns", "manifest", manifests(refuse("'path' column", status=2)))
def _missing_columns(ctx):
    return _manifest(
        ctx, "manifest/missing-columns", "cols.csv", f"file,emotion\n{ctx.good},neutral\n"
    )


@kind(
    "manifest/unknown-label",
    "manifest",
    manifests(refuse("not one of"), refuse("not one of", status=2), refuse("not one of", status=2)),
)
def _unknown_label(ctx):
    return _manifest(ctx, "manifest/unknown-label", "labels.csv", csv_rows((ctx.good, "furious")))


@kind(
    "manifest/path-escaping-its-folder",
    "manifest",
    manifests(
        refuse("not a recognised"),
        refuse("not a recognised", status=2),
        refuse("not a recognised", status=2),
    ),
)
def _escaping(ctx):
    inner = ctx.own("manifest/path-escaping-its-folder", "inner")
    inner.mkdir(exist_ok=True)
    (inner.parent / "secret.txt").write_text("not audio, and outside the manifest's folder\n")
    path = inner / "escape.csv"
    path.write_text(csv_rows(("../secret.txt", "neutral")))
    return Built(path, names="secret.txt")


@kind("manifest/utf8-bom-csv", "manifest", manifests(ACCEPTED))
def _bom_csv(ctx):
    return _manifest(
        ctx, "manifest/utf8-bom-csv", "bom.csv", "\ufeff" + csv_rows((ctx.good, "neutral"))
    )


@kind("manifest/utf8-bom-jsonl", "manifest", manifests(ACCEPTED))
def _bom_jsonl(ctx):
    row = json.dumps({"path": str(ctx.good), "label": "neutral"})
    return _manifest(ctx, "manifest/utf8-bom-jsonl", "bom.jsonl", f"\ufeff{row}\n")


@kind("manifest/utf16", "manifest", manifests(refuse("UTF-8", status=2)))
def _utf16(ctx):
    return _manifest(
        ctx, "manifest/utf16", "excel.csv", csv_rows((ctx.good, "neutral")).encode("utf-16")
    )


@kind("manifest/empty-file", "manifest", manifests(refuse("empty", status=2)))
def _empty_manifest(ctx):
    return _manifest(ctx, "manifest/empty-file", "empty.csv", b"")


@kind("manifest/header-only", "manifest", manifests(refuse("no rows", status=2)))
def _header_only(ctx):
    return _manifest(ctx, "manifest/header-only", "header.csv", "path,label\n")


@kind("manifest/binary-garbage", "manifest", manifests(refuse("UTF-8", status=2)))
def _garbage(ctx):
    noise = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    return _manifest(ctx, "manifest/binary-garbage", "garbage.csv", b"\xff\xfe\x00" + noise)


@kind("manifest/duplicate-rows", "manifest", manifests(refuse("duplicate", status=2)))
def _duplicates(ctx):
    rows = csv_rows((ctx.good, "neutral"), (ctx.good, "neutral"))
    return _manifest(ctx, "manifest/duplicate-rows", "twice.csv", rows)


@kind(
    "manifest/missing-files",
    "manifest",
    manifests(
        refuse("no such file"), refuse("no such file", status=2), refuse("no such file", status=2)
    ),
)
def _missing_files(ctx):
    built = _manifest(ctx, "manifest/missing-files", "gone.csv", csv_rows(("gone.wav", "neutral")))
    built.names = "gone.wav"
    return built


@kind("manifest/broken-json-line", "manifest", manifests(refuse("not valid JSON", status=2)))
def _broken_json(ctx):
    row = json.dumps({"path": str(ctx.good), "label": "neutral"})
    return _manifest(
        ctx, "manifest/broken-json-line", "torn.jsonl", f'{row}\n{{"path": "x.wav", "lab\n'
    )


@kind("manifest/not-a-manifest", "manifest", manifests(refuse("not a data spec", status=2)))
def _not_manifest(ctx):
    return _manifest(ctx, "manifest/not-a-manifest", "rows.txt", csv_rows((ctx.good, "neutral")))


# ----------------------------------------------------------------- checkpoint folders
CHECKPOINT_ENTRIES = {ANALYZE: 2, EVALUATE: 2, FIT: 2, IMPORT: 2}


def checkpoints(*words: str):
    return {entry: refuse(*words, status=status) for entry, status in CHECKPOINT_ENTRIES.items()}


def _copy_checkpoint(ctx: Context, name: str) -> Path:
    target = ctx.own(name, "model")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ctx.checkpoint, target)
    return target


def _reshape_first_tensor(file: Path) -> None:
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(file))
    key = sorted(tensors)[0]
    tensors[key] = np_to_torch(np.zeros((tensors[key].shape[0] + 3, *tensors[key].shape[1:])))
    save_file(tensors, str(file))


def np_to_torch(array: np.ndarray):
    import torch

    return torch.from_numpy(array.astype(np.float32))


@kind("checkpoint/empty-folder", "checkpoint", checkpoints("no emostudio_config.json"))
def _empty_checkpoint(ctx):
    folder = ctx.own("checkpoint/empty-folder", "model")
    folder.mkdir(exist_ok=True)
    return Built(folder, names="empty-folder")


@kind("checkpoint/missing-config", "checkpoint", checkpoints("no emostudio_config.json"))
def _no_config(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/missing-config")
    (folder / "emostudio_config.json").unlink()
    return Built(folder, names="missing-config")


@kind(
    "checkpoint/config-of-another-class",
    "checkpoint",
    checkpoints("unknown EmoReasoner config keys"),
)
def _other_config(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/config-of-another-class")
    llama = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64}
    (folder / "emostudio_config.json").write_text(json.dumps(llama))
    return Built(folder, names="emostudio_config.json")


@kind("checkpoint/config-not-json", "checkpoint", checkpoints("not valid JSON"))
def _config_not_json(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/config-not-json")
    (folder / "emostudio_config.json").write_text('{"name": "half a config", ')
    return Built(folder, names="emostudio_config.json")


@kind("checkpoint/pickle-file", "checkpoint", checkpoints("pickle"))
def _pickle(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/pickle-file")
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04\x95pickled weights could run code")
    return Built(folder, names="pytorch_model.bin")


@kind("checkpoint/truncated-safetensors", "checkpoint", checkpoints("damaged", "truncated"))
def _truncated(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/truncated-safetensors")
    adapters = folder / "adapters.safetensors"
    adapters.write_bytes(adapters.read_bytes()[: adapters.stat().st_size // 2])
    return Built(folder, names="adapters.safetensors")


@kind("checkpoint/wrong-adapter-shapes", "checkpoint", checkpoints("do not fit"))
def _adapter_shapes(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/wrong-adapter-shapes")
    _reshape_first_tensor(folder / "adapters.safetensors")
    return Built(folder, names="wrong-adapter-shapes")


@kind("checkpoint/wrong-lora-shapes", "checkpoint", checkpoints("do not fit"))
def _lora_shapes(ctx):
    folder = _copy_checkpoint(ctx, "checkpoint/wrong-lora-shapes")
    _reshape_first_tensor(folder / "lora" / "adapter_model.safetensors")
    return Built(folder, names="wrong-lora-shapes")


@kind("checkpoint/a-file-not-a-folder", "checkpoint", checkpoints("not an EmoReasoner checkpoint"))
def _a_file(ctx):
    path = ctx.own("checkpoint/a-file-not-a-folder", "weights.safetensors")
    shutil.copyfile(ctx.checkpoint / "adapters.safetensors", path)
    return Built(path)
