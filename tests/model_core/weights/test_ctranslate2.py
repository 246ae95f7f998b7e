"""The CTranslate2 reader on files written here, byte by byte, in the documented layout."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from model_core.weights.ctranslate2 import CTranslate2FormatError, read_ctranslate2

CODES = {np.float32: 0, np.int8: 1, np.int16: 2, np.int32: 3, np.float16: 4}


def _string(text: str) -> bytes:
    data = text.encode() + b"\0"
    return struct.pack("<H", len(data)) + data


def write_ct2(path, variables: dict[str, np.ndarray], aliases: dict[str, str], version: int = 6):
    out = struct.pack("<I", version) + _string("WhisperSpec") + struct.pack("<I", 3)
    out += struct.pack("<I", len(variables))
    for name, array in variables.items():
        out += _string(name) + struct.pack("<B", array.ndim)
        out += struct.pack(f"<{array.ndim}I", *array.shape)
        raw = np.ascontiguousarray(array).tobytes()
        out += struct.pack("<B", CODES[array.dtype.type]) + struct.pack("<I", len(raw)) + raw
    out += struct.pack("<I", len(aliases))
    for alias, target in aliases.items():
        out += _string(alias) + _string(target)
    path.write_bytes(out)


def test_reads_variables_scalars_and_aliases(tmp_path):
    variables = {
        "decoder/embeddings/weight": np.arange(12, dtype=np.float16).reshape(3, 4),
        "encoder/num_heads": np.array(6, dtype=np.int16),
        "encoder/layer_0/ffn/linear_0/bias": np.linspace(-1, 1, 5, dtype=np.float32),
    }
    path = tmp_path / "model.bin"
    write_ct2(path, variables, {"decoder/projection/weight": "decoder/embeddings/weight"})
    model = read_ctranslate2(path)
    assert model.spec == "WhisperSpec" and model.revision == 3
    for name, array in variables.items():
        np.testing.assert_array_equal(model.variables[name], array)
        assert model.variables[name].dtype == array.dtype
    assert int(model.get("encoder/num_heads")) == 6
    np.testing.assert_array_equal(
        model.get("decoder/projection/weight"), variables["decoder/embeddings/weight"]
    )


def test_truncated_file_is_a_format_error(tmp_path):
    path = tmp_path / "model.bin"
    write_ct2(path, {"x": np.zeros((10, 10), dtype=np.float32)}, {})
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CTranslate2FormatError, match="truncated"):
        read_ctranslate2(path)


def test_unknown_version_is_refused(tmp_path):
    path = tmp_path / "model.bin"
    write_ct2(path, {}, {}, version=99)
    with pytest.raises(CTranslate2FormatError, match="version 99"):
        read_ctranslate2(path)
