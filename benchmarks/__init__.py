"""EmoStudio's development benchmarks: run from a checkout (``python -m benchmarks``), never
shipped in the wheel; see ``benchmarks/README.md``."""
