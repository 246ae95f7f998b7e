"""Build ``assets/samples/m7-four-moods.wav``: the four ``voice-m7-*`` demo clips in one
recording (neutral, happy, sad, angry), 1 s of silence between them, for the emotion tier
and ``emostudio analyze --segments``. Rerun it to rebuild the file exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLES = Path(__file__).resolve().parent.parent / "assets" / "samples"
ORDER = ("neutral", "happy", "sad", "angry")
RATE = 16_000
GAP_S, EDGE_S = 1.0, 0.5


def main() -> None:
    parts = [np.zeros(int(EDGE_S * RATE), dtype=np.float32)]
    for mood in ORDER:
        clip, rate = sf.read(SAMPLES / f"voice-m7-{mood}.wav", dtype="float32", always_2d=True)
        if rate != RATE:
            raise SystemExit(f"voice-m7-{mood}.wav is {rate} Hz, not {RATE}")
        parts += [clip.mean(axis=1), np.zeros(int(GAP_S * RATE), dtype=np.float32)]
    parts[-1] = parts[-1][: int(EDGE_S * RATE)]
    out = SAMPLES / "m7-four-moods.wav"
    sf.write(out, np.concatenate(parts), RATE, subtype="PCM_16")
    print(f"{out}: {sum(len(p) for p in parts) / RATE:.2f} s")


if __name__ == "__main__":
    main()
