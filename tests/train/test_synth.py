"""The synthetic prosody corpus (``train/synth``, ``emostudio-train synth``): split hygiene,
the label rule, class balance, determinism, class prosody, augmentation, and ``build``
end to end on a few clips."""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from model_core.acoustics.pitch import PitchSettings, pitch_tracks, praat_pitch
from model_core.acoustics.praat import praat_sound
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from tests.conftest import require_path
from tests.helpers.signals import harmonic, white_noise
from train.cli import main
from train.datasets.asterisk import ASTERISK_TRANSCRIPTS, asterisk_pairs
from train.datasets.manifest import read_manifest
from train.synth import augment, corpus, prosody, voices
from train.synth.texts import SENTENCES

RATE = MODEL_SAMPLE_RATE
MANIFEST_COLUMNS = ["path", "label", "transcript", "speaker", "split"]
# Praat's pitch of a steady harmonic complex is exact to ~0.001 semitone, and PSOLA puts
# the median where it is told (measured error < 0.02 st); 0.1 st is a tenth of the
# smallest class shift, so a wrong sign or a missing shift still fails.
PITCH_TOLERANCE_ST = 0.1
# Levels are set by one exact scale factor in float64; float32 output changes them by
# ~1e-6 dB, so 0.01 dB only allows for rounding.
LEVEL_TOLERANCE_DB = 0.01


# --- helpers -------------------------------------------------------------------------


def _require_espeak() -> None:
    require_path(Path(shutil.which("espeak-ng") or "/usr/bin/espeak-ng"), "espeak-ng")


def _median_f0(samples: np.ndarray) -> float:
    track, _ = pitch_tracks(praat_pitch(praat_sound(samples, RATE)), PitchSettings())
    voiced = track.values[np.isfinite(track.values)]
    assert voiced.size > 10, "the test signal should be voiced"
    return float(np.median(voiced))


def _semitones(f_hz: float, reference_hz: float) -> float:
    return 12 * np.log2(f_hz / reference_hz)


def _rms_db(samples: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.asarray(samples, dtype=np.float64) ** 2))


def _draw(pitch_st=0.0, range_factor=1.0, rate_factor=1.0, gain_db=0.0, tilt=0.0):
    return prosody.ProsodyDraw("test", pitch_st, range_factor, rate_factor, gain_db, tilt)


def _tone(f0=150.0, duration=1.0, amplitude=0.1) -> np.ndarray:
    return harmonic(f0, duration, amplitude=amplitude).astype(np.float32)


def _spectral_centroid(samples: np.ndarray) -> float:
    magnitude = np.abs(np.fft.rfft(samples))
    return float(np.sum(magnitude * np.fft.rfftfreq(len(samples), 1 / RATE)) / np.sum(magnitude))


def _clip(item: corpus.Item, seed: int = 0) -> np.ndarray:
    """The clip of ``item`` made as ``build`` makes it, its draws keyed by its place in the
    full plan (so a clip built alone equals the same clip of the whole corpus)."""
    number = corpus.plan(seed).index(item) + 1
    rng = np.random.default_rng([seed, number])
    settings = prosody.draw(item.prosody, rng)
    augmentation = augment.draw(rng, corpus.AUGMENT_STRENGTH)
    voice = {v.name: v for v in voices.VOICES}[item.voice]
    speech = voices.Synthesizer().speak(voice, item.text)
    return augment.apply(prosody.apply(speech, settings), augmentation, rng)


def _augmentation_of(item: corpus.Item, seed: int = 0) -> augment.Augmentation:
    rng = np.random.default_rng([seed, corpus.plan(seed).index(item) + 1])
    prosody.draw(item.prosody, rng)
    return augment.draw(rng, corpus.AUGMENT_STRENGTH)


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def plan0() -> list[corpus.Item]:
    return corpus.plan(0)


@pytest.fixture(scope="module")
def espeak_items(plan0) -> list[corpus.Item]:
    """Three cheap clips (espeak voices): a train clip with emotional prosody, a flat
    train clip, and a test clip whose augmentation adds noise (so the seeded noise is
    part of what must rebuild exactly)."""

    def first(condition):
        return next(i for i in plan0 if i.voice.startswith("espeak") and condition(i))

    return [
        first(lambda i: i.split == "train" and i.prosody == "angry"),
        first(lambda i: i.split == "train" and i.prosody == "neutral" and i.text_class == "sad"),
        first(lambda i: i.split == "test" and _augmentation_of(i).snr_db is not None),
    ]


# --- 1. split hygiene --------------------------------------------------------------------


def test_sentences_are_unique_and_enough_per_class():
    assert set(SENTENCES) == set(corpus.LABELS)
    for cls, texts in SENTENCES.items():
        assert len(texts) >= 60, f"{cls}: {len(texts)} sentences"
        assert all(t.strip() == t and len(t.split()) >= 3 for t in texts), cls
    every = [t for texts in SENTENCES.values() for t in texts]
    # unique across classes too: a sentence in two classes could reach both splits
    duplicates = [t for t, n in Counter(t.lower() for t in every).items() if n > 1]
    assert not duplicates


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_test_clips_share_neither_voice_nor_sentence_with_training(seed):
    items = corpus.plan(seed)
    train = [i for i in items if i.split == "train"]
    test = [i for i in items if i.split == "test"]
    assert train and test and len(train) + len(test) == len(items)
    assert len({i.id for i in items}) == len(items)
    # held-out voices: real voices, only in test, all used there
    assert set(voices.TEST_VOICES) <= {v.name for v in voices.VOICES}
    assert {i.voice for i in test} == set(voices.TEST_VOICES)
    assert not {i.voice for i in train} & set(voices.TEST_VOICES)
    # held-out sentences
    assert not {i.text for i in train} & {i.text for i in test}
    assert not {(i.voice, i.text) for i in train} & {(i.voice, i.text) for i in test}
    for cls, texts in SENTENCES.items():
        held_out = {i.sentence for i in test if i.text_class == cls}
        spoken = {i.sentence for i in items if i.text_class == cls}
        assert len(held_out) == corpus.TEST_SENTENCES, cls
        assert spoken == set(range(len(texts))), f"{cls}: every sentence is spoken"
        assert all(texts[i.sentence] == i.text for i in items if i.text_class == cls)


# --- 2. the label rule and class balance ----------------------------------------------


@pytest.mark.parametrize("split", ["train", "test"])
def test_neither_words_nor_prosody_alone_give_the_label(plan0, split):
    items = [i for i in plan0 if i.split == split]
    assert all(i.label in corpus.LABELS for i in items)
    # the rule: the prosody's class, or the sentence's when the prosody is flat
    assert all(i.label == (i.text_class if i.prosody == "neutral" else i.prosody) for i in items)
    # words and prosody never disagree about *which* emotion
    assert all(i.prosody in ("neutral", i.text_class) for i in items if i.text_class != "neutral")
    labels_by = {"words": defaultdict(set), "prosody": defaultdict(set)}
    for item in items:
        labels_by["words"][item.text_class].add(item.label)
        labels_by["prosody"][item.prosody].add(item.label)
    # neutral words are spoken with every emotion; flat prosody carries every class
    assert labels_by["words"]["neutral"] == set(corpus.LABELS)
    assert labels_by["prosody"]["neutral"] == set(corpus.LABELS)
    for emotion in corpus.EMOTIONS:
        carriers = [i for i in items if i.label == emotion]
        assert any(i.text_class != emotion for i in carriers), f"{emotion}: only by words"
        assert any(i.prosody != emotion for i in carriers), f"{emotion}: only by prosody"


def test_classes_are_balanced(plan0):
    """Bounds: in each split the three emotions are within 10 % of each other, and
    neutral has at least half the largest class. By design neutral is exactly half in
    the synthetic clips (only flat neutral sentences are neutral; each emotion also gets
    the neutral sentences spoken with it), and the asterisk prompts fill the gap: with
    them the training set's classes are within 10 %. 10 % leaves room for a few sentences
    more or less; a lost class or a lopsided plan breaks it."""
    for split in ("train", "test"):
        counts = Counter(i.label for i in plan0 if i.split == split)
        emotions = [counts[e] for e in corpus.EMOTIONS]
        assert min(emotions) >= 0.9 * max(emotions), (split, counts)
        assert counts["neutral"] >= 0.5 * max(emotions), (split, counts)
    train = Counter(i.label for i in plan0 if i.split == "train")
    train["neutral"] += corpus.ASTERISK_LABELLED_TRAIN  # real neutral prompts used for SER
    assert min(train.values()) >= 0.9 * max(train.values()), train


# --- 3. determinism ----------------------------------------------------------------------


def test_plan_is_a_function_of_the_seed(plan0):
    assert corpus.plan(0) == plan0
    other = corpus.plan(1)
    assert other != plan0
    # a different seed changes who is held out and who speaks, not the design
    assert {i.text for i in other if i.split == "test"} != {
        i.text for i in plan0 if i.split == "test"
    }
    assert Counter(i.label for i in other) == Counter(i.label for i in plan0)


def test_one_clip_is_synthesised_and_processed_identically_twice(espeak_items):
    _require_espeak()
    item = espeak_items[2]  # noise, drawn from the seeded generator, is part of it
    first, second = _clip(item), _clip(item)
    assert first.dtype == np.float32 and first.size > RATE // 2
    assert np.array_equal(first, second)
    # and it is this item's draw that made it: another number gives another clip
    rng = np.random.default_rng([0, 10_000])
    settings = prosody.draw(item.prosody, rng)
    voice = {v.name: v for v in voices.VOICES}[item.voice]
    speech = voices.Synthesizer().speak(voice, item.text)
    other = augment.apply(prosody.apply(speech, settings), augment.draw(rng), rng)
    assert other.shape != first.shape or not np.array_equal(other, first)


def test_missing_espeak_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(voices.VoiceError, match="apt-get install espeak-ng"):
        voices.Synthesizer().speak(voices.VOICES[1], "Hello there.")


# --- 4. class prosody ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", sorted(prosody.PROFILES))
def test_class_draws_move_f0_and_duration_as_drawn(cls):
    source = _tone(150.0)
    reference = _median_f0(source)
    for seed in range(3):
        settings = prosody.draw(cls, np.random.default_rng(seed))
        out = prosody.apply(source, settings)
        assert out.dtype == np.float32
        shift = _semitones(_median_f0(out), reference)
        assert shift == pytest.approx(settings.pitch_st, abs=PITCH_TOLERANCE_ST)
        # rate: the duration is divided by the rate factor (Praat's duration factor)
        assert len(out) / len(source) == pytest.approx(1 / settings.rate_factor, rel=0.005)
        if cls in ("happy", "angry"):
            assert shift > 0.4
        elif cls == "sad":
            assert shift < -0.9


@pytest.mark.parametrize("pitch_st", [3.0, -3.0])
def test_pitch_shift_is_measured_in_semitones(pitch_st):
    source = _tone(150.0)
    out = prosody.apply(source, _draw(pitch_st=pitch_st))
    expected = 150.0 * 2 ** (pitch_st / 12)
    assert _semitones(_median_f0(out), expected) == pytest.approx(0, abs=PITCH_TOLERANCE_ST)


def test_lowering_stops_at_the_floor_and_never_lowers_a_low_voice():
    lowered = _median_f0(prosody.apply(_tone(100.0), _draw(pitch_st=-3.5)))
    assert _semitones(lowered, prosody.MIN_MEDIAN_HZ) == pytest.approx(0, abs=PITCH_TOLERANCE_ST)
    low = _median_f0(prosody.apply(_tone(80.0), _draw(pitch_st=-2.0)))
    assert _semitones(low, 80.0) == pytest.approx(0, abs=PITCH_TOLERANCE_ST)


def test_range_factor_scales_the_pitch_excursions():
    glide = harmonic(lambda t: 150 * 2 ** (2 * np.sin(2 * np.pi * 1.5 * t) / 12), 2.0)

    def span_st(samples):
        track, _ = pitch_tracks(praat_pitch(praat_sound(samples, RATE)), PitchSettings())
        st = 12 * np.log2(track.values[np.isfinite(track.values)] / 150.0)
        return np.percentile(st, 95) - np.percentile(st, 5)

    original = span_st(glide)
    assert original == pytest.approx(4.0, abs=0.3)
    for factor in (0.5, 1.5):
        out = prosody.apply(glide.astype(np.float32), _draw(range_factor=factor))
        assert span_st(out) / original == pytest.approx(factor, rel=0.1)


@pytest.mark.parametrize("gain_db", [-9.0, -3.0, 0.0, 4.0, 9.0])
def test_loudness_is_the_reference_level_plus_the_gain(gain_db):
    """Every voice is brought to the same level first: a quiet and a loud input of the
    same sound end at REFERENCE_RMS_DB + gain, tilt or not."""
    for amplitude, tilt in ((0.01, 0.0), (0.5, 0.0), (0.1, 0.5), (0.1, -0.4)):
        out = prosody.apply(_tone(amplitude=amplitude), _draw(gain_db=gain_db, tilt=tilt))
        expected = prosody.REFERENCE_RMS_DB + gain_db
        assert _rms_db(out) == pytest.approx(expected, abs=LEVEL_TOLERANCE_DB)


def test_loud_clips_are_limited_not_clipped():
    quiet = prosody.apply(_tone(), _draw(gain_db=0.0)).astype(np.float64)
    loud = prosody.apply(_tone(), _draw(gain_db=30.0)).astype(np.float64)
    assert np.max(np.abs(loud)) == pytest.approx(prosody.PEAK_LIMIT, abs=1e-6)
    # one scale factor for the whole clip: the waveform keeps its shape
    ratio = np.dot(loud, quiet) / np.dot(quiet, quiet)
    np.testing.assert_allclose(loud, ratio * quiet, atol=1e-5)


def test_tilt_brightens_and_darkens():
    source = _tone()
    centroids = [_spectral_centroid(prosody.apply(source, _draw(tilt=t))) for t in (-0.6, 0.0, 0.7)]
    assert centroids[0] < 0.95 * centroids[1] and centroids[2] > 1.1 * centroids[1]


# --- 5. augmentation -----------------------------------------------------------------------


@pytest.mark.parametrize("snr_db", augment.SNRS_DB)
@pytest.mark.parametrize("gain_db", [-6.0, 0.0, 4.5])
def test_noise_is_added_at_the_requested_snr(snr_db, gain_db):
    """The noise is scaled to the clip's own power, so with the signal known the SNR is
    exact: noise = out / gain - in. 0.05 dB allows for float32 output only (the brief's
    ~1 dB would let a wrong power reference pass)."""
    source = _tone(amplitude=0.2).astype(np.float64)
    out = augment.apply(
        source, augment.Augmentation(snr_db=snr_db, gain_db=gain_db), np.random.default_rng(3)
    )
    assert np.max(np.abs(out)) < 0.97  # no limiting, so the gain is known
    noise = out / 10 ** (gain_db / 20) - source
    measured = 10 * np.log10(np.mean(source**2) / np.mean(noise**2))
    assert measured == pytest.approx(snr_db, abs=0.05)


def test_the_noise_is_pink():
    """Pink noise has equal energy per octave (white noise gains 3 dB per octave)."""
    source = np.zeros(4 * RATE) + 1e-3
    out = augment.apply(source, augment.Augmentation(snr_db=0.0), np.random.default_rng(5))
    noise = out.astype(np.float64) - source
    power = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), 1 / RATE)
    octaves = [10 * np.log10(power[(freqs >= f) & (freqs < 2 * f)].sum()) for f in (200, 1600)]
    assert octaves[1] - octaves[0] == pytest.approx(0.0, abs=1.5)


@pytest.mark.parametrize("gain_db", [-6.0, -1.5, 2.0, 6.0])
def test_gain_is_exact(gain_db):
    source = _tone(amplitude=0.3)
    out = augment.apply(source, augment.Augmentation(gain_db=gain_db), np.random.default_rng(0))
    assert _rms_db(out) - _rms_db(source) == pytest.approx(gain_db, abs=1e-4)
    np.testing.assert_allclose(out, source * 10 ** (gain_db / 20), rtol=1e-6, atol=1e-9)


def test_augmented_clips_never_clip():
    loud = (_tone(amplitude=0.95) + white_noise(1.0, amplitude=0.02)).astype(np.float32)
    worst = augment.Augmentation(snr_db=15.0, gain_db=6.0, rt60=0.4, speed=1.05)
    outputs = [augment.apply(loud, worst, np.random.default_rng(0))]
    rng = np.random.default_rng(11)
    outputs += [augment.apply(loud, augment.draw(rng), rng) for _ in range(40)]
    for out in outputs:
        assert out.dtype == np.float32
        assert np.max(np.abs(out)) <= 0.97 + 1e-6  # the same limit as prosody: never 1.0
    assert np.max(np.abs(outputs[0])) == pytest.approx(0.97, abs=1e-6)


@pytest.mark.parametrize("speed", [0.95, 1.05])
def test_speed_divides_duration_and_scales_pitch_like_a_tape(speed):
    source = _tone(150.0)
    out = augment.apply(source, augment.Augmentation(speed=speed), np.random.default_rng(0))
    assert len(out) == pytest.approx(len(source) / speed, abs=2)
    assert _median_f0(out) / _median_f0(source) == pytest.approx(speed, rel=0.002)


def test_strength_zero_draws_no_augmentation_and_describes_it():
    rng = np.random.default_rng(0)
    assert all(augment.draw(rng, 0.0) == augment.Augmentation() for _ in range(50))
    assert augment.Augmentation().describe() == "none"
    drawn = [augment.draw(rng, 1.0) for _ in range(400)]
    # each kind is drawn at about its documented probability (binomial, 400 draws: +-0.08)
    for probability, used in (
        (augment.P_NOISE, [a.snr_db is not None for a in drawn]),
        (augment.P_GAIN, [a.gain_db != 0.0 for a in drawn]),
        (augment.P_REVERB, [a.rt60 is not None for a in drawn]),
        (augment.P_SPEED, [a.speed != 1.0 for a in drawn]),
    ):
        assert np.mean(used) == pytest.approx(probability, abs=0.08)


# --- 6. build end to end ---------------------------------------------------------------


@pytest.fixture(scope="module")
def asterisk_ready(asterisk_dir):
    require_path(ASTERISK_TRANSCRIPTS, "asterisk-core-sounds-en")
    return asterisk_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory, espeak_items, asterisk_ready):
    _require_espeak()
    out = tmp_path_factory.mktemp("synth")
    messages = []
    manifest = corpus.build(out, 0, say=messages.append, items=espeak_items)
    return out, manifest, messages


def test_build_writes_a_manifest_of_existing_16k_clips(built, espeak_items):
    out, manifest, messages = built
    assert manifest == out / "manifest.csv"
    assert messages[-1].startswith(f"wrote {manifest}")
    fields, rows = _read_csv(manifest)
    assert fields == MANIFEST_COLUMNS
    synthetic = [r for r in rows if r["speaker"] != corpus.ASTERISK_SPEAKER]
    assert [(r["label"], r["transcript"], r["speaker"], r["split"]) for r in synthetic] == [
        (i.label, i.text, i.voice, i.split) for i in espeak_items
    ]
    for row, item in zip(synthetic, espeak_items, strict=True):
        path = out / row["path"]
        assert path.is_file(), path
        recording = load_audio(path)
        assert recording.sample_rate == RATE and recording.n_channels == 1
        assert recording.duration > 0.5 and not recording.warnings
        # the clip built alone is the clip of the full corpus (draws keyed by plan place);
        # the file is 16-bit, hence one quantisation step
        written, _ = sf.read(path, dtype="float32")
        np.testing.assert_allclose(written, _clip(item), atol=1.5 / 32768)
    # the real prompts: 100 held out, 104 more labelled for training, the rest ASR only
    real = [r for r in rows if r["speaker"] == corpus.ASTERISK_SPEAKER]
    assert len(real) == len(asterisk_pairs())
    assert Counter((r["split"], r["label"]) for r in real) == {
        ("test", "neutral"): corpus.ASTERISK_TEST,
        ("train", "neutral"): corpus.ASTERISK_LABELLED_TRAIN,
        ("train", ""): len(real) - corpus.ASTERISK_TEST - corpus.ASTERISK_LABELLED_TRAIN,
    }
    assert all(r["transcript"] for r in real)


def test_every_real_prompt_in_the_manifest_decodes_to_16k(built):
    _, manifest, _ = built
    _, rows = _read_csv(manifest)
    for row in (r for r in rows if r["speaker"] == corpus.ASTERISK_SPEAKER):
        recording = load_audio(row["path"])
        samples = recording.for_model
        assert samples.size == pytest.approx(recording.duration * RATE, abs=2), row["path"]


def test_build_outputs_agree_with_each_other_and_the_loader(built, espeak_items):
    out, manifest, _ = built
    _, rows = _read_csv(manifest)
    examples = read_manifest(manifest)
    assert len(examples) == len(rows)
    assert all(Path(e.audio).is_file() for e in examples)
    # the two held-out sets partition the test rows
    _, synthetic_test = _read_csv(out / "test-synthetic.csv")
    _, real_test = _read_csv(out / "test-asterisk.csv")
    test_rows = [r for r in rows if r["split"] == "test"]
    assert sorted(map(str, synthetic_test + real_test)) == sorted(map(str, test_rows))
    assert {r["speaker"] for r in synthetic_test} <= set(voices.TEST_VOICES)
    # the synthetic training clips alone: no asterisk prompt, no test clip
    _, synthetic_train = _read_csv(out / "train-synthetic.csv")
    assert synthetic_train and all(r["split"] == "train" for r in synthetic_train)
    assert sorted(map(str, synthetic_train)) == sorted(
        str(r) for r in rows if r["split"] == "train" and r["speaker"] != corpus.ASTERISK_SPEAKER
    )
    # metadata: each clip's recorded prosody is the draw it has in the full corpus
    fields, meta = _read_csv(out / "metadata.csv")
    assert {"id", "text_class", "prosody", "voice", "sentence", "augmentation"} <= set(fields)
    assert {f"prosody_{k}" for k in ("pitch_st", "range_factor", "rate_factor")} <= set(fields)
    assert [m["id"] for m in meta] == [i.id for i in espeak_items]
    for row, item in zip(meta, espeak_items, strict=True):
        rng = np.random.default_rng([0, corpus.plan(0).index(item) + 1])
        settings = prosody.draw(item.prosody, rng)
        assert float(row["prosody_pitch_st"]) == pytest.approx(settings.pitch_st)
        assert float(row["prosody_gain_db"]) == pytest.approx(settings.gain_db)
        assert row["augmentation"] == augment.draw(rng).describe()
        assert (row["label"], row["text_class"], row["prosody"]) == (
            item.label,
            item.text_class,
            item.prosody,
        )


def test_corpus_card_says_synthetic_acted_prosody(built):
    out, manifest, _ = built
    card = (out / "CORPUS.md").read_text()
    plain = card.replace("*", "").lower()
    assert "acted, synthetic prosody" in plain
    assert "not: recordings of people feeling emotions" in plain
    assert "seed 0" in plain and "emostudio-train synth --out dir --seed 0" in plain
    # the card's count table is the manifest's
    _, rows = _read_csv(manifest)
    counts = Counter((r["split"], r["label"] or "(ASR only)") for r in rows)
    for split in ("train", "test"):
        cells = [str(counts[(split, c)]) for c in [*corpus.LABELS, "(ASR only)"]]
        assert f"| {split} | " + " | ".join(cells) + " |" in card


def test_rebuild_keeps_existing_clips(built, espeak_items, monkeypatch):
    out, manifest, _ = built
    before = manifest.read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("a clip already built was synthesised again")

    monkeypatch.setattr(voices.Synthesizer, "speak", refuse)
    assert corpus.build(out, 0, say=lambda _: None, items=espeak_items) == manifest
    assert manifest.read_bytes() == before


def test_build_refuses_items_outside_its_plan(tmp_path, plan0):
    stranger = corpus.Item("happy-99-0", "happy", 99, "Hooray!", "espeak-us-f1", "happy", "train")
    with pytest.raises(ValueError, match="happy-99-0"):
        corpus.build(tmp_path, 0, items=[plan0[0], stranger])
    other_seed = next(i for i in corpus.plan(1) if i not in set(plan0))
    with pytest.raises(ValueError, match=r"plan\(seed=0\)"):
        corpus.build(tmp_path, 0, items=[other_seed])
    with pytest.raises(ValueError, match="items is empty"):
        corpus.build(tmp_path, 0, items=[])
    assert not any(tmp_path.iterdir())


def test_cli_without_the_asterisk_prompts_fails_at_once_in_one_line(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "core-sounds-en.txt.gz"
    monkeypatch.setattr(corpus, "asterisk_pairs", lambda: asterisk_pairs(transcripts=missing))

    def refuse(*args, **kwargs):
        raise AssertionError("synthesised before checking the asterisk prompts")

    monkeypatch.setattr(voices.Synthesizer, "speak", refuse)
    out = tmp_path / "corpus"
    assert main(["synth", "--out", str(out), "--seed", "0"]) == 2
    err = capsys.readouterr().err
    assert "apt-get install asterisk-core-sounds-en" in err and "Traceback" not in err
    assert not out.exists()
