"""EmoReasoner's configuration: what it is built from, saved as ``emostudio_config.json``."""

from __future__ import annotations

import json
import math
import types
import typing
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


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(_conforms(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(key, str) for key in value)
    if hint is float:  # an int is a float here; NaN and infinity are not settings
        return type(value) in (int, float) and math.isfinite(value)
    return type(value) is hint  # exact: True is not an int, 1 is not a bool


def type_problem(kind: type, data: dict[str, Any]) -> str | None:
    """The first value of ``data`` that lacks its dataclass field's declared type.

    Parameters
    ----------
    kind : dataclass type
    data : dict
        Field name -> value; names that are not fields are not checked.

    Returns
    -------
    str or None
        E.g. ``"epochs must be int, got '3'"``; None when every value fits.
    """
    hints = typing.get_type_hints(kind)
    for name, value in data.items():
        if name in hints and not _conforms(value, hints[name]):
            wanted = (
                getattr(hints[name], "__name__", None) if isinstance(hints[name], type) else None
            )
            wanted = wanted or str(hints[name]).replace("typing.", "")
            return f"{name} must be {wanted}, got {value!r}"
    return None


@dataclass
class ProsodyEncoderConfig:
    """The small prosody encoder: log-mel, speaker-normalised log-F0, voicing, intensity."""

    d_model: int = 256
    layers: int = 2
    heads: int = 4
    conv_stride: int = 4  # 10 ms input frames -> 40 ms encoder frames
    dropout: float = 0.1


WHISPER_CONTEXTS = ("padded", "clip")
EVIDENCE_LAYOUTS = ("lines", "grouped")  # how the evidence table lays out the cues


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
    # What Whisper's encoder hears (WHISPER_CONTEXTS, see model_core.model.encoders):
    # "padded" 30-s windows, or the "clip"'s own frames and whisper_tail_s of padding.
    # The adapters and the label head learn the states of one, so it is the model's.
    whisper_context: str = "padded"
    whisper_tail_s: float = 0.0
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
    # The reasoning prompt holds the evidence table (model_core.rationale.evidence) in place
    # of the one-line cue description: a model trained on it (issue 30) reads it.
    include_evidence: bool = False
    # How the table lays out the cues (model_core.rationale.evidence.LAYOUTS): "lines"
    # (one line per cue with its stances, 3.1.0) or "grouped" (under For/Against/Neither).
    evidence_layout: str = "lines"
    # Decoding of rationales (issue 30): up to ``drafts`` drafts, a greedy one and, where the
    # review rejects it, drafts - 1 sampled ones (model_core.model.drafting);
    # ``constrained_decoding``: only the composer's and the clip's words.
    drafts: int = 1
    constrained_decoding: bool = False
    # No n-gram of this many tokens twice in a rationale (0: off): a small LLM decoding
    # greedily repeats whole claims ("the voice is loud ... the voice is loud"), which the
    # review rejects.
    no_repeat_ngram_size: int = 0
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
        """Build from a dict; unknown keys and values of the wrong type are a ValueError
        naming the key (a typo must not pass silently)."""
        if not isinstance(data, dict):
            raise ValueError(
                f"an EmoReasoner config is a mapping of keys, got {type(data).__name__}"
            )
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown EmoReasoner config keys: {sorted(map(str, unknown))}")
        problem = type_problem(cls, data)
        if problem:
            raise ValueError(problem)
        config = cls(**data)
        try:  # nested configs may hold any TOML value (a date): refuse it now, not at save time
            json.dumps(config.to_dict(), allow_nan=False)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"EmoReasoner config values must be JSON numbers, text, lists or tables: {err}"
            ) from err
        if config.whisper_context not in WHISPER_CONTEXTS:
            raise ValueError(
                f"whisper_context must be one of {WHISPER_CONTEXTS}, not {config.whisper_context!r}"
            )
        if not 0.0 <= config.whisper_tail_s <= 30.0:
            raise ValueError(f"whisper_tail_s must be 0 to 30 seconds, not {config.whisper_tail_s}")
        if config.no_repeat_ngram_size < 0:
            raise ValueError(
                f"no_repeat_ngram_size must be 0 (off) or more, not {config.no_repeat_ngram_size}"
            )
        if config.evidence_layout not in EVIDENCE_LAYOUTS:
            raise ValueError(
                f"evidence_layout must be one of {EVIDENCE_LAYOUTS}, not {config.evidence_layout!r}"
            )
        labels = config.labels
        if not labels or len(set(labels)) != len(labels) or not all(map(str.strip, labels)):
            raise ValueError(f"labels must be distinct and non-empty, got {labels}")
        if config.emotion_encoder == PROSODY:
            prosody = config.emotion_encoder_config
            unknown = set(prosody) - {f.name for f in fields(ProsodyEncoderConfig)}
            problem = type_problem(ProsodyEncoderConfig, prosody)
            if unknown or problem:
                raise ValueError(
                    f"emotion_encoder_config: {problem or f'unknown keys {sorted(unknown)}'}"
                )
        return config

    def save(self, folder: Path) -> Path:
        path = Path(folder) / CONFIG_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, folder: Path) -> EmoReasonerConfig:
        path = Path(folder) / CONFIG_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise FileNotFoundError(
                f"{folder}: not an EmoReasoner checkpoint (no {CONFIG_FILE})"
            ) from err
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f"{path}: not valid JSON ({err})") from err
        try:
            return cls.from_dict(data)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from err
