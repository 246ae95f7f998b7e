"""``emostudio-train``: the training command line.

Its subcommands (datasets, rationales, training, evaluation, the synthetic
corpus) arrive with the train package; until then it says so and exits non-zero
rather than pretending to train.
"""

from __future__ import annotations

import argparse

from train import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emostudio-train",
        description="Fine-tune EmoStudio's EmoReasoner model (task-alternating LoRA).",
    )
    parser.add_argument("--version", action="version", version=f"emostudio-train {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("emostudio-train: no training commands are available in this version yet.")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
