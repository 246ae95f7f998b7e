"""EmoReasoner's configuration: what it is built from, saved as ``emostudio_config.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from model_core.model.labels import DEFAULT_LABELS

CONFIG_FILE = "emostudio_config.json"
RANDOM = "random"  # a source built from its *_config dict with seeded random weights
PROSODY = "prosody"  # the emotion encoder EmoStudio trains itself
CONFIG_FORMAT = 1

DEFAULT_SYSTEM_PROMPT = (
    "You are EmoStudio, an assistant that listens to speech and reasons about the speaker's "
    "emotion from what is said and how it is said."
)


@dataclass
class ProsodyEncoderConfig:
    """The small prosody encoder: log-mel, speaker-normalised log-F0, voicing, intensity."""

    d_model: int = 256
    layers: int = 2
    heads: int = 4
    conv_stride: int = 4  # 10 ms input frames -> 40 ms encoder frames
    dropout: float = 0.1


@dataclass
class EmoReasonerConfig:
    """Everything needed to rebuild an EmoReasoner.

    Sources (``speech_encoder``, ``emotion_encoder``, ``llm``) are packaged names,
    local folders or hub ids (see :mod:`model_core.weights`); ``"random"`` builds the
    module from the matching ``*_config`` dict with weights drawn from ``seed`` (tests,
    benchmarks). ``emotion_encoder="prosody"`` is EmoStudio's own encoder.
    """

    name: str = "emoreasoner"
    version: str = "0.1.0"
    trained: bool = False
    labels: list[str] = field(default_factory=lambda: list(DEFAULT_LABELS))
    speech_encoder: str = "whisper-tiny.en"
    speech_encoder_config: dict[str, Any] | None = None
    emotion_encoder: str = PROSODY
    emotion_encoder_config: dict[str, Any] = field(
        default_factory=lambda: asdict(ProsodyEncoderConfig())
    )
    train_emotion_encoder: bool = (
        True  # the prosody encoder learns; pretrained audio encoders stay frozen
    )
    llm: str = "smollm2-135m-instruct"
    llm_config: dict[str, Any] | None = None
    tokenizer: str | None = (
        None  # folder, when the LLM is random (its tokenizer must come from somewhere)
    )
    seed: int = 0
    speech_tokens_per_30s: int = 100
    emotion_tokens_per_30s: int = 10
    speech_stack: int = 5  # adapter input: this many pooled frames concatenated per token
    emotion_stack: int = 5
    adapter_hidden_size: int | None = None  # None: the LLM's hidden size
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])
    include_transcript: bool = True
    include_cues: bool = True
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    max_rationale_tokens: int = 96
    format: int = CONFIG_FORMAT

    @property
    def prosody(self) -> ProsodyEncoderConfig:
        return ProsodyEncoderConfig(**self.emotion_encoder_config)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmoReasonerConfig:
        """Build from a dict; unknown keys are an error (a typo must not pass silently)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown EmoReasoner config keys: {sorted(unknown)}")
        config = cls(**data)
        if not config.labels or len(set(config.labels)) != len(config.labels):
            raise ValueError(f"labels must be distinct and non-empty, got {config.labels}")
        return config

    def save(self, folder: Path) -> Path:
        path = Path(folder) / CONFIG_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, folder: Path) -> EmoReasonerConfig:
        path = Path(folder) / CONFIG_FILE
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError as err:
            raise FileNotFoundError(
                f"{folder}: not an EmoReasoner checkpoint (no {CONFIG_FILE})"
            ) from err
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}: not valid JSON ({err})") from err
        return cls.from_dict(data)
