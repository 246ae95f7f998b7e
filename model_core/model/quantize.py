"""The LLM in int8 for CPU inference: LoRA merged, linear layers dynamically quantised.

On a 2-core CPU the LLM's generation was the largest stage of an analysis with a rationale
(3.9 s for 60 tokens of one clip). PyTorch's dynamic quantisation stores each linear
layer's weights as int8 and quantises its input on the fly (``torch.ao.quantization.
quantize_dynamic``, fbgemm/x86 kernels), after the LoRA weights are merged into the base
weights: 2.5-2.9x faster generation here (docs/benchmarks.md, "Rationales in int8"). But
SmolLM2-135M does not keep its reasoning in int8: on the 72 judged clips of held-out
speakers the review accepted 6 greedy drafts against 40 in float32 (per-tensor weights), so
the app keeps float32 and int8 is an opt-in (``$EMOSTUDIO_LLM_INT8=1``, ``emostudio-train
evaluate --llm-int8``) for measuring.

A quantised model is for inference only: it cannot be trained or saved
(:meth:`model_core.model.reasoner.EmoReasoner.trainable_state` refuses).
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from model_core.model.reasoner import EmoReasoner

LLM_INT8_ENV = "EMOSTUDIO_LLM_INT8"  # "1": the LLM in int8 on CPUs


def wants_llm_int8(model: EmoReasoner, choice: bool | None = None) -> bool:
    """Whether to quantise ``model``'s LLM: ``choice`` when given, else only when
    ``$EMOSTUDIO_LLM_INT8`` is ``1`` (and the model is on a CPU). Off by default: on the
    judged clips the review accepted far fewer int8 drafts (see the module's docstring)."""
    if choice is not None:
        return choice
    wanted = os.environ.get(LLM_INT8_ENV, "").strip() == "1"
    return wanted and model.placement.device.type == "cpu"


def quantize_llm_int8(model: EmoReasoner) -> None:
    """Merge the LoRA weights and quantise the LLM's linear layers to int8, in place (once).

    Raises
    ------
    ValueError
        On a device other than the CPU (dynamic int8 kernels are CPU kernels).
    """
    if model.llm_int8:
        return
    if model.placement.device.type != "cpu":
        raise ValueError(f"int8 LLM inference runs on the CPU, not {model.placement.device.type}")
    model.llm.merge_adapter()  # peft: LoRA folded into the base weights the kernels read
    with warnings.catch_warnings():
        # torch 2.13 marks eager quantisation as deprecated in favour of torchao, whose CPU
        # int8 path needs torch.compile; the eager kernels are what runs here.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        warnings.filterwarnings("ignore", message=".*torch.ao.quantization.*")
        torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model.llm, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
    model.llm_int8 = True
