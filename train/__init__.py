"""Fine-tuning EmoReasoner: datasets, reasoning-augmented targets, task-alternating LoRA.

This package never imports Qt or ``emostudio`` (see docs/ARCHITECTURE.md).
"""

__version__ = "0.1.0"
