"""The fit configuration: one TOML file that says what to train on, and how.

Example::

    [model]                      # any EmoReasonerConfig field; or init_from = "checkpoint/"
    labels = ["neutral", "happy", "sad", "angry"]

    [data]
    train = ["manifest:data/train.csv", "asterisk"]
    eval = ["manifest:data/test.csv"]
    rationales = "rationales.jsonl"   # from `emostudio-train rationales` (optional)

    [training]
    output = "runs/first"
    tasks = ["asr", "ser", "reason"]
    schedule = "alternate-epoch"      # or alternate-batch, joint
    final_joint_epoch = true
    epochs = 4
    batch_size = 8
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from model_core.errors import EmoStudioError
from model_core.model.config import EmoReasonerConfig, type_problem

SCHEDULES = ("alternate-epoch", "alternate-batch", "joint")
# [model] keys a run that continues from a checkpoint (init_from) may change: what the
# prompts hold and how long an answer runs, never the network's shape.
PROMPT_KEYS = (
    "include_transcript",
    "include_cues",
    "include_evidence",
    "evidence_layout",
    "system_prompt",
    "max_rationale_tokens",
    "drafts",
    "constrained_decoding",
    "no_repeat_ngram_size",
)
REASON_LABELS = ("gold", "mixed")
SPEECH_TASKS = ("asr", "sqa")
EMOTION_TASKS = ("ser", "reason")


class ConfigError(EmoStudioError, ValueError):
    """The fit configuration is wrong; the message names the file and the key."""


@dataclass
class TrainingOptions:
    output: str = "runs/emoreasoner"
    tasks: list[str] = field(default_factory=lambda: ["asr", "ser", "reason"])
    schedule: str = "alternate-epoch"
    final_joint_epoch: bool = True
    epochs: int = 3
    max_steps: int | None = None  # stop after this many optimizer steps (a smoke run)
    batch_size: int = 8
    gradient_accumulation: int = 1
    learning_rate: float = 2e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    max_grad_norm: float = 1.0
    save_every: int = 200  # optimizer steps between checkpoints
    keep_checkpoints: int = 2
    seed: int = 0
    device: str = "auto"
    cache_dir: str | None = None  # encoder cache; default <output>/cache
    use_cache: bool = True
    eval_rationales: int = 32  # rationales generated at evaluation for grounding metrics
    prompt_pool: bool = (
        True  # draw each instruction from the task's pool of phrasings (else the first)
    )
    # Which label a reasoning target explains: "gold", or "mixed": the gold label or, in
    # reason_other_share of the targets, another one (a label head is sometimes wrong, and
    # the rationale must then say that the evidence does not support it), with drawn
    # head probabilities for the evidence table.
    reason_labels: str = "gold"
    reason_other_share: float = 0.35
    # The share of speakers scored against population priors rather than their own
    # recordings, so that a model learns both baselines' words.
    population_speakers: float = 0.0
    # The share of reasoning targets whose transcript is marked unreliable (no quote).
    unreliable_share: float = 0.0
    log_every: int = 10  # optimizer steps between log lines


@dataclass
class DataOptions:
    train: list[str] = field(default_factory=list)
    eval: list[str] = field(default_factory=list)
    rationales: str | None = None


@dataclass
class FitConfig:
    model: EmoReasonerConfig
    data: DataOptions
    training: TrainingOptions
    init_from: str | None = None  # a checkpoint folder to continue from
    source: str = ""
    # [model] keys given with init_from: applied to the loaded checkpoint's config
    model_overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> FitConfig:
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise ConfigError(f"{path}: no such config file") from err
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not valid TOML ({err})") from err
        return cls.from_dict(raw, str(path), base=path.parent)

    @classmethod
    def from_dict(
        cls, raw: dict[str, Any], source: str = "<dict>", base: Path | None = None
    ) -> FitConfig:
        unknown = set(raw) - {"model", "data", "training"}
        if unknown:
            raise ConfigError(
                f"{source}: unknown sections {sorted(unknown)} (model, data, training)"
            )
        if not isinstance(raw.get("model", {}), dict):
            raise ConfigError(f"{source}: [model] must be a table, got {raw['model']!r}")
        model_raw = dict(raw.get("model", {}))
        init_from = model_raw.pop("init_from", None)
        if not isinstance(init_from, str | None):
            raise ConfigError(f"{source}: [model] init_from must be a folder, got {init_from!r}")
        try:
            model = EmoReasonerConfig.from_dict(model_raw)
        except (TypeError, ValueError) as err:
            raise ConfigError(f"{source}: [model]: {err}") from err
        data = _section(DataOptions, raw.get("data", {}), f"{source}: [data]")
        training = _section(TrainingOptions, raw.get("training", {}), f"{source}: [training]")
        if base is not None:  # relative paths are relative to the config file
            try:
                data.train = [_relative(spec, base) for spec in data.train]
                data.eval = [_relative(spec, base) for spec in data.eval]
                if data.rationales:
                    data.rationales = str(_path(data.rationales, base))
                training.output = str(_path(training.output, base))
                if training.cache_dir:
                    training.cache_dir = str(_path(training.cache_dir, base))
                if init_from:
                    init_from = str(_path(init_from, base))
            except RuntimeError as err:  # "~nobody/..." names a user this system lacks
                raise ConfigError(f"{source}: cannot expand a '~' path ({err})") from err
        overrides = {key: model_raw[key] for key in model_raw} if init_from else {}
        shaping = sorted(set(overrides) - set(PROMPT_KEYS))
        if shaping:
            raise ConfigError(
                f"{source}: [model] {', '.join(shaping)} cannot change for a model that continues "
                f"from init_from (its checkpoint fixes them); only {', '.join(PROMPT_KEYS)} may"
            )
        config = cls(model, data, training, init_from, source, overrides)
        config.check()
        return config

    def check(self) -> None:
        where = self.source
        t = self.training
        if t.schedule not in SCHEDULES:
            raise ConfigError(
                f"{where}: [training] schedule must be one of {SCHEDULES}, got {t.schedule!r}"
            )
        bad = [task for task in t.tasks if task not in SPEECH_TASKS + EMOTION_TASKS]
        if bad or not t.tasks:
            raise ConfigError(
                f"{where}: [training] tasks must be from {SPEECH_TASKS + EMOTION_TASKS}, got {t.tasks}"
            )
        for name in ("epochs", "batch_size", "gradient_accumulation", "save_every"):
            if getattr(t, name) < 1:
                raise ConfigError(f"{where}: [training] {name} must be at least 1")
        if not self.data.train:
            raise ConfigError(f"{where}: [data] train lists no data")
        if t.reason_labels not in REASON_LABELS:
            raise ConfigError(
                f"{where}: [training] reason_labels must be one of {REASON_LABELS}, got {t.reason_labels!r}"
            )
        for name in ("reason_other_share", "population_speakers", "unreliable_share"):
            if not 0.0 <= getattr(t, name) <= 1.0:
                raise ConfigError(f"{where}: [training] {name} must lie in 0..1")

    @property
    def cache_dir(self) -> Path:
        return Path(self.training.cache_dir or Path(self.training.output) / "cache")


def _section(kind, values: dict, where: str):
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: must be a table, got {values!r}")
    known = {f.name for f in fields(kind)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    problem = type_problem(kind, values)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    try:
        return kind(**values)
    except TypeError as err:
        raise ConfigError(f"{where}: {err}") from err


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _relative(spec: str, base: Path) -> str:
    """Make the path inside a data spec relative to the config file."""
    from train.datasets import PATH_KINDS, PATHLESS_SPECS

    kind, colon, rest = spec.partition(":")
    if spec in PATHLESS_SPECS:
        return spec
    if colon and kind in PATH_KINDS:
        return f"{kind}:{_path(rest, base)}"
    return str(_path(spec, base))
