"""The fit config: paths in it are relative to the file, whatever the data spec."""

from __future__ import annotations

import pytest

from train.config import FitConfig
from train.datasets import PATH_KINDS


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_every_data_spec_path_is_relative_to_the_config(tmp_path, kind):
    folder = tmp_path / "recipes"
    folder.mkdir()
    (folder / "fit.toml").write_text(
        f'[data]\ntrain = ["{kind}:../corpus", "asterisk-test"]\n'
        '[training]\noutput = "../run"\ncache_dir = "../cache"\n'
    )
    config = FitConfig.load(folder / "fit.toml")
    assert config.data.train == [f"{kind}:{folder / '../corpus'}", "asterisk-test"]
    assert config.training.cache_dir == str(folder / "../cache")
    assert config.training.output == str(folder / "../run")
