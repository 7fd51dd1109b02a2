"""Shared fixtures: tiny scenarios written as Python literals, and the shipped ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiny import make_scenario  # noqa: F401  (re-exported for test modules)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def khanh_phu_path() -> Path:
    return SCENARIOS / "khanh_phu"
