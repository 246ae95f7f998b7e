"""kill -9 while a checkpoint is saved: the folder is a whole checkpoint of one save, or absent."""

from __future__ import annotations

import time

import numpy as np
import pytest

from model_core.devices import pick_placement
from model_core.model.reasoner import EmoReasoner
from tests.faults.child_save import stamp, stamps
from tests.faults.killing import complete_lines, kill, python, start, wait_for

pytestmark = pytest.mark.slow
KILLS = 3


def test_a_killed_save_leaves_a_whole_checkpoint_or_none(tmp_path):
    rng = np.random.default_rng(13)
    destination, cpu = tmp_path / "checkpoint", pick_placement("cpu")
    for round_ in range(KILLS):
        log = tmp_path / f"save-{round_}.log"
        process = start(python("tests.faults.child_save", str(tmp_path)), log)
        assert wait_for(log, "ready", process), log.read_text()[-3000:]
        time.sleep(float(rng.uniform(0.0, 1.5)))  # saves take tens of milliseconds each
        assert kill(process)
        saved = [int(line) for line in complete_lines(log) if line.isdigit()]
        if destination.exists():
            (value,) = stamps(EmoReasoner.from_pretrained(destination, cpu))  # one save, whole
            # The last save that returned, or the one the kill interrupted after its rename.
            assert saved and value in (saved[-1], saved[-1] + 1), (value, saved[-3:])
        else:
            assert not saved  # killed before the first save was in place
    # The next save works and tidies what the killed ones left beside it.
    model = EmoReasoner.from_pretrained(destination, cpu)
    stamp(model, 1000)
    model.save_pretrained(destination)
    assert stamps(EmoReasoner.from_pretrained(destination, cpu)) == {1000.0}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".checkpoint")) == []
