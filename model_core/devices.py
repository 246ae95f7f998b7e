"""Choosing where models run: CUDA, then Apple's MPS, then the CPU; bf16/fp16 on GPUs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from model_core.errors import EmoStudioError

if TYPE_CHECKING:  # torch is imported where a device is chosen: commands without a model
    import torch  # start without it

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


class DeviceError(EmoStudioError, ValueError):
    """The requested device is unknown or not available here."""


@dataclass(frozen=True)
class Placement:
    """A device and the floating-point type models use on it."""

    device: torch.device
    dtype: torch.dtype

    def describe(self) -> str:
        import torch

        name = str(self.device)
        if self.device.type == "cuda":
            name += f" ({torch.cuda.get_device_name(self.device)})"
        return f"{name}, {str(self.dtype).replace('torch.', '')}"


def pick_placement(choice: str = "auto") -> Placement:
    """Resolve ``auto|cpu|cuda|mps`` to a device and dtype.

    bf16 on CUDA GPUs that support it, fp16 on older CUDA GPUs and on MPS, fp32 on CPUs
    (CPU half-precision matmuls are slower than fp32 on most CPUs).

    Raises
    ------
    DeviceError
        When the requested device is unknown or not available here.
    """
    import torch

    if choice not in DEVICE_CHOICES:
        raise DeviceError(f"device must be one of {DEVICE_CHOICES}, got {choice!r}")
    if choice == "auto":
        if torch.cuda.is_available():
            choice = "cuda"
        elif torch.backends.mps.is_available():
            choice = "mps"
        else:
            choice = "cpu"
    if choice == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError("device cuda requested, but no CUDA GPU is available")
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return Placement(torch.device("cuda"), dtype)
    if choice == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceError("device mps requested, but Apple's MPS is not available")
        return Placement(torch.device("mps"), torch.float16)
    return Placement(torch.device("cpu"), torch.float32)


def quiet_libraries() -> None:
    """Silence transformers' progress bars and advice meant for library developers.

    Front ends call this once; errors still surface as exceptions.
    """
    import warnings

    from transformers.utils import logging as transformers_logging

    # transformers.utils.logging's functions have no type hints
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # Deprecation notices inside transformers and peft are for their developers, not our users.
    for module in ("transformers", "peft", "torch"):
        warnings.filterwarnings("ignore", category=FutureWarning, module=module)
