"""Miniature corpora in the real layouts, written into a temporary folder."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.helpers.signals import RATE, harmonic, syllable_train


def speech_like(seconds: float = 1.0, f0: float = 150.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = max(2, int(seconds / 0.25))
    return syllable_train(
        n, f0=f0 * (1 + 0.05 * rng.standard_normal()), amplitude=0.05 + 0.02 * rng.random()
    )


IEMOCAP_LINES = [  # (utterance, code, transcript)
    ("Ses01F_impro01_F000", "neu", "Excuse me."),
    ("Ses01F_impro01_M000", "fru", "Do you have your forms?"),
    ("Ses01F_impro01_F001", "exc", "Yeah, I got it right here."),
    ("Ses01F_impro01_M001", "xxx", "Let me see them."),
    ("Ses01F_impro01_F002", "ang", "Is there a problem?"),
    ("Ses01F_script01_M000", "hap", "That is wonderful news."),
    ("Ses01F_script01_F000", "sad", "I miss him so much."),
]


def write_iemocap(root: Path, sessions=(1, 2)) -> Path:
    """``IEMOCAP_full_release`` with a few utterances per session, in the release layout."""
    release = root / "IEMOCAP_full_release"
    for session in sessions:
        base = release / f"Session{session}"
        by_dialog: dict[str, list] = {}
        for utterance, code, text in IEMOCAP_LINES:
            utterance = utterance.replace("Ses01", f"Ses0{session}")
            by_dialog.setdefault(utterance.rsplit("_", 1)[0], []).append((utterance, code, text))
        for dialog, items in by_dialog.items():
            evaluation = base / "dialog" / "EmoEvaluation" / f"{dialog}.txt"
            transcription = base / "dialog" / "transcriptions" / f"{dialog}.txt"
            for path in (evaluation, transcription):
                path.parent.mkdir(parents=True, exist_ok=True)
            lines = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
            texts = []
            for i, (utterance, code, text) in enumerate(items):
                start, end = 2.0 * i + 0.5, 2.0 * i + 1.7
                lines += [
                    f"[{start:.4f} - {end:.4f}]\t{utterance}\t{code}\t[2.5000, 3.0000, 2.5000]",
                    "C-E1:\tNeutral;\t()",
                    "",
                ]
                texts.append(f"{utterance} [{start:08.4f}-{end:08.4f}]: {text}")
                wav = base / "sentences" / "wav" / dialog / f"{utterance}.wav"
                wav.parent.mkdir(parents=True, exist_ok=True)
                sf.write(wav, speech_like(1.2, seed=i + session * 10), RATE)
            evaluation.write_text("\n".join(lines) + "\n")
            transcription.write_text("\n".join(texts) + "\n")
    return release


MELD_ROWS = [  # split, dialogue, utterance, text, speaker, emotion, sentiment
    ("train", 0, 0, "Oh my God, he's lost it.", "Monica", "surprise", "negative"),
    ("train", 0, 1, "I'm so happy for you!", "Rachel", "joy", "positive"),
    ("train", 125, 3, "(broken in the release)", "Ross", "neutral", "neutral"),
    (
        "dev",
        0,
        0,
        "Why do all your coffee mugs have numbers on them?",
        "Ross",
        "neutral",
        "neutral",
    ),
    ("test", 3, 1, "I hate this!", "Joey", "anger", "negative"),
]
MELD_FOLDERS = {
    "train": "train_splits",
    "dev": "dev_splits_complete",
    "test": "output_repeated_splits_test",
}
HEADER = [
    "Sr No.",
    "Utterance",
    "Speaker",
    "Emotion",
    "Sentiment",
    "Dialogue_ID",
    "Utterance_ID",
    "Season",
    "Episode",
    "StartTime",
    "EndTime",
]


def write_mp4(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """An MP4 holding one AAC audio track."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4") as container:  # .m4a too: the same container
        stream = container.add_stream("aac", rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(
            samples.astype(np.float32)[None, :], format="fltp", layout="mono"
        )
        frame.rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def write_meld(root: Path) -> Path:
    """MELD's three CSVs and clip folders (``MELD.Raw`` layout)."""
    release = root / "MELD.Raw"
    release.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        rows = [r for r in MELD_ROWS if r[0] == split]
        with open(release / f"{split}_sent_emo.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for number, (_, dialogue, utterance, text, speaker, emotion, sentiment) in enumerate(
                rows, 1
            ):
                # The first row of each file is capitalised ("Surprise"): the reader folds case.
                writer.writerow(
                    [
                        number,
                        text,
                        speaker,
                        emotion.capitalize() if number == 1 else emotion,
                        sentiment,
                        dialogue,
                        utterance,
                        1,
                        1,
                        "00:00:01,000",
                        "00:00:02,000",
                    ]
                )
                clip = release / MELD_FOLDERS[split] / f"dia{dialogue}_utt{utterance}.mp4"
                write_mp4(clip, harmonic(180, 1.0, amplitude=0.2))
    return release


def pitch_task(root: Path, n_per_class: int = 12, seed: int = 0) -> Path:
    """A 2-class prosody task: the same kinds of syllable trains, high (230 Hz) or low (110 Hz)."""
    rng = np.random.default_rng(seed)
    rows = []
    for label, f0 in (("high", 230.0), ("low", 110.0)):
        for i in range(n_per_class):
            path = root / label / f"{label}{i:02d}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            n = int(rng.integers(3, 7))
            samples = syllable_train(
                n, f0=f0 * (1 + 0.06 * rng.standard_normal()), amplitude=0.03 + 0.05 * rng.random()
            )
            sf.write(path, samples, RATE)
            split = "test" if i % 4 == 3 else "train"
            rows.append({"path": str(path.relative_to(root)), "label": label, "split": split})
    manifest = root / "manifest.csv"
    with open(manifest, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["path", "label", "split"])
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def vowel(f0: float, level: float, seconds: float, rng, rate: int = RATE) -> np.ndarray:
    """A sung vowel: seven harmonics of ``f0`` (Hz) with a 5 Hz vibrato, and a little noise."""
    t = np.arange(int(seconds * rate)) / rate
    wobble = 1 + 0.02 * np.sin(2 * np.pi * 5 * t)
    wave = sum(np.sin(2 * np.pi * k * f0 * wobble * t) / k for k in range(1, 8))
    return (level * wave / 4 + 0.002 * rng.standard_normal(t.size)).astype(np.float32)


def high_low_corpus(
    root: Path, speakers: int, takes: int, seconds: float, spread: float = 0.0
) -> Path:
    """Speakers (odd: women at 200 Hz, even: men at 110 Hz, each ``spread`` x their number
    higher) x labels "low" and "high" x ``takes`` clips; "high" is higher and louder.
    Returns the manifest (``path,label,speaker``)."""
    rng = np.random.default_rng(0)
    rows = ["path,label,speaker"]
    for speaker in range(speakers):
        base = (200.0 if speaker % 2 else 110.0) * (1 + spread * speaker)
        for label, (rise, level) in {"low": (0.9, 0.2), "high": (1.4, 0.6)}.items():
            for take in range(takes):
                name = f"s{speaker}-{label}-{take}.wav"
                sf.write(root / name, vowel(base * rise, level, seconds, rng), RATE)
                rows.append(f"{name},{label},spk{speaker}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    return root / "manifest.csv"
