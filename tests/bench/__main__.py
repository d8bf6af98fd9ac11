"""``python -m tests.bench``: the benchmark's command line (tests/bench/core.py)."""

import sys

from tests.bench.core import main

sys.exit(main())
