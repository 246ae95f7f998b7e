"""Fault injection: kill -9, a full disk, an unplugged microphone; and privacy checks.

Faults injected by one run of this folder (seeded, so the same each run):

* kill -9 of a process group: 14 -- 5 take writers (``test_kill_recording``), 3 weight
  conversions (``test_kill_weights``), 3 checkpoint-saving loops (``test_kill_checkpoint``),
  3 ``emostudio-train fit`` runs (``test_kill_training``; the last may find the run ended).
  ``tests/emostudio/store/test_import.py`` adds 20 kills of ``emostudio import``.
* disk full during ``emostudio import``: 2 -- a file-size limit (EFBIG) and, as root, a
  full tmpfs (ENOSPC) (``test_disk_full``).
* input device lost mid-take: 2 -- a stream that turns inactive and fails to stop, and one
  that goes silent (``test_recording_faults``).

Total: 18, plus two states a kill leaves built by hand (a killed take's header, checkpoint
folders moved aside or half deleted).
"""
