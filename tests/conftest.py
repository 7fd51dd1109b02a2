"""Shared fixtures: tiny scenarios written as Python literals, and the shipped ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from eipopt.model import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def make_scenario(settings: dict | None = None, **tables: list[dict]) -> Scenario:
    """A validated scenario from rows given as dicts (cells as the CSV would hold them)."""
    settings = {"name": "tiny", "discount_rate": 0, **(settings or {})}
    raw = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows).astype(object).where(pd.DataFrame(rows).notna(), "")
        frame = frame.map(lambda v: "" if v is None else str(v))
        frame.index = range(2, len(frame) + 2)
        raw[name] = frame
    return Scenario.from_raw(settings, raw)


@pytest.fixture
def khanh_phu_path() -> Path:
    return SCENARIOS / "khanh_phu"
