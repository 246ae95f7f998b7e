"""``emostudio-train synth``: the synthetic prosody corpus, rebuilt exactly from a seed.

Design (see the corpus card this writes, ``CORPUS.md``):

- sentences: 64 per class (:mod:`train.synth.texts`); per class 12 are held out for test;
- voices: Piper's Joe and espeak-ng variants (:mod:`train.synth.voices`); two are held out;
- a test clip uses a held-out sentence *and* a held-out voice, so it shares neither with
  training;
- emotional sentences: twice with their class's prosody and once flat; neutral sentences:
  twice flat and once with each emotional prosody. The label is the prosody's class, or
  the sentence's class when the prosody is flat, so neither the words alone nor the voice
  alone give it;
- augmentation on most clips: noise, gain, reverberation, speed;
- Debian's asterisk prompts: real neutral speech (and ASR pairs), 100 prompts held out.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from model_core.audio import MODEL_SAMPLE_RATE
from train.datasets.asterisk import asterisk_pairs
from train.datasets.example import Example
from train.synth import augment, prosody
from train.synth.texts import SENTENCES
from train.synth.voices import TEST_VOICES, VOICES, Synthesizer

LABELS = ("neutral", "happy", "sad", "angry")
EMOTIONS = ("happy", "sad", "angry")
TEST_SENTENCES = 12  # per class
ASTERISK_TEST = 100
ASTERISK_LABELLED_TRAIN = 104  # asterisk prompts that also serve SER in training (class balance)
AUGMENT_STRENGTH = 1.0
VERSION = 1
ASTERISK_SPEAKER = "asterisk-allison"


@dataclass(frozen=True)
class Item:
    id: str
    text_class: str
    sentence: int
    text: str
    voice: str
    prosody: str
    split: str

    @property
    def label(self) -> str:
        return self.prosody if self.prosody != "neutral" else self.text_class


def plan(seed: int = 0) -> list[Item]:
    """Every clip of the corpus, deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    held_out = {
        cls: set(rng.permutation(len(texts))[:TEST_SENTENCES].tolist())
        for cls, texts in SENTENCES.items()
    }
    voices = {
        "train": [v.name for v in VOICES if v.name not in TEST_VOICES],
        "test": list(TEST_VOICES),
    }
    items = []
    for cls, texts in SENTENCES.items():
        prosodies = ["neutral", "neutral", *EMOTIONS] if cls == "neutral" else [cls, cls, "neutral"]
        for index, text in enumerate(texts):
            split = "test" if index in held_out[cls] else "train"
            chosen = rng.choice(
                voices[split], size=len(prosodies), replace=len(prosodies) > len(voices[split])
            )
            for take, (voice, style) in enumerate(zip(chosen, prosodies, strict=True)):
                items.append(
                    Item(f"{cls}-{index:02d}-{take}", cls, index, text, str(voice), style, split)
                )
    return items


def _write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent)
    os.close(handle)
    sf.write(tmp, samples, MODEL_SAMPLE_RATE, subtype="PCM_16")
    os.replace(tmp, path)  # a killed run never leaves half a clip


def build(
    out: str | Path,
    seed: int = 0,
    say: Callable[[str], None] = print,
    items: Sequence[Item] | None = None,
) -> Path:
    """Write the corpus into ``out``; return the manifest. Clips already there are kept.

    Parameters
    ----------
    out : str or Path
        Folder of the corpus (clips, manifests, ``metadata.csv``, ``CORPUS.md``).
    seed : int
        Seed of :func:`plan` and of every random draw.
    say : callable
        Progress messages.
    items : sequence of Item, optional
        Build only these clips of ``plan(seed)`` (tests, previews); each gets the same
        prosody, augmentation and samples as in the full corpus. Default: every clip.

    Raises
    ------
    ValueError
        When ``items`` is empty or holds a clip that is not in ``plan(seed)``.
    FileNotFoundError
        When Debian's asterisk prompts are missing (checked before any synthesis).
    """
    out = Path(out)
    full = plan(seed)
    # A clip's random draws are keyed by its place in the full plan, so a subset
    # rebuilds exactly the clips the full corpus has.
    numbers = {item: number for number, item in enumerate(full, 1)}
    items = full if items is None else list(items)
    if not items:
        raise ValueError("build: items is empty; leave it out to build the whole corpus")
    strangers = [item.id for item in items if item not in numbers]
    if strangers:
        raise ValueError(f"build: items not in plan(seed={seed}): {', '.join(strangers[:5])}")
    asterisk = _asterisk_rows(seed)  # fail now, not after synthesising every clip
    synthesizer = Synthesizer()
    voices = {v.name: v for v in VOICES}
    rows, meta = [], []
    for done, item in enumerate(items, 1):
        number = numbers[item]
        path = out / "clips" / item.split / f"{item.id}.wav"
        rng = np.random.default_rng([seed, number])
        settings = prosody.draw(item.prosody, rng)
        augmentation = augment.draw(rng, AUGMENT_STRENGTH)
        if not path.exists():
            speech = synthesizer.speak(voices[item.voice], item.text)
            speech = prosody.apply(speech, settings)
            _write_wav(path, augment.apply(speech, augmentation, rng))
        rows.append(
            {
                "path": str(path.relative_to(out)),
                "label": item.label,
                "transcript": item.text,
                "speaker": item.voice,
                "split": item.split,
            }
        )
        meta.append(
            {
                "id": item.id,
                "path": rows[-1]["path"],
                "label": item.label,
                "text_class": item.text_class,
                "prosody": item.prosody,
                "voice": item.voice,
                "sentence": item.sentence,
                "split": item.split,
                **{f"prosody_{k}": v for k, v in settings.to_dict().items() if k != "prosody"},
                "augmentation": augmentation.describe(),
            }
        )
        if done % 100 == 0 or done == len(items):
            say(f"synthesised {done}/{len(items)} clips")
    rows += asterisk
    manifest = out / "manifest.csv"
    fields = ["path", "label", "transcript", "speaker", "split"]
    _write_csv(manifest, rows, fields)
    # The synthetic training clips alone (what the label head may add to real corpora,
    # whose asterisk prompts it takes from their own spec), and the two held-out sets, for
    # evaluation: synthetic clips, and real asterisk prompts.
    _write_csv(
        out / "train-synthetic.csv",
        [r for r in rows if r["split"] == "train" and r["speaker"] != ASTERISK_SPEAKER],
        fields,
    )
    test = [r for r in rows if r["split"] == "test"]
    _write_csv(
        out / "test-synthetic.csv", [r for r in test if r["speaker"] != ASTERISK_SPEAKER], fields
    )
    _write_csv(
        out / "test-asterisk.csv", [r for r in test if r["speaker"] == ASTERISK_SPEAKER], fields
    )
    _write_csv(out / "metadata.csv", meta, list(meta[0]))
    (out / "CORPUS.md").write_text(corpus_card(rows, meta, seed))
    say(f"wrote {manifest} ({len(rows)} rows)")
    return manifest


def _asterisk_rows(seed: int) -> list[dict]:
    """The real prompts: 100 held out (labelled neutral), the rest for ASR (some also for SER)."""
    pairs = asterisk_pairs()
    order = np.random.default_rng([seed, 999]).permutation(len(pairs))
    rows = []
    for rank, index in enumerate(order):
        path, text = pairs[index]
        split = "test" if rank < ASTERISK_TEST else "train"
        labelled = split == "test" or rank < ASTERISK_TEST + ASTERISK_LABELLED_TRAIN
        rows.append(
            {
                "path": str(path),
                "label": "neutral" if labelled else "",
                "transcript": text,
                "speaker": "asterisk-allison",
                "split": split,
            }
        )
    return rows


def asterisk_held_out(seed: int = 0) -> list[Example]:
    """The asterisk prompts the synthetic corpus of ``seed`` holds out (neutral, with
    transcripts), without building the corpus: the ``asterisk-test`` data spec, on which
    every shipped model's neutral recall and WER are measured."""
    return _asterisk_split("test", seed)


def asterisk_training(seed: int = 0) -> list[Example]:
    """The other asterisk prompts (the ``asterisk-train`` data spec): real neutral speech
    of the same speaker, never one of the held-out ones."""
    return _asterisk_split("train", seed)


def _asterisk_split(split: str, seed: int) -> list[Example]:
    return [
        Example(
            id=f"asterisk-{Path(row['path']).parent.name}-{Path(row['path']).stem}",
            audio=Path(row["path"]),
            label="neutral",
            transcript=row["transcript"],
            speaker=row["speaker"],
            split=split,
            source=f"asterisk-{split}:{row['path']}",
        )
        for row in _asterisk_rows(seed)
        if row["split"] == split
    ]


def _write_csv(path: Path, rows: list[dict], fields: list[str]) -> None:
    handle, tmp = tempfile.mkstemp(suffix=".csv", dir=path.parent)
    with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def corpus_card(rows: list[dict], meta: list[dict], seed: int) -> str:
    counts = Counter((r["split"], r["label"] or "(ASR only)") for r in rows)
    table = [
        "| split | " + " | ".join([*LABELS, "(ASR only)"]) + " |",
        "| --- |" + " ---: |" * (len(LABELS) + 1),
    ]
    for split in ("train", "test"):
        table.append(
            f"| {split} | "
            + " | ".join(str(counts[(split, label)]) for label in [*LABELS, "(ASR only)"])
            + " |"
        )
    kinds = Counter((m["text_class"] == "neutral", m["prosody"] == "neutral") for m in meta)
    return f"""# EmoStudio synthetic prosody corpus (version {VERSION}, seed {seed})

**What it is**: acted, *synthetic* prosody. Text-to-speech voices (Piper's Joe and
espeak-ng variants) read sentences written for EmoStudio, and their pitch level, pitch
range, rate, loudness and brightness are then set after the literature's emotion profiles
(Scherer 2003; Juslin and Laukka 2003; see `train/synth/prosody.py`), with random spread
inside each class so that the classes overlap. Debian's asterisk prompts (one
professional speaker, real read speech) are added as neutral speech and ASR pairs.

**What it is not**: recordings of people feeling emotions. A model trained on it learns
prosodic and lexical *stereotypes*; real emotional speech is more varied and subtler.
Do not report figures on it as emotion recognition on real speech.

**Design**

- 4 classes: {", ".join(LABELS)}; 64 sentences per class, 12 per class held out for test.
- {len(VOICES)} voices, 2 held out ({", ".join(TEST_VOICES)}): a test clip has a held-out
  sentence *and* a held-out voice.
- Emotional sentences are spoken twice with their class's prosody and once flat; neutral
  sentences twice flat and once with each emotional prosody. The label is the prosody's
  class, or the sentence's when the prosody is flat: neither the words alone nor the voice
  alone give it. Clips: emotional words + emotional voice {kinds[(False, False)]}, emotional
  words + flat voice {kinds[(False, True)]}, neutral words + emotional voice
  {kinds[(True, False)]}, neutral words + flat voice {kinds[(True, True)]}.
- Augmentation on most clips: pink noise at 30/20/15 dB SNR, gain, synthetic reverberation,
  speed (`train/synth/augment.py`).
- Asterisk: {ASTERISK_TEST} prompts held out (neutral, with transcripts: neutral recall and
  WER); of the rest, {ASTERISK_LABELLED_TRAIN} also serve SER and all serve ASR.

{chr(10).join(table)}

**Rebuild** exactly: `emostudio-train synth --out DIR --seed {seed}` (deterministic:
Piper's sampling noise is off, every random draw is seeded). Licences: the sentences and
the code are GPL-3.0-or-later; Piper (GPL-3.0) with the Joe voice (MIT package); espeak-ng
(GPL-3.0); the asterisk prompts CC BY-SA 3.0 (Allison Smith, Digium).

Metadata per clip (voice, sentence, text and prosody classes, prosody values,
augmentation): `metadata.csv`.
"""
