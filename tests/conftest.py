"""Shared fixtures: tiny scenarios written as Python literals, and the shipped ones."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.tiny import make_scenario  # noqa: F401  (re-exported for test modules)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

# The suite starts with an empty cache of unit answers (and of pint's
# definitions), its own: a user's cache neither helps nor hides a failure, and
# the suite and the subprocesses it starts exercise both the cached and the
# uncached path.
os.environ["EIPOPT_CACHE_DIR"] = tempfile.mkdtemp(prefix="eipopt-test-cache-")


@pytest.fixture
def khanh_phu_path() -> Path:
    return SCENARIOS / "khanh_phu"
