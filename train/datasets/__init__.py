"""Corpus readers: each turns a corpus on disk into :class:`Example` records.

:func:`load_examples` reads a *data spec*:

| spec | what |
| --- | --- |
| ``iemocap:PATH`` / ``iemocap-full:PATH`` | IEMOCAP 4-class (hap+exc merged) / every label |
| ``meld:PATH`` / ``meld-sentiment:PATH`` | MELD emotion (7) / sentiment (3) |
| ``ravdess:PATH`` / ``ravdess-full:PATH`` | RAVDESS speech: 4-class (calm into neutral) / all 8 |
| ``ased:PATH`` / ``ased-full:PATH`` | ASED (Amharic; evaluation only): 4-class / all 5 |
| ``emospeech:PATH`` / ``emospeech-full:PATH`` | EmoSpeech (Indian English, Hindi): 3-class, no sad / all 4 |
| ``tess:PATH`` / ``tess-full:PATH`` | TESS (2 English speakers; evaluation only): 4-class / all 7 |
| ``turev:PATH`` | TurEV-DB (Turkish words; evaluation only): 4-class |
| ``manifest:PATH`` or a ``.csv``/``.jsonl`` path | a manifest (``path,label[,transcript,speaker,split]``) |
| ``folders:PATH`` or a folder path | one folder per label |
| ``asterisk`` | Debian's asterisk prompts: real neutral speech with transcripts |
| ``asterisk-test`` | the 100 prompts the synthetic corpus holds out (neutral recall, WER) |
| ``asterisk-train`` | the other prompts (real neutral speech of the same speaker) |
"""

from __future__ import annotations

from pathlib import Path

from train.datasets.example import DatasetError, Example

# Spec kinds followed by a path (``kind:PATH``), and the specs that take none.
PATH_KINDS = (
    "iemocap",
    "iemocap-full",
    "meld",
    "meld-sentiment",
    "ravdess",
    "ravdess-full",
    "ased",
    "ased-full",
    "emospeech",
    "emospeech-full",
    "tess",
    "tess-full",
    "turev",
    "turev-full",
    "manifest",
    "folders",
)
PATHLESS_SPECS = ("asterisk", "asterisk-test", "asterisk-train")
# Corpora whose licence forbids adapted material (ASED: none stated; TESS and TurEV-DB:
# no derivatives): they evaluate models, never train one (matched on Example.source).
EVALUATION_ONLY = {
    "ased:": "ASED states no licence",
    "tess:": "TESS is CC BY-NC-ND 4.0 (no derivatives)",
    "turev:": "TurEV-DB's licence is unclear (CC BY-NC-ND 4.0 or GPL-3.0)",
}


def refuse_evaluation_only(examples: list[Example], where: str = "training") -> None:
    """Raise when any example comes from an evaluation-only corpus.

    Raises
    ------
    DatasetError
        Naming the first such example, why its corpus is evaluation-only and ``where``
        it was given.
    """
    for example in examples:
        for prefix, why in EVALUATION_ONLY.items():
            if example.source.startswith(prefix):
                raise DatasetError(
                    f"{example.source}: {why} and is for evaluation only; leave it out of {where}"
                )


def load_examples(spec: str) -> list[Example]:
    """Read the examples a data spec names (see the module's table).

    Raises
    ------
    DatasetError
        For an unknown spec or a corpus that cannot be read.
    """
    kind, colon, rest = spec.partition(":")
    if not colon:
        kind, rest = "", spec
    # An empty path would read the working folder.
    if not rest.strip() and spec not in PATHLESS_SPECS:
        raise DatasetError(f"{spec!r}: a data spec needs a path")
    if kind == "iemocap" or kind == "iemocap-full":
        from train.datasets.iemocap import read_iemocap

        return read_iemocap(rest, "full" if kind == "iemocap-full" else "four")
    if kind in ("meld", "meld-sentiment"):
        from train.datasets.meld import read_meld

        return read_meld(rest, "sentiment" if kind == "meld-sentiment" else "emotion")
    if kind in ("ravdess", "ravdess-full"):
        from train.datasets.ravdess import read_ravdess

        return read_ravdess(rest, "full" if kind == "ravdess-full" else "four")
    if kind in ("ased", "ased-full"):
        from train.datasets.ased import read_ased

        return read_ased(rest, "full" if kind == "ased-full" else "four")
    if kind in ("emospeech", "emospeech-full"):
        from train.datasets.emospeech import read_emospeech

        return read_emospeech(rest, "full" if kind == "emospeech-full" else "four")
    if kind in ("tess", "tess-full"):
        from train.datasets.tess import read_tess

        return read_tess(rest, "full" if kind == "tess-full" else "four")
    if kind in ("turev", "turev-full"):
        from train.datasets.turev import read_turev

        return read_turev(rest, "full" if kind == "turev-full" else "four")
    if kind == "manifest":
        from train.datasets.manifest import read_manifest

        return read_manifest(rest)
    if kind == "folders":
        from train.datasets.manifest import read_label_folders

        return read_label_folders(rest)
    if spec == "asterisk-test":
        from train.synth.corpus import asterisk_held_out

        return asterisk_held_out()
    if spec == "asterisk-train":
        from train.synth.corpus import asterisk_training

        return asterisk_training()
    if spec == "asterisk":
        from train.datasets.asterisk import asterisk_examples

        return asterisk_examples()
    if kind == "":
        path = Path(rest)
        if path.suffix.lower() in (".csv", ".jsonl"):
            from train.datasets.manifest import read_manifest

            return read_manifest(path)
        if path.is_dir():
            from train.datasets.manifest import read_label_folders

            return read_label_folders(path)
    raise DatasetError(
        f"{spec}: not a data spec (iemocap:, meld:, ravdess:, ased:, emospeech:, tess:, turev:, "
        "manifest:, folders:, asterisk, "
        "or a .csv/.jsonl manifest or label folder)"
    )


__all__ = [
    "EVALUATION_ONLY",
    "PATHLESS_SPECS",
    "PATH_KINDS",
    "DatasetError",
    "Example",
    "load_examples",
    "refuse_evaluation_only",
]
