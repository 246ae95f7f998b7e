"""Labelled rows of several corpora in one table: what leave-one-corpus-out evaluation
and the multi-corpus head fit read.

Each corpus has a *role*:

- ``train``: trains heads, and is held out in turn (its speakers never heard);
- ``evaluate``: never trains (its licence forbids it, :data:`train.datasets.EVALUATION_ONLY`),
  scored by the heads trained on every ``train`` corpus;
- ``always``: always trains, never scored (e.g. Debian's asterisk prompts, the synthetic
  corpus);
- ``check``: scored like ``evaluate`` but reported apart, never in a mean over held-out
  corpora nor in calibration (e.g. held-out prompts of a speaker who trains).

Augmented copies (:mod:`train.channel`) of ``train`` and ``always`` rows join training;
a copy carries its clip's ``origin`` row, so a held-out speaker's copies are held out too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from train.datasets import load_examples, refuse_evaluation_only
from train.datasets.example import DatasetError

ROLES = ("train", "evaluate", "always", "check")


@dataclass
class Rows:
    """Row-aligned arrays of labelled clips.

    Attributes
    ----------
    whisper : np.ndarray
        (n, L + 1, 2 d) pooled states of every Whisper layer.
    acoustic : np.ndarray
        (n, 100) eGeMAPS and cues.
    truth, speakers, corpora, roles : list
        Each row's label, speaker (None: unknown), corpus name and role.
    ids : list of str
        Example ids.
    augmentation : list of str or None
        None for the clip as recorded.
    origin : np.ndarray
        (n,) for an augmented copy, the row index of its recorded clip; else its own index.
    """

    whisper: np.ndarray
    acoustic: np.ndarray
    truth: list[str]
    speakers: list[str | None]
    corpora: list[str]
    roles: list[str]
    ids: list[str]
    augmentation: list[str | None] = field(default_factory=list)
    origin: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    sexes: dict[str, str] = field(default_factory=dict)  # speaker -> sex, where known

    def __len__(self) -> int:
        return len(self.truth)

    def take(self, index) -> Rows:
        """The rows at ``index`` (a boolean mask or indices); ``origin`` renumbered where
        the origin is kept, else -1."""
        index = np.flatnonzero(index) if np.asarray(index).dtype == bool else np.asarray(index)
        new_of_old = {int(old): new for new, old in enumerate(index)}
        return Rows(
            self.whisper[index],
            self.acoustic[index],
            [self.truth[i] for i in index],
            [self.speakers[i] for i in index],
            [self.corpora[i] for i in index],
            [self.roles[i] for i in index],
            [self.ids[i] for i in index],
            [self.augmentation[i] for i in index],
            np.array([new_of_old.get(int(self.origin[i]), -1) for i in index], dtype=int),
            self.sexes,
        )

    def recorded(self) -> np.ndarray:
        """Mask of the rows that are clips as recorded (not augmented copies)."""
        return np.array([a is None for a in self.augmentation], dtype=bool)

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
        return Rows(
            np.concatenate([p.whisper for p in parts]),
            np.concatenate([p.acoustic for p in parts]),
            [t for p in parts for t in p.truth],
            [s for p in parts for s in p.speakers],
            [c for p in parts for c in p.corpora],
            [r for p in parts for r in p.roles],
            [i for p in parts for i in p.ids],
            [a for p in parts for a in p.augmentation],
            np.concatenate([p.origin + o for p, o in zip(parts, offsets, strict=True)]),
            {k: v for p in parts for k, v in p.sexes.items()},
        )


def corpus_name(spec: str) -> str:
    """A short name for a data spec: ``ravdess:data/x`` -> ``ravdess``; a manifest's file
    stem (its folder's name for a ``manifest.csv``); a pathless spec as it is."""
    kind, colon, rest = spec.partition(":")
    if not colon and spec.endswith((".csv", ".jsonl")):
        kind, rest = "manifest", spec
    elif not colon:
        return spec
    if kind == "manifest":  # a file called manifest.csv is named after its folder
        path = Path(rest)
        return path.parent.name if path.stem == "manifest" and path.parent.name else path.stem
    return kind.removesuffix("-full")


def split_sample(given: str) -> tuple[str, int | None]:
    """``SPEC@N`` -> (SPEC, N): a fixed sample of N clips (:func:`train.compare.sample`,
    seed 0, each label keeping its share); a spec without ``@N`` -> (spec, None).

    Raises
    ------
    DatasetError
        For an ``@`` not followed by a whole number above 0.
    """
    spec, at, size = given.rpartition("@")
    if not at or "/" in size:
        return given, None
    if not size.isdigit() or int(size) < 1:
        raise DatasetError(f"{given}: SPEC@N takes a whole number of clips above 0")
    return spec, int(size)


def load_rows(
    specs: dict[str, list[str]],
    labels: list[str],
    cache: Path,
    model,
    augmentations: tuple[str, ...] = (),
    say: Callable[[str], None] = print,
) -> Rows:
    """Every labelled clip of the corpora, with their cached features.

    Parameters
    ----------
    specs : dict
        Role (:data:`ROLES`) -> data specs, each optionally ``SPEC@N`` (a fixed sample of
        N clips, :func:`split_sample`).
    labels : list of str
        Clips with other labels are left out.
    model : EmoReasoner
        Whose Whisper, in its context, gives the whisper block.
    augmentations : tuple of str
        Copies of every ``train`` and ``always`` clip to add.

    Raises
    ------
    DatasetError
        For an unknown role, an evaluation-only corpus given to train, or a corpus that
        ends up with no clip of the labels.
    """
    from train.compare import sample
    from train.corpus_features import corpus_features

    unknown = sorted(set(specs) - set(ROLES))
    if unknown:
        raise DatasetError(f"unknown corpus role {unknown[0]!r}: one of {', '.join(ROLES)}")

    names = [corpus_name(split_sample(g)[0]) for role in ROLES for g in specs.get(role, [])]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise DatasetError(
            f"two corpora would both be called {twice[0]!r}: give them files of their own names"
        )
    parts = []
    for role in ROLES:
        for given in specs.get(role, []):
            spec, size = split_sample(given)
            examples = [e for e in load_examples(spec) if e.label in labels]
            if size is not None:
                examples = sample(examples, size)
            scored_only = role in ("evaluate", "check")
            if not scored_only:
                refuse_evaluation_only(examples, f"the {role} corpora")
                # a manifest's dev and test rows never train
                examples = [e for e in examples if e.split == "train"]
            if not examples:
                raise DatasetError(f"{spec}: no clip labelled {', '.join(labels)}")
            name = corpus_name(spec)
            say(f"{name} ({role}): {len(examples)} clips")
            recorded = corpus_features(examples, cache, model, None, say)
            part = _rows(recorded, name, role, None)
            copies = []
            for augmentation in augmentations if not scored_only else ():
                found = corpus_features(recorded.examples, cache, model, augmentation, say)
                kept = {e.id: i for i, e in enumerate(recorded.examples)}
                copy = _rows(found, name, role, augmentation)
                copy.origin = np.array([kept[e.id] for e in found.examples], dtype=int)
                copies.append(copy)
            parts.append(with_copies(part, copies))
    return Rows.concat(parts)


def _rows(found, name: str, role: str, augmentation: str | None) -> Rows:
    examples = found.examples
    whisper = found.whisper
    if whisper is None:  # acoustic only: an empty whisper block keeps the rows aligned
        whisper = np.zeros((len(examples), 0, 0), dtype=np.float32)
    return Rows(
        whisper,
        found.acoustic,
        [e.label or "" for e in examples],
        [e.speaker for e in examples],
        [name] * len(examples),
        [role] * len(examples),
        [e.id for e in examples],
        [augmentation] * len(examples),
        np.arange(len(examples), dtype=int),
        {e.speaker: str(e.extra["sex"]) for e in examples if e.speaker and e.extra.get("sex")},
    )


def with_copies(recorded: Rows, copies: list[Rows]) -> Rows:
    """The recorded rows, then their augmented copies, each copy's ``origin`` (an index
    into ``recorded``) kept pointing at its recorded row.

    :meth:`Rows.concat` adds each part's offset to its origins, so each copy's offset is
    taken off beforehand.
    """
    offset = len(recorded)
    shifted = []
    for copy in copies:
        moved = copy.take(np.arange(len(copy)))
        moved.origin = np.asarray(copy.origin) - offset
        shifted.append(moved)
        offset += len(copy)
    return Rows.concat([recorded, *shifted])
