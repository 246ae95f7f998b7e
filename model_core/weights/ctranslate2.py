"""Read a CTranslate2 ``model.bin`` into numpy arrays, without CTranslate2.

The file is little-endian: uint32 version; a string naming the spec; uint32 revision;
uint32 variable count; per variable a string name, uint8 rank, rank x uint32 dims,
uint8 dtype, uint32 byte count and the raw bytes; then uint32 alias count and
(alias, target) string pairs. Strings are a uint16 length (trailing NUL included)
followed by the bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model_core.errors import EmoStudioError

DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
SUPPORTED_VERSIONS = (5, 6)


class CTranslate2FormatError(EmoStudioError, ValueError):
    """The file is not a CTranslate2 model this reader understands."""


@dataclass(frozen=True)
class CTranslate2Model:
    spec: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]

    def get(self, name: str) -> np.ndarray:
        """A variable by name, following aliases (e.g. tied embeddings)."""
        return self.variables[self.aliases.get(name, name)]


class _Reader:
    def __init__(self, data: memoryview, path: Path):
        self.data, self.offset, self.path = data, 0, path

    def take(self, n: int) -> memoryview:
        if self.offset + n > len(self.data):
            raise CTranslate2FormatError(f"{self.path}: truncated at byte {self.offset}")
        chunk = self.data[self.offset : self.offset + n]
        self.offset += n
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def string(self) -> str:
        (length,) = self.unpack("H")
        return bytes(self.take(length)).rstrip(b"\0").decode("utf-8")


def read_ctranslate2(path: str | Path) -> CTranslate2Model:
    """Parse ``model.bin``; arrays are copies (the file can be closed afterwards).

    Raises
    ------
    CTranslate2FormatError
        On an unknown version, an unknown dtype or a truncated file.
    """
    path = Path(path)
    reader = _Reader(memoryview(path.read_bytes()), path)
    (version,) = reader.unpack("I")
    if version not in SUPPORTED_VERSIONS:
        raise CTranslate2FormatError(
            f"{path}: CTranslate2 format version {version} is not supported"
        )
    spec = reader.string()
    (revision,) = reader.unpack("I")
    (count,) = reader.unpack("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = reader.string()
        (rank,) = reader.unpack("B")
        shape = reader.unpack(f"{rank}I") if rank else ()
        (dtype_code,) = reader.unpack("B")
        (n_bytes,) = reader.unpack("I")
        if dtype_code not in DTYPES:
            raise CTranslate2FormatError(f"{path}: variable {name} has unknown dtype {dtype_code}")
        array = np.frombuffer(reader.take(n_bytes), dtype=DTYPES[dtype_code]).copy()
        variables[name] = array.reshape(shape)
    (n_aliases,) = reader.unpack("I")
    aliases = {}
    for _ in range(n_aliases):
        alias = reader.string()
        aliases[alias] = reader.string()
    return CTranslate2Model(spec, revision, variables, aliases)
