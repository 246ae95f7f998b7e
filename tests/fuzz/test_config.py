"""Fuzzing configuration loading: the TOML fit config and the model's JSON config.

Arbitrary files, TOML documents and dicts give either a config whose every field has
its declared type (and that survives a save/load round trip) or the project's clear
error (:class:`ConfigError` for the fit config, ``ValueError`` naming the key for the
model config); never a TypeError, AttributeError, RuntimeError or UnicodeError.
"""

from __future__ import annotations

import datetime
import json
import math
import shutil
import tempfile
import types
import typing
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from model_core.model.config import CONFIG_FILE, EmoReasonerConfig, ProsodyEncoderConfig
from tests.fuzz.strategies import SOME_TEXT, TEXT, fuzz
from train.config import ConfigError, DataOptions, FitConfig, TrainingOptions

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.sampled_from(["asr", "ser", "reason", "joint", "auto", "~nobody_here/x", "", "a.csv"])
    | TEXT
    | st.dates()
    | st.datetimes()
    | st.times()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=5,
)


def keys_of(kind) -> st.SearchStrategy[str]:
    return st.sampled_from([f.name for f in fields(kind)]) | TEXT


def section(kind) -> st.SearchStrategy[dict]:
    return st.dictionaries(keys_of(kind), VALUES, max_size=5)


TRAIN = st.lists(st.sampled_from(["manifest:a.csv", "b.jsonl", "asterisk"]), min_size=1, max_size=2)
DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "model": section(EmoReasonerConfig) | VALUES,
        "data": st.builds(lambda d, t: {"train": t, **d}, section(DataOptions), TRAIN)
        | section(DataOptions),
        "training": section(TrainingOptions) | VALUES,
        "extra": VALUES,
    },
)


def conforms(value, hint) -> bool:
    """Whether ``value`` has the declared type ``hint`` (bools are not numbers here)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return True
    if hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if hint is float:
        return type(value) in (int, float) and math.isfinite(value)
    if hint is int:
        return type(value) is int
    return type(value) is hint


def check_typed(instance) -> None:
    for name, hint in typing.get_type_hints(type(instance)).items():
        assert conforms(getattr(instance, name), hint), (name, getattr(instance, name))


def check_model(config: EmoReasonerConfig) -> None:
    check_typed(config)
    assert config.labels and all(label.strip() for label in config.labels)
    assert len(set(config.labels)) == len(config.labels)
    if config.emotion_encoder == "prosody":
        check_typed(ProsodyEncoderConfig(**config.emotion_encoder_config))
    assert EmoReasonerConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def toml_value(value) -> str:
    """A TOML literal for what :data:`VALUES` draws (None has none: the caller drops it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)  # inf, -inf and 1e+300 are TOML
    if isinstance(value, str):
        escaped = "".join(
            f"\\u{ord(c):04x}" if ord(c) < 0x20 or c == "\x7f" else "\\" + c if c in '"\\' else c
            for c in value
        )
        return f'"{escaped}"'
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    return (
        "{"
        + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items() if v is not None)
        + "}"
    )


def toml_document(document: dict) -> str:
    lines = []
    for name, body in document.items():
        if isinstance(body, dict):
            lines.append(f"[{name}]")
            lines += [
                f"{toml_value(k)} = {toml_value(v)}" for k, v in body.items() if v is not None
            ]
        elif body is not None:
            lines.insert(0, f"{name} = {toml_value(body)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def load_or_error(path: Path):
    try:
        config = FitConfig.load(path)
    except ConfigError as err:
        assert str(err).startswith(str(path)), err
        return None
    check_typed(config.training)
    check_typed(config.data)
    check_model(config.model)
    assert config.init_from is None or isinstance(config.init_from, str)
    return config


@fuzz(200)
@given(document=DOCUMENTS)
@example(document={"training": {"epochs": "3"}, "data": {"train": ["a.csv"]}})
@example(document={"training": {"output": "~nobody_here/x"}, "data": {"train": ["a.csv"]}})
@example(document={"model": 5, "data": {"train": ["a.csv"]}})
@example(document={"data": {"train": "a.csv"}})  # a string is not a list of specs
@example(document={"data": {"train": ["a.csv"], "rationales": 5}})
@example(document={"training": {"learning_rate": math.nan}, "data": {"train": ["a.csv"]}})
@example(document={"model": {"labels": "abc"}, "data": {"train": ["a.csv"]}})
def test_toml_documents_give_a_typed_config_or_a_config_error(folder, document):
    path = folder / "fit.toml"
    path.write_text(toml_document(document), encoding="utf-8")
    config = load_or_error(path)
    if config is not None:
        assert config.data.train and len(config.data.train) == len(document["data"]["train"])


@fuzz(150)
@given(data=st.binary(max_size=200) | SOME_TEXT.map(str.encode))
@example(data=b'[data]\ntrain = ["\xff.csv"]\n')  # not UTF-8
def test_any_file_gives_a_config_or_a_config_error(folder, data):
    path = folder / "raw.toml"
    path.write_bytes(data)
    load_or_error(path)


MODEL_DICTS = st.dictionaries(keys_of(EmoReasonerConfig), VALUES, max_size=6) | VALUES


@fuzz(200)
@given(data=MODEL_DICTS)
@example(data={"labels": "abc"})
@example(data={"labels": [["x"]]})
@example(data={"labels": ["a", ""]})
@example(data={1: 2, "a": 3})
@example(data=[["labels", ["a"]]])
@example(data={"emotion_encoder_config": {"d_model": "big"}})
def test_model_config_dicts_give_a_config_or_a_value_error(data):
    try:
        config = EmoReasonerConfig.from_dict(data)
    except ValueError as err:
        assert type(err) is ValueError and str(err), err
        return
    check_model(config)


@fuzz(100)
@given(
    data=st.binary(max_size=200) | MODEL_DICTS.map(lambda d: json.dumps(d, default=str).encode())
)
@example(data=b'{"name": "\xff"}')
def test_model_config_files_give_a_config_or_a_value_error(folder, data):
    checkpoint = folder / "checkpoint"
    shutil.rmtree(checkpoint, ignore_errors=True)
    checkpoint.mkdir()
    (checkpoint / CONFIG_FILE).write_bytes(data)
    try:
        config = EmoReasonerConfig.load(checkpoint)
    except ValueError as err:
        assert type(err) is ValueError and str(err), err
        return
    check_model(config)
    assert EmoReasonerConfig.load(config.save(checkpoint).parent) == config
