"""A local Ray instance (2 CPUs, loopback only), a tiny model and a folder of real speech."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile as sf


@pytest.fixture(scope="module")
def local_ray():
    """Ray on this machine for the module's tests; the imports under test join it."""
    ray = pytest.importorskip("ray", reason="the [cluster] extra is not installed")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        logging_level="ERROR",
        log_to_driver=False,
    )
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A randomly initialised EmoReasoner checkpoint folder with Whisper tiny.en's weights."""
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    folder = tmp_path_factory.mktemp("tiny")
    config = tiny_config(folder, speech_encoder="whisper-tiny.en", speech_encoder_config=None)
    return EmoReasoner(config, pick_placement("cpu")).save_pretrained(folder / "model")


def speech_folder(root, asterisk_files, *, speakers: bool = False):
    """Real prompts (two copies of each at other gains: more files, distinct contents), one
    joined recording of four, a broken file and a second copy of one prompt."""
    root.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(asterisk_files):
        samples, rate = sf.read(path, dtype="float32")
        for gain in (1.0, 0.7):
            speaker = f"s{i % 2}" if speakers else "x"
            sf.write(root / f"{speaker}_{path.stem}_{gain}.wav", samples * gain, rate)
    rate = sf.info(asterisk_files[0]).samplerate
    joined = [np.zeros(rate, np.float32)]
    for path in asterisk_files[:4]:
        samples, its_rate = sf.read(path, dtype="float32")
        assert its_rate == rate
        joined += [samples, np.zeros(int(1.5 * rate), np.float32)]
    sf.write(root / "s0_joined.wav", np.concatenate(joined), rate)
    (root / "s1_broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    first = root / f"{'s0' if speakers else 'x'}_{asterisk_files[0].stem}_1.0.wav"
    shutil.copy(first, root / "s0_copy.wav")
    return root
