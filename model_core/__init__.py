"""EmoStudio's model core: audio, acoustics, cues, model and grounding.

This package never imports Qt, ``emostudio`` or ``train`` (see docs/ARCHITECTURE.md); a test
in ``tests/test_layers.py`` enforces it.
"""

__version__ = "0.1.0"
