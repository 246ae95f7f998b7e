"""Population norms of the cues, measured on neutral speech of real speakers.

``emostudio-train norms`` reads the neutral clips of the given corpora (their acoustic
block, cached by :mod:`train.corpus_features`), and writes what
:meth:`model_core.cues.SpeakerBaseline.population` reads
(``model_core/cues/population_norms.json``):

- per cue, the mean and SD over clips, **every corpus weighing alike** (a corpus of
  thousands of clips of one kind of phone does not set the norm alone);
- the F0 reference per sex: the geometric mean of the clips' median F0 over speakers of
  that sex; and the SD of F0 level in semitones around it; for an unknown sex, the
  geometric mean of the two references and the SD over all clips around it;
- provenance: the corpora, their clip and speaker counts, the command.

It also checks the norms on held-out corpora (``--evaluate``): the share of their
neutral clips whose jitter and shimmer read "typical" (|z| < 1) against the norms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from model_core.acoustics.egemaps import EGEMAPS_SIZE
from model_core.acoustics.pitch import hz_to_semitones
from model_core.model.head import CUE_ORDER
from train.corpus_rows import Rows

F0_LEVEL = ("f0_mean", "f0_median")
SEXES = ("female", "male")


def _cue(rows: Rows, name: str) -> np.ndarray:
    return rows.acoustic[:, EGEMAPS_SIZE + CUE_ORDER.index(name)].astype(np.float64)


def _weighted_mean_sd(values: np.ndarray, groups: list[str]) -> tuple[float, float, int]:
    """Mean and SD with every group weighing alike (NaN left out); also the count used."""
    values = np.asarray(values, dtype=np.float64)
    groups_arr = np.array(groups)
    finite = np.isfinite(values)
    values, groups_arr = values[finite], groups_arr[finite]
    if len(values) == 0:
        return math.nan, math.nan, 0
    names, counts = np.unique(groups_arr, return_counts=True)
    share = dict(zip(names, 1.0 / counts, strict=True))
    weights = np.array([share[g] for g in groups_arr])
    weights /= weights.sum()
    mean = float(np.sum(weights * values))
    sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2)))
    return mean, sd, int(len(values))


def measure_norms(rows: Rows, neutral: str = "neutral") -> dict:
    """Population norms from the recorded neutral rows of ``rows``.

    Returns
    -------
    dict
        ``{"f0_reference_hz": {sex: Hz}, "f0_level_sd_st": {sex: st}, "stats": {cue: [mean,
        sd]}, "counts": {cue: n}, "corpora": {name: {"clips", "speakers"}}}``; sexes are
        ``female``, ``male`` and ``unknown``.
    """
    keep = rows.recorded() & np.array([t == neutral for t in rows.truth])
    neutral_rows = rows.take(keep)
    if len(neutral_rows) == 0:
        raise ValueError(f"no recorded {neutral} clip to measure norms on")
    corpora = neutral_rows.corpora
    sexes = [neutral_rows.sexes.get(s or "", "") for s in neutral_rows.speakers]
    medians = _cue(neutral_rows, "f0_median")
    references, level_sd = {}, {}
    for sex in SEXES:
        mine = np.array([s == sex for s in sexes]) & np.isfinite(medians) & (medians > 0)
        if not mine.any():
            raise ValueError(f"no neutral clip of a {sex} speaker: the F0 norm needs both sexes")
        log_mean, _, _ = _weighted_mean_sd(
            np.log(medians[mine]), [corpora[i] for i in np.flatnonzero(mine)]
        )
        references[sex] = float(np.exp(log_mean))
        st = hz_to_semitones(medians[mine], references[sex])
        level_sd[sex] = _weighted_mean_sd(st, [corpora[i] for i in np.flatnonzero(mine)])[1]
    references["unknown"] = float(np.sqrt(references["female"] * references["male"]))
    voiced = np.isfinite(medians) & (medians > 0)
    level_sd["unknown"] = _weighted_mean_sd(
        hz_to_semitones(medians[voiced], references["unknown"]),
        [corpora[i] for i in np.flatnonzero(voiced)],
    )[1]
    stats, counts = {}, {}
    for name in CUE_ORDER:
        if name in F0_LEVEL:
            continue
        mean, sd, n = _weighted_mean_sd(_cue(neutral_rows, name), corpora)
        stats[name], counts[name] = [round(mean, 4), round(sd, 4)], n
    by_corpus = {}
    for name in dict.fromkeys(corpora):
        mine = [i for i, c in enumerate(corpora) if c == name]
        speakers = {neutral_rows.speakers[i] for i in mine if neutral_rows.speakers[i]}
        by_corpus[name] = {"clips": len(mine), "speakers": len(speakers)}
    return {
        "f0_reference_hz": {k: round(v, 2) for k, v in references.items()},
        "f0_level_sd_st": {k: round(v, 3) for k, v in level_sd.items()},
        "stats": stats,
        "counts": counts,
        "corpora": by_corpus,
    }


def typical_shares(rows: Rows, norms: dict, cues: tuple[str, ...] = ("jitter", "shimmer")) -> dict:
    """Per corpus, the share of recorded neutral clips whose ``cues`` read |z| < 1 against
    ``norms`` (NaN values left out)."""
    keep = rows.recorded() & np.array([t == "neutral" for t in rows.truth])
    neutral_rows = rows.take(keep)
    shares: dict[str, dict[str, float]] = {}
    for corpus in dict.fromkeys(neutral_rows.corpora):
        mine = np.array([c == corpus for c in neutral_rows.corpora])
        entry = {}
        for cue in cues:
            mean, sd = norms["stats"][cue]
            values = _cue(neutral_rows, cue)[mine]
            values = values[np.isfinite(values)]
            entry[cue] = (
                float(np.mean(np.abs((values - mean) / sd) < 1)) if len(values) else math.nan
            )
        entry["clips"] = int(mine.sum())
        shares[corpus] = entry
    return shares


def write_norms(path: Path, norms: dict, command: str) -> Path:
    """The norms with their provenance, as the JSON the population baseline reads."""
    record = {"measured": date.today().isoformat(), "command": command, **norms}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def run_norms(args, say: Callable[[str], None]) -> int:
    """``emostudio-train norms``: measure, write, and check on held-out corpora."""
    import shlex
    import sys

    from train.corpus_rows import load_rows

    labels = ["neutral"]
    rows = load_rows({"always": args.data}, labels, args.cache, None, (), say)
    norms = measure_norms(rows)
    command = "emostudio-train " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    path = write_norms(args.out, norms, command)
    say(f"wrote {path}")
    for name, (mean, sd) in norms["stats"].items():
        say(f"  {name}: {mean:.3f} +- {sd:.3f} ({norms['counts'][name]} clips)")
    say(f"  F0 reference {norms['f0_reference_hz']} Hz, level SD {norms['f0_level_sd_st']} st")
    if args.evaluate:
        held = load_rows({"evaluate": args.evaluate}, labels, args.cache, None, (), say)
        for corpus, entry in typical_shares(held, norms).items():
            say(
                f"  held out {corpus}: {entry['clips']} neutral clips, typical jitter "
                f"{entry['jitter']:.1%}, typical shimmer {entry['shimmer']:.1%}"
            )
    return 0
