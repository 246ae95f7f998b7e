"""Issue 32: does an int8 LLM keep the reasoning? The review's acceptance of the default
model's drafts on the judged clips, float32 against int8 schemes, in one process.

    python research/llm_int8_probe.py --data manifest:runs/reasoner/judged.csv \
        --schemes fp32 per-tensor per-channel per-channel-no-head --drafts 1

Each scheme loads the model again, merges LoRA, quantises (torch.ao dynamic int8), and
runs ``train evaluate``'s rationale evaluation on the same clips with the same seed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model_core.devices import pick_placement, quiet_libraries  # noqa: E402
from model_core.pipeline import load_model  # noqa: E402
from train.evaluate import evaluate_specs  # noqa: E402


def quantised(scheme: str):
    model = load_model("default", pick_placement("cpu"))
    if scheme == "fp32":
        return model
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig

    qconfig = (
        per_channel_dynamic_qconfig if scheme.startswith("per-channel") else default_dynamic_qconfig
    )
    model.llm.merge_adapter()
    spec = {
        name: qconfig
        for name, module in model.llm.named_modules()
        if isinstance(module, torch.nn.Linear)
        and not (scheme.endswith("no-head") and "lm_head" in name)
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.ao.quantization.quantize_dynamic(model.llm, spec, inplace=True)
    model.llm_int8 = True
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--schemes", nargs="+", default=["fp32", "per-tensor", "per-channel"])
    parser.add_argument("--drafts", type=int, default=1)
    parser.add_argument("--rationales", type=int, default=72)
    parser.add_argument("--cache", type=Path, default=Path("runs/reasoner/cache"))
    args = parser.parse_args()
    quiet_libraries()
    for scheme in args.schemes:
        model = quantised(scheme)
        started = time.perf_counter()
        report = evaluate_specs(
            model,
            [args.data],
            args.cache,
            rationales=args.rationales,
            say=lambda _: None,
            drafts=args.drafts,
        )
        seconds = time.perf_counter() - started
        text = report.markdown()
        accepted = re.search(r"\*\*(\d+) of (\d+) accepted\*\* \(([\d.]+)%\)", text)
        per = re.search(r"([\d.]+) s per rationale", text)
        print(
            f"{scheme}: accepted {accepted.group(1)}/{accepted.group(2)} ({accepted.group(3)} %), "
            f"{per.group(1)} s per rationale, {seconds:.0f} s in all",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
