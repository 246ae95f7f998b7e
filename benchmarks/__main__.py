"""``python -m benchmarks WHAT``: EmoStudio's development benchmarks (see ``benchmarks/README.md``)."""

import sys

from benchmarks.cli import main

sys.exit(main())
