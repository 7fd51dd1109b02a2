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

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
KHANH_PHU = SCENARIOS / "khanh_phu"


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


def test_linopy_port_is_the_same_model_on_hiep_phuoc():
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    assert "relative difference 0.0e+00" in perf.assert_same_model("hiep_phuoc", scenario, relaxation=False)


def test_linopy_port_weights_one_period_of_several_years_like_eipopt():
    """One period 2025-2034: the objective is the discount weight (6.76 at 10 %) times the annual cost,
    the horizon CO2e cap ten times the annual CO2e: the port must weigh both as eipopt does."""
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    decade = eipopt.load_scenario(KHANH_PHU).with_overrides(
        {"periods.years": "2025", "periods.end": 2034, "constraints.max_co2_total": 1e6}
    )
    assert "relative difference 0.0e+00" in perf.assert_same_model("khanh_phu 2025-2034", decade, relaxation=False)


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("khanh_phu_expansion", "single-period models only; this scenario has 19 periods"),
        ("geipp_a2f", "no financing families"),
        ("hiep_phuoc_water", "no water-quality family"),
    ],
)
def test_linopy_port_refuses_what_it_does_not_cover(scenario, reason):
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    from benchmarks.linopy_park import NotCovered, build_linopy

    with pytest.raises(NotCovered, match=reason):
        build_linopy(model_data(eipopt.load_scenario(SCENARIOS / scenario)))


def test_same_model_check_fails_when_the_port_solves_other_numbers(monkeypatch):
    pytest.importorskip("linopy", reason="the linopy port needs the bench extra: pip install -e '.[bench]'")
    scenario = eipopt.load_scenario(KHANH_PHU)
    dearer = scenario.with_overrides({"resources.electricity.buy_price": 2 * scenario.resources.set_index("id").at["electricity", "buy_price"]})
    monkeypatch.setattr(perf, "model_data", lambda _: model_data(dearer))  # the linopy side only
    with pytest.raises(AssertionError, match="optimum"):
        perf.assert_same_model("khanh_phu", scenario, relaxation=False)
