"""Probe for issue 16: Whisper ASR on padded 30-s windows against the clip's own frames.

    python research/whisper_context_probe.py [--limit N] [--tails 0,1,2] [--out FILE]

Transcribes Debian's asterisk prompts (all 563 with transcripts, or the first N) with
Whisper tiny.en's encoder states from each context (``padded``; ``clip`` with each tail
of padding after the clip's own frames), decoding in batches as the pipeline does, and
reports WER and the encoder's and decoder's seconds side by side, in one run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from model_core.asr import Transcriber, normalize_for_wer
from model_core.audio import load_audio
from model_core.devices import pick_placement, quiet_libraries
from model_core.model.encoders import run_whisper_encoder, select_windows, whisper_inputs
from train.datasets.asterisk import asterisk_pairs

BATCH = 8


def run(transcriber, clips, context: str, tail_s: float):
    """Texts and seconds (encoder, decoder) of the clips decoded from ``context`` states.

    The product's transcriber decodes padded states only (what this probe found); here the
    decoder is handed each context's states directly, windows of one length together
    (Whisper's decoder has no mask for the encoder's frames).
    """
    encoder = transcriber.model.model.encoder
    placement = transcriber.placement
    texts, encoder_s, decoder_s = [], 0.0, 0.0
    for first in range(0, len(clips), BATCH):
        batch = clips[first : first + BATCH]
        started = time.perf_counter()
        inputs = whisper_inputs(batch, transcriber.feature_extractor, context, tail_s)
        with torch.inference_mode():
            states, _ = run_whisper_encoder(encoder, inputs, placement.device, placement.dtype)
        encoder_s += time.perf_counter() - started
        started = time.perf_counter()
        decoded = {}
        for heard in sorted(set(inputs.heard_frames)):
            windows = [w for w, h in enumerate(inputs.heard_frames) if h == heard]
            part = select_windows(inputs, windows)
            with torch.inference_mode():
                out = transcriber._decode(
                    part.features, part.attention_mask, states[windows, :heard]
                )
            decoded.update(zip(windows, out, strict=True))
        for clip in range(len(batch)):  # a prompt over 30 s has several windows, in order
            windows = [w for w, owner in enumerate(inputs.owners) if owner == clip]
            texts.append(" ".join(word.text for w in windows for word in decoded[w].words))
        decoder_s += time.perf_counter() - started
    return texts, encoder_s, decoder_s


def main() -> None:
    import jiwer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--tails", default="0,1,2")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    quiet_libraries()
    transcriber = Transcriber.from_source("whisper-tiny.en", pick_placement("cpu"))
    pairs = asterisk_pairs()[: args.limit]
    clips = [load_audio(path).for_model for path, _ in pairs]
    references = [normalize_for_wer(text) for _, text in pairs]
    seconds = sum(len(c) for c in clips) / 16000
    variants = [("padded", 0.0)] + [("clip", float(t)) for t in args.tails.split(",")]
    lines = [
        f"Whisper tiny.en on {len(clips)} asterisk prompts ({seconds / 60:.1f} min of audio), "
        f"batches of {BATCH}, 1 CPU process",
        "",
        "| context | WER | encoder s | decoder s | encoder speed-up |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    padded_encoder = None
    for context, tail in variants:
        texts, encoder_s, decoder_s = run(transcriber, clips, context, tail)
        wer = jiwer.wer(references, [normalize_for_wer(t) for t in texts])
        padded_encoder = padded_encoder or encoder_s
        name = "padded to 30 s" if context == "padded" else f"clip + {tail:g} s"
        lines.append(
            f"| {name} | {wer:.2%} | {encoder_s:.1f} | {decoder_s:.1f} | "
            f"x{padded_encoder / encoder_s:.1f} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
