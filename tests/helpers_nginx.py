"""The one gate of the tests that need Debian's nginx: skipped loudly without it, failed under CI."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """CI sets CI=true (.ci/run): there a missing tool is a failure, never a quiet skip."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_or_skip(present: bool, reason: str) -> None:
    """Go on when ``present``; else skip with ``reason`` (``-ra`` lists it), or fail in CI."""
    if present:
        return
    if in_ci():
        pytest.fail(f"{reason}. CI=true requires it (.ci/run installs nginx).", pytrace=False)
    pytest.skip(reason)
