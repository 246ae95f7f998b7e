"""Label-head recipes: which features, which weights, which data, as one value.

A :class:`HeadRecipe` names everything a head's fit depends on besides the data, so the
leave-one-corpus-out evaluation (:mod:`train.corpus_cv`) can fit several recipes on
exactly the same folds and an ablation table can say what each change bought.
:data:`DEFAULT_2_0` is the recipe of the default model EmoStudio shipped before it learnt
from several corpora (Whisper layer 2, classes balanced, no augmentation).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from model_core.model.head import LabelHead
from train.head import DEFAULT_BLOCK_WEIGHTS, DEFAULT_C, DEFAULT_POPULATION_ANCHOR, fit_label_head


@dataclass(frozen=True)
class HeadRecipe:
    """How to fit a label head.

    Attributes
    ----------
    name : str
    layers : tuple of int
        Whisper encoder layers whose pooled states (mean and SD) make the whisper block,
        concatenated (0: the embeddings).
    c : dict
        Inverse L2 strength per block (``whisper``, ``acoustic``).
    block_weights : dict
        Each block's weight in the fused log-probabilities.
    anchor : float
        The population logits' weight in speaker mode.
    balance : {"class", "corpus"}
        ``class``: classes weigh alike over all data; ``corpus``: every (corpus, class)
        cell weighs alike, so a big corpus does not drown a small one.
    augmentations : tuple of str
        :mod:`train.channel` copies of the training clips added to training.
    """

    name: str
    layers: tuple[int, ...] = (2,)
    c: dict = field(default_factory=lambda: dict(DEFAULT_C))
    block_weights: dict = field(default_factory=lambda: dict(DEFAULT_BLOCK_WEIGHTS))
    anchor: float = DEFAULT_POPULATION_ANCHOR
    balance: str = "class"
    augmentations: tuple[str, ...] = ()

    def __post_init__(self):
        if self.balance not in ("class", "corpus"):
            raise ValueError(f"balance must be 'class' or 'corpus', not {self.balance!r}")
        if not self.layers:
            raise ValueError("a recipe reads at least one Whisper layer")

    def to_dict(self) -> dict:
        return asdict(self)

    def features(self, whisper: np.ndarray, acoustic: np.ndarray) -> np.ndarray:
        """Head input rows from cached blocks.

        Parameters
        ----------
        whisper : np.ndarray
            Shape (n, L + 1, 2 d): every layer's pooled states
            (:func:`train.corpus_features.whisper_layer_stats`).
        acoustic : np.ndarray
            Shape (n, 100).

        Returns
        -------
        np.ndarray
            Shape (n, len(layers) * 2 d + 100): the whisper block, then the acoustic one.
        """
        chosen = [np.asarray(whisper[:, layer, :], dtype=np.float64) for layer in self.layers]
        return np.hstack([*chosen, np.asarray(acoustic, dtype=np.float64)])

    def fit(
        self,
        features: np.ndarray,
        truth: list[str],
        speakers: list[str | None],
        corpora: list[str],
        labels: list[str],
        allow_missing: bool = False,
    ) -> LabelHead:
        """Fit the head on rows of :meth:`features` (``corpora``: each row's corpus;
        ``allow_missing``: see :func:`train.head.fit_label_head`)."""
        weights = balanced_weights(truth, corpora) if self.balance == "corpus" else None
        return fit_label_head(
            features,
            truth,
            speakers,
            labels,
            layer=self.layers[0],
            c=dict(self.c),
            block_weights=dict(self.block_weights),
            population_anchor=self.anchor,
            sample_weight=weights,
            allow_missing=allow_missing,
        )


def balanced_weights(truth: list[str], groups: list[str]) -> np.ndarray:
    """Row weights giving every (group, label) cell the same total weight, mean 1.

    Parameters
    ----------
    truth, groups : list of str
        Each row's label and group (corpus).

    Returns
    -------
    np.ndarray
        Shape (n,).
    """
    cells = list(zip(groups, truth, strict=True))
    counts: dict[tuple[str, str], int] = {}
    for cell in cells:
        counts[cell] = counts.get(cell, 0) + 1
    weights = np.array([1.0 / counts[cell] for cell in cells])
    return weights * len(cells) / weights.sum()


DEFAULT_2_0 = HeadRecipe("default-2.0")


def _variant(base: HeadRecipe, name: str, **changes) -> HeadRecipe:
    from dataclasses import replace

    return replace(base, name=name, **changes)


# Every corpus and class alike, a channel copy of every training clip, the population
# anchor at half weight: the best mean UA over held-out corpora of the recipes tried
# (assets/models/default/README.md, "Ablation").
MULTI_CORPUS = HeadRecipe("multi-corpus", balance="corpus", augmentations=("mixed",), anchor=0.5)
# Each recipe differs from MULTI_CORPUS (or DEFAULT_2_0) in one thing: the ablation.
RECIPES = {
    recipe.name: recipe
    for recipe in (
        DEFAULT_2_0,
        MULTI_CORPUS,
        _variant(MULTI_CORPUS, "no-augmentation", augmentations=()),
        _variant(MULTI_CORPUS, "class-balance", balance="class"),
        _variant(MULTI_CORPUS, "layer-1", layers=(1,)),
        _variant(MULTI_CORPUS, "layer-3", layers=(3,)),
        _variant(MULTI_CORPUS, "layer-4", layers=(4,)),
        _variant(MULTI_CORPUS, "layers-1-4", layers=(1, 2, 3, 4)),
        _variant(MULTI_CORPUS, "acoustic-only", block_weights={"whisper": 0.0, "acoustic": 1.0}),
        _variant(MULTI_CORPUS, "whisper-only", block_weights={"whisper": 1.0, "acoustic": 0.0}),
        _variant(MULTI_CORPUS, "no-anchor", anchor=0.0),
        _variant(MULTI_CORPUS, "anchor-1", anchor=1.0),
    )
}
