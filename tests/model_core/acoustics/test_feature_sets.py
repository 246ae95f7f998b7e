"""eGeMAPS v02 through opensmile: the values are opensmile's own, with units and clear errors."""

from __future__ import annotations

import numpy as np
import opensmile
import pytest

from model_core.acoustics.feature_sets import (
    EGEMAPS,
    MIN_EGEMAPS_DURATION,
    FeaturesTooShortError,
    SilentClipError,
    extract_features,
    feature_unit,
)
from model_core.audio import AudioTooShortError, recording_from_array
from model_core.errors import EmoStudioError
from tests.helpers.signals import RATE, harmonic, silence, syllable_train, white_noise


def opensmile_reference(samples: np.ndarray, rate: int = RATE) -> tuple[list[str], np.ndarray]:
    """The package's own answer, called the way its documentation shows."""
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    frame = smile.process_signal(samples, rate)
    return list(frame.columns), frame.to_numpy(dtype=np.float64)[0]


def test_values_are_opensmiles_own():
    recording = recording_from_array(syllable_train(4, f0=180.0), RATE)
    features = extract_features(recording)
    names, expected = opensmile_reference(recording.for_model)
    assert features.name == EGEMAPS and list(features.names) == names
    assert features.values.shape == (88,) and features.values.dtype == np.float64
    np.testing.assert_allclose(features.values, expected, rtol=0, atol=1e-6)
    assert (features.start, features.end) == (0.0, recording.duration)
    assert "opensmile 2." in features.versions["opensmile"] and features.versions["numpy"]


def test_a_selection_is_measured_alone():
    recording = recording_from_array(syllable_train(6), RATE)
    features = extract_features(recording, 0.5, 1.25)
    _, expected = opensmile_reference(recording.for_model[8000:20000])
    np.testing.assert_allclose(features.values, expected, rtol=0, atol=1e-6)
    assert (features.start, features.end) == (0.5, 1.25)


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("F0semitoneFrom27.5Hz_sma3nz_amean", "st (re 27.5 Hz)"),
        ("F0semitoneFrom27.5Hz_sma3nz_pctlrange0-2", "st"),
        ("F0semitoneFrom27.5Hz_sma3nz_meanRisingSlope", "st/s"),
        ("F0semitoneFrom27.5Hz_sma3nz_stddevNorm", ""),
        ("loudness_sma3_percentile50.0", "sone"),
        ("jitterLocal_sma3nz_amean", "fraction"),
        ("shimmerLocaldB_sma3nz_amean", "dB"),
        ("HNRdBACF_sma3nz_amean", "dB"),
        ("F2frequency_sma3nz_amean", "Hz"),
        ("F3bandwidth_sma3nz_amean", "Hz"),
        ("F1amplitudeLogRelF0_sma3nz_amean", "dB"),
        ("alphaRatioUV_sma3nz_amean", "dB"),
        ("slopeV0-500_sma3nz_amean", "dB/Hz"),
        ("mfcc3V_sma3nz_amean", ""),
        ("loudnessPeaksPerSec", "1/s"),
        ("VoicedSegmentsPerSec", "1/s"),
        ("MeanUnvoicedSegmentLength", "s"),
        ("equivalentSoundLevel_dBp", "dB"),
    ],
)
def test_units_follow_the_names(name, unit):
    assert feature_unit(name) == unit


def test_every_functional_has_a_unit_and_a_new_name_is_refused():
    features = extract_features(recording_from_array(syllable_train(2), RATE))
    assert len(features.units) == 88
    with pytest.raises(KeyError):
        feature_unit("someNewDescriptor_sma3_amean")


def test_the_minimum_duration_is_where_opensmile_starts_giving_values():
    voice = harmonic(150.0, 0.2)
    shortest = round(MIN_EGEMAPS_DURATION * RATE)
    with pytest.warns(UserWarning):  # opensmile: "Segment too short, filling with NaN"
        assert np.isnan(opensmile_reference(voice[: shortest - 1])[1]).all()
    assert np.isfinite(opensmile_reference(voice[:shortest])[1]).all()
    assert np.isfinite(extract_features(recording_from_array(voice[:shortest], RATE)).values).all()
    with pytest.raises(FeaturesTooShortError) as caught:
        extract_features(recording_from_array(voice[: round(0.04 * RATE)], RATE))
    message = str(caught.value)
    assert "clip too short for eGeMAPS: 0.04 s; it needs at least 0.06 s" in message
    assert isinstance(caught.value, AudioTooShortError) and isinstance(caught.value, EmoStudioError)


def test_an_empty_selection_and_silence_are_clear_errors():
    recording = recording_from_array(syllable_train(3), RATE)
    with pytest.raises(FeaturesTooShortError, match="0 s"):
        extract_features(recording, 5.0, 6.0)  # past the end: nothing left
    with pytest.raises(SilentClipError, match="silence"):
        extract_features(recording_from_array(silence(1.0), RATE))
    with pytest.raises(SilentClipError):
        extract_features(recording_from_array(np.zeros(RATE), RATE))


def test_voiced_functionals_of_a_clip_without_voice_are_not_measurable():
    features = extract_features(recording_from_array(white_noise(1.0), RATE))
    values = features.as_dict()
    assert np.isnan(values["F0semitoneFrom27.5Hz_sma3nz_amean"])
    assert np.isnan(values["F1amplitudeLogRelF0_sma3nz_amean"])  # opensmile says -201 dB
    assert np.isfinite(values["alphaRatioUV_sma3nz_amean"])  # unvoiced ones stay
    assert np.isfinite(values["loudness_sma3_amean"])


def test_clips_measured_on_several_threads_are_each_measured_as_alone():
    from model_core.acoustics.egemaps import egemaps_of_clips

    clips = [
        syllable_train(n, f0=f0).astype(np.float32)
        for n, f0 in ((2, 120.0), (3, 180.0), (4, 240.0), (2, 300.0), (5, 150.0))
    ]
    together = egemaps_of_clips(clips, RATE, workers=3)
    assert together.shape == (5, 88)
    for clip, row in zip(clips, together, strict=True):
        np.testing.assert_allclose(row, opensmile_reference(clip)[1], rtol=0, atol=1e-6)
    assert not np.allclose(together[0], together[1])  # rows are the clips', in order
    assert egemaps_of_clips([], RATE).shape == (0, 88)


def test_a_recording_is_measured_at_its_own_rate_and_a_selection_in_its_samples():
    rate = 22_050  # the model's 16 kHz copy would give other spectral slopes
    samples = syllable_train(6, rate=rate)
    recording = recording_from_array(samples, rate)
    features = extract_features(recording, 0.5, 1.25)
    _, expected = opensmile_reference(samples[11025:27562].astype(np.float32), rate)
    np.testing.assert_allclose(features.values, expected, rtol=0, atol=1e-6)
    assert features.sample_rate == rate and features.to_json()["sample_rate"] == rate
    assert (features.start, features.end) == (11025 / rate, 27562 / rate)
