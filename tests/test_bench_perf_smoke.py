"""Smoke test of the performance benchmark (``benchmarks/perf.py``): not a timing, a check that it still runs.

The benchmark itself is a separate command (``make bench-perf``); here only
its verdict arithmetic and its same-model check between eipopt and the linopy
port, on the two-firm Khanh Phu park (skipped without the ``bench`` extra).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import eipopt
from benchmarks import perf
from benchmarks.perf_report import Target
from eipopt.model.data import model_data

KHANH_PHU = Path(__file__).resolve().parents[1] / "scenarios" / "khanh_phu"


def test_target_verdicts_say_by_how_much_a_target_is_missed():
    assert Target("upper bound", 0.9, 1.0, at_most=True).verdict == "met"
    assert Target("upper bound", 2.5, 1.0, at_most=True).verdict == "missed by 2.5×"
    assert Target("lower bound", 1.8, 1.7, at_most=False).verdict == "met"
    assert Target("lower bound", 0.5, 1.3, at_most=False).verdict == "missed by 2.6×"  # 1.3 / 0.5
    assert Target("not run", None, 1.0, at_most=True).verdict == "not measured"
    assert Target("both at the time limit", 1.0, 1.1, at_most=True, caveat="no verdict").verdict == "no verdict"


def test_linopy_port_is_the_same_model_as_eipopt():
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    scenario = eipopt.load_scenario(KHANH_PHU)
    assert "relative difference 0.0e+00" in perf.assert_same_model("khanh_phu", scenario, relaxation=False)


def test_same_model_check_fails_when_the_port_solves_other_numbers(monkeypatch):
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    scenario = eipopt.load_scenario(KHANH_PHU)
    dearer = scenario.with_overrides({"resources.electricity.buy_price": 2 * scenario.resources.set_index("id").at["electricity", "buy_price"]})
    monkeypatch.setattr(perf, "model_data", lambda _: model_data(dearer))  # the linopy side only
    with pytest.raises(AssertionError, match="optimum"):
        perf.assert_same_model("khanh_phu", scenario, relaxation=False)
