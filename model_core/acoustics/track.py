"""The Track: a measured contour with the provenance needed to reproduce it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Track:
    """A time series measured from a sound.

    Attributes
    ----------
    name : str
        What it measures, e.g. ``"pitch"``, ``"intensity"``, ``"spectrogram"``.
    times : np.ndarray, shape (n_frames,)
        Frame centre times in seconds from the start of the analysed sound.
    values : np.ndarray, shape (n_frames,) or (n_frames, n_bins)
        The measurement; NaN where undefined (e.g. pitch on unvoiced frames).
    unit : str
        Unit of ``values``, e.g. ``"Hz"``, ``"dB"``.
    algorithm : str
        The method, naming the Praat command it matches where there is one.
    parameters : dict
        Every setting the algorithm used (JSON-serialisable).
    versions : dict
        Library versions that produced it, e.g. ``{"praat": "6.1.38"}``.
    bins : np.ndarray or None, shape (n_bins,)
        Bin centres for 2-D tracks (e.g. frequencies in Hz for spectrograms).
    bin_unit : str
        Unit of ``bins``.
    """

    name: str
    times: np.ndarray
    values: np.ndarray
    unit: str
    algorithm: str
    parameters: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    bins: np.ndarray | None = None
    bin_unit: str = ""

    def __post_init__(self) -> None:
        if self.times.ndim != 1 or len(self.values) != len(self.times):
            raise ValueError(
                f"track {self.name!r}: {len(self.times)} times "
                f"but values of shape {self.values.shape}"
            )
        if self.values.ndim == 2 and (self.bins is None or len(self.bins) != self.values.shape[1]):
            raise ValueError(f"track {self.name!r}: 2-D values need one bin per column")

    @property
    def time_step(self) -> float:
        """Seconds between frames (0 for tracks of fewer than two frames)."""
        return float(self.times[1] - self.times[0]) if len(self.times) > 1 else 0.0

    def between(self, start: float | None = None, end: float | None = None) -> Track:
        """The frames whose times lie in [start, end] (seconds), as a new Track."""
        lo = -np.inf if start is None else start
        hi = np.inf if end is None else end
        keep = (self.times >= lo) & (self.times <= hi)
        return Track(
            self.name,
            self.times[keep],
            self.values[keep],
            self.unit,
            self.algorithm,
            self.parameters,
            self.versions,
            self.bins,
            self.bin_unit,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary; NaN and infinities become None."""
        data = {
            "name": self.name,
            "times": self.times.astype(float).tolist(),
            "values": _nan_to_none(self.values),
            "unit": self.unit,
            "algorithm": self.algorithm,
            "parameters": dict(self.parameters),
            "versions": dict(self.versions),
        }
        if self.bins is not None:
            data["bins"] = self.bins.astype(float).tolist()
            data["bin_unit"] = self.bin_unit
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Track:
        """Inverse of :meth:`to_dict` (None becomes NaN)."""
        bins = np.asarray(data["bins"], dtype=float) if "bins" in data else None
        return cls(
            data["name"],
            np.asarray(data["times"], dtype=float),
            np.array(data["values"], dtype=float),
            data["unit"],
            data["algorithm"],
            dict(data["parameters"]),
            dict(data["versions"]),
            bins,
            data.get("bin_unit", ""),
        )


def _nan_to_none(array: np.ndarray) -> list[Any]:
    """Nested lists of floats with None where the array is not finite."""
    values = np.asarray(array, dtype=float)
    as_objects = values.astype(object)
    as_objects[~np.isfinite(values)] = None
    nested: list[Any] = as_objects.tolist()
    return nested
