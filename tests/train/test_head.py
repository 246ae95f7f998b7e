"""The label head (model_core.model.head) and its fitting (train.head): speaker-relative
reading, fusion, calibration, files."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.model.head import (
    CUE_ORDER,
    HEAD_FILE,
    VoiceStats,
    cue_vector,
    pooled_states,
    relative_to_voice,
    utterance_features,
)
from train.head import crossval_head, fit_label_head, fit_temperature

WHISPER = 8  # 2 x d_model of a 4-wide toy encoder
WIDTH = WHISPER + 88 + len(CUE_ORDER)
LABELS = ["neutral", "happy", "sad", "angry"]


def voices_corpus(seed: int = 0, speakers: int = 12, per_label: int = 6):
    """Speakers whose own offsets (voice) are 4x larger than what the label moves.

    The label shifts two whisper and two acoustic features; each speaker adds a large
    random offset to every feature, as voices differ more than one voice's emotions.
    """
    rng = np.random.default_rng(seed)
    effect = np.zeros((len(LABELS), WIDTH))
    for column in (0, 1, WHISPER, WHISPER + 1):
        effect[:, column] = rng.normal(0.0, 3.0, len(LABELS))
    rows, truth, who = [], [], []
    for speaker in range(speakers):
        offset = rng.normal(0.0, 6.0, WIDTH)
        for index, label in enumerate(LABELS):
            for _ in range(per_label):
                rows.append(offset + effect[index] + rng.normal(0.0, 0.5, WIDTH))
                truth.append(label)
                who.append(f"spk{speaker}")
    return np.vstack(rows), truth, who


def test_pooled_states_are_the_mean_then_the_sd_over_time():
    frames = np.array([[0.0, 2.0], [2.0, 2.0], [4.0, 2.0]])
    assert pooled_states(frames).tolist() == pytest.approx([2.0, 2.0, np.sqrt(8 / 3), 0.0])
    with pytest.raises(ValueError, match="T >= 1"):
        pooled_states(np.zeros((0, 4)))


def test_utterance_features_keep_the_catalog_order_and_mark_what_was_not_measured():
    cues = {name: {"value": float(i)} for i, name in enumerate(CUE_ORDER)}
    cues["f0_final_slope"] = {"value": None}
    features = utterance_features(np.ones((5, 4)), np.arange(88.0), cues)
    assert features.shape == (WIDTH,)
    tail = features[-len(CUE_ORDER) :]
    slope = CUE_ORDER.index("f0_final_slope")
    assert np.isnan(tail[slope])
    assert tail[CUE_ORDER.index("hnr")] == CUE_ORDER.index("hnr")
    assert cue_vector({"f0_mean": 180.0})[0] == 180.0  # raw values are taken too
    with pytest.raises(ValueError, match="88"):
        utterance_features(np.ones((5, 4)), np.zeros(10), cues)


def test_one_recording_gives_a_voice_read_with_the_typical_within_speaker_sd():
    voice = VoiceStats.from_features(np.array([[1.0, 5.0]]))
    assert voice.n_recordings == 1 and voice.sd.tolist() == [0.0, 0.0]
    z = relative_to_voice(np.array([3.0, 5.0]), voice, within_sd=np.array([2.0, 1.0]))
    assert z.tolist() == pytest.approx([1.0, 0.0])
    back = VoiceStats.from_dict(voice.to_dict())
    assert back.mean.tolist() == [1.0, 5.0] and back.n_recordings == 1


def test_many_recordings_use_mostly_the_speakers_own_sd():
    rows = np.random.default_rng(1).normal(0.0, 3.0, (200, 1))
    voice = VoiceStats.from_features(rows)
    z = relative_to_voice(rows[:1] * 0 + voice.mean + voice.sd, voice, np.array([0.1]))
    assert 0.95 < z[0, 0] < 1.05  # 199 own degrees of freedom against 4 pseudo-recordings


def test_the_speaker_relative_head_hears_unseen_speakers_the_population_one_cannot():
    features, truth, who = voices_corpus()
    folds = {1: [f"spk{i}" for i in range(0, 12, 3)], 2: [f"spk{i}" for i in range(1, 12, 3)]}
    folds[3] = [f"spk{i}" for i in range(2, 12, 3)]
    # The relative reading alone: unanchored (offsets four times the effect make the
    # population logits noise here), and both blocks carrying the effect weighted alike.
    results, temperatures = crossval_head(
        features,
        truth,
        who,
        folds,
        LABELS,
        say=lambda _: None,
        population_anchor=0.0,
        block_weights={"whisper": 1.0, "acoustic": 1.0},
    )
    own = np.mean([m.unweighted_accuracy for m in results["emoreasoner-head/same-speaker"]])
    population = np.mean([m.unweighted_accuracy for m in results["emoreasoner-head/population"]])
    assert own > 0.9  # the voice removed, the label's effect is plain
    assert own > population + 0.15  # offsets four times the effect drown it without a voice
    assert set(temperatures) == {"speaker", "population"}
    assert all(0.3 <= t <= 5.0 for t in temperatures.values())


def test_probabilities_pick_the_mode_by_whether_the_speaker_is_known(tmp_path):
    features, truth, who = voices_corpus(seed=2)
    head = fit_label_head(features, truth, who, LABELS, layer=1)
    mine = [i for i, s in enumerate(who) if s == "spk0"]
    voice = VoiceStats.from_features(features[mine])
    known = head.probabilities(features[mine], [voice] * len(mine))
    unknown = head.probabilities(features[mine], [None] * len(mine))
    assert known.shape == (len(mine), 4)
    assert np.allclose(known.sum(axis=1), 1.0)
    assert not np.allclose(known, unknown)
    hits = np.mean([LABELS[k] == truth[i] for k, i in zip(known.argmax(1), mine, strict=True)])
    assert hits > 0.9
    head.save(tmp_path)
    assert (tmp_path / HEAD_FILE).exists()
    again = type(head).load(tmp_path)
    assert np.allclose(again.probabilities(features[mine], [voice] * len(mine)), known, atol=1e-5)
    assert again.labels == LABELS and again.whisper_layer == 1


def test_a_head_refuses_features_or_voices_of_another_shape():
    features, truth, who = voices_corpus(seed=3, speakers=4, per_label=3)
    head = fit_label_head(features, truth, who, LABELS)
    with pytest.raises(ValueError, match=f"takes {WIDTH} features"):
        head.probabilities(features[:, :-1], [None] * len(features))
    with pytest.raises(ValueError, match="another head"):
        head.probabilities(features[:1], [VoiceStats(np.zeros(3), np.ones(3), 5)])
    with pytest.raises(ValueError, match="no training clip of angry"):
        fit_label_head(features[:9], truth[:9], who[:9], LABELS)


def test_a_head_file_of_another_format_is_refused(tmp_path):
    from safetensors.numpy import save_file

    save_file({"within_sd": np.ones(3, np.float32)}, str(tmp_path / HEAD_FILE), {"head": "{}"})
    from model_core.model.head import LabelHead

    with pytest.raises(ValueError, match="head format"):
        LabelHead.load(tmp_path)


def test_the_temperature_softens_overconfident_logits_and_sharpens_timid_ones():
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 4, 2000)
    calibrated = rng.normal(0.0, 1.0, (2000, 4))
    calibrated[np.arange(2000), truth] += 1.5
    best = fit_temperature(calibrated, truth)
    assert fit_temperature(calibrated * 3.0, truth) == pytest.approx(3 * best, rel=0.1)
    assert fit_temperature(calibrated / 2.0, truth) == pytest.approx(best / 2, rel=0.15)


def test_an_anchored_head_reads_a_speaker_whose_recordings_are_all_neutral_as_neutral(tmp_path):
    """Relative to their own voice, an all-neutral speaker sits where a mixed speaker's
    middle is: ambiguous. The population logits (absolute level) settle it."""
    labels, rng = ["neutral", "angry"], np.random.default_rng(0)
    effect = np.zeros((2, WIDTH))
    effect[:, [0, WHISPER]] = [[-1.5], [1.5]]  # arousal, in both blocks

    def speaker(said: list[str], takes: int = 8) -> np.ndarray:
        offset = rng.normal(0.0, 0.3, WIDTH)
        rows = [offset + effect[labels.index(label)] for label in said for _ in range(takes)]
        return np.vstack(rows) + rng.normal(0.0, 0.5, (len(rows), WIDTH))

    features = np.vstack([speaker(labels) for _ in range(12)])
    truth = [label for _ in range(12) for label in labels for _ in range(8)]
    who = [f"spk{s}" for s in range(12) for _ in range(16)]
    calm = speaker(["neutral"], takes=12)
    mixed, mixed_truth = speaker(labels), [0] * 8 + [1] * 8
    neutral_share = {}
    for anchor in (0.0, 1.0):
        head = fit_label_head(features, truth, who, labels, population_anchor=anchor)
        calm_voice, mixed_voice = VoiceStats.from_features(calm), VoiceStats.from_features(mixed)
        neutral_share[anchor] = head.probabilities(calm, [calm_voice] * 12)[:, 0].mean()
        read = head.probabilities(mixed, [mixed_voice] * 16).argmax(axis=1)
        assert (read == mixed_truth).mean() >= 0.9  # a mixed speaker stays read right
    assert neutral_share[0.0] < 0.55 < 0.6 < neutral_share[1.0]

    relative = relative_to_voice(calm, calm_voice, head.within_sd)
    expected = head.fused_logits(relative, "speaker") + head.fused_logits(calm, "population")
    assert np.allclose(head.speaker_logits(calm, relative), expected)
    head.save(tmp_path)
    assert type(head).load(tmp_path).population_anchor == 1.0


def test_a_head_saved_before_the_anchor_loads_unanchored(tmp_path):
    import json

    from safetensors import safe_open
    from safetensors.numpy import save_file

    features, truth, who = voices_corpus(seed=4, speakers=4, per_label=3)
    head = fit_label_head(features, truth, who, LABELS, population_anchor=1.0)
    path = head.save(tmp_path)
    with safe_open(str(path), framework="numpy") as handle:
        meta = json.loads(handle.metadata()["head"])
        names = list(handle.keys())  # a safetensors handle, not a dict
        arrays = {key: handle.get_tensor(key) for key in names}
    del meta["population_anchor"]  # what a head written before the anchor holds
    save_file(arrays, str(path), {"head": json.dumps(meta)})
    old = type(head).load(tmp_path)
    assert old.population_anchor == 0.0
    voice = VoiceStats.from_features(features[:12])
    relative = relative_to_voice(features[:12], voice, old.within_sd)
    assert np.allclose(
        old.speaker_logits(features[:12], relative), old.fused_logits(relative, "speaker")
    )


def test_a_calibrated_head_gives_sets_and_flags_far_clips_and_keeps_them_on_disk(tmp_path):
    from model_core.model.uncertainty import Novelty

    features, truth, who = voices_corpus(seed=4)
    head = fit_label_head(features, truth, who, LABELS, layer=1)
    acoustic = head.block_slices()["acoustic"]
    head.set_thresholds = {"speaker": 0.5, "population": 0.9}
    head.novelty = Novelty.fit(features[:, acoustic])
    far = features[:2].copy()
    far[:, acoustic] += 50.0  # no training clip lies anywhere near
    rows = np.vstack([features[:3], far])
    voices = [None] * len(rows)
    probabilities = head.probabilities(rows, voices)
    found = head.assess(rows, probabilities, voices)
    for row, assessment in zip(probabilities, found, strict=True):
        # population threshold 0.9: every label with p >= 0.1, the top one first
        expected = [LABELS[i] for i in np.argsort(-row) if row[i] >= 0.1 - 1e-12]
        assert assessment.label_set == expected
    assert [a.unsure for a in found[3:]] == [True, True]
    assert all("unlike anything" in " ".join(a.reasons) for a in found[3:])
    head.save(tmp_path)
    again = type(head).load(tmp_path)
    assert again.set_thresholds == head.set_thresholds
    assert again.novelty.threshold == pytest.approx(head.novelty.threshold)
    assert [a.label_set for a in again.assess(rows, probabilities, voices)] == [
        a.label_set for a in found
    ]
    # A head without calibrated sets (format 1) claims no set.
    head.set_thresholds, head.novelty = {}, None
    bare = head.assess(rows, probabilities, voices)
    assert all(a.label_set is None and not a.unsure for a in bare)


def test_a_fold_without_a_label_fits_when_asked_and_never_predicts_it():
    features, truth, who = voices_corpus(seed=5)
    kept = [i for i, t in enumerate(truth) if t != "sad"]
    rows, labels, speakers = features[kept], [truth[i] for i in kept], [who[i] for i in kept]
    with pytest.raises(ValueError, match="no training clip of sad"):
        fit_label_head(rows, labels, speakers, LABELS)
    head = fit_label_head(rows, labels, speakers, LABELS, allow_missing=True)
    probabilities = head.probabilities(features, [None] * len(features))
    assert probabilities[:, LABELS.index("sad")].max() < 1e-6
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_a_head_keeps_its_own_cue_order_and_refuses_cues_the_catalog_lost(tmp_path):
    """A cue added to the catalog later does not break a shipped head; one removed does."""
    import json

    from safetensors import safe_open
    from safetensors.numpy import save_file

    from model_core.model.head import CUE_ORDER, LabelHead

    features, truth, who = voices_corpus(seed=5, speakers=4, per_label=3)
    path = fit_label_head(features, truth, who, LABELS).save(tmp_path)
    with safe_open(str(path), framework="numpy") as handle:
        meta = json.loads(handle.metadata()["head"])
        arrays = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118

    def rewrite(order):
        save_file(arrays, str(path), {"head": json.dumps({**meta, "cue_order": order})})

    rewrite(list(reversed(CUE_ORDER)))  # another order of the same cues: kept as written
    assert LabelHead.load(tmp_path).cue_order == tuple(reversed(CUE_ORDER))
    rewrite([*CUE_ORDER[:-1], "tremor_index"])
    with pytest.raises(ValueError, match="does not measure: \\['tremor_index'\\]"):
        LabelHead.load(tmp_path)
