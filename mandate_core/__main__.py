"""Entry point for ``python -m mandate_core``."""

import sys

from .cli import main

sys.exit(main())
