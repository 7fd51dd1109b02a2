"""The three objectives and the baseline, on tiny scenarios computed by hand."""

from __future__ import annotations

import pytest

import eipopt
from tests.tiny import electricity, waste_to_feed


def _green_options(settings: dict | None = None):
    """Two alternative measures each cutting 20 tCO2e/yr directly, 100/yr and 200/yr, one group."""
    cheap = {"id": "green", "firm": "F", "capex": 1000, "lifetime_years": 10, "direct_co2_change": -20, "group": "g"}
    dear = {"id": "green_dear", "firm": "F", "capex": 2000, "lifetime_years": 10, "direct_co2_change": -20, "group": "g"}
    return electricity(settings=settings, measures=[cheap, dear])


def test_cost_objective_ignores_co2():
    """Neither measure saves money: cost 200, CO2e 50."""
    result = eipopt.solve(_green_options())
    assert result.summary["objective"] == "cost"
    assert result.summary["total_cost"] == pytest.approx(200)
    assert result.summary["measures_funded"] == []


def test_co2_objective_is_lexicographic():
    """Least CO2e is 30 (either measure); at 30 the least cost is 200 + 100 = 300 (the cheap one)."""
    result = eipopt.solve(_green_options(), objective="co2")
    assert result.summary["objective"] == "co2"
    assert result.summary["total_co2"] == pytest.approx(30)
    assert result.summary["objective_value"] == pytest.approx(30)
    assert result.summary["total_cost"] == pytest.approx(300)
    assert result.summary["measures_funded"] == ["green"]


def test_co2_objective_prefers_the_cheaper_of_equal_co2_links():
    """Sending waste to feed cuts CO2e; with two equal links, stage 2 picks the one with lower fixed opex."""
    links = [
        {"id": "L1", "source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "yield": 0.8,
         "capacity": 50, "fixed_opex": 900},
        {"id": "L2", "source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "yield": 0.8,
         "capacity": 50, "fixed_opex": 300},
    ]
    result = eipopt.solve(waste_to_feed(links=links), objective="co2")
    # all 50 t sent on L2: CO2e = (60 - 40) * 0.2 = 4; cost = 20*8 + 300 = 460
    assert result.summary["total_co2"] == pytest.approx(4)
    assert result.summary["total_cost"] == pytest.approx(460)
    assert result.summary["links_built"] == ["L2"]


@pytest.mark.parametrize(("carbon_price", "funded"), [(4, []), (6, ["green"])])
def test_weighted_objective_switches_at_the_carbon_price(carbon_price, funded):
    """The cheap measure costs 100/yr for 20 t: it pays above a carbon price of 5/t.

    Objective = cost + price * CO2e: at 4, 200 + 4*50 = 400; at 6, 300 + 6*30 = 480.
    """
    result = eipopt.solve(_green_options({"objective": "weighted", "carbon_price": carbon_price}))
    assert result.summary["measures_funded"] == funded
    expected = 200 + 4 * 50 if carbon_price == 4 else 300 + 6 * 30
    assert result.summary["objective_value"] == pytest.approx(expected)


def test_baseline_infeasible_reports_no_savings():
    """B needs 30 t feed, which cannot be bought: only the new link (capacity 50 t, yield 0.8)
    can serve it, so the baseline is infeasible and no savings are invented.

    Optimum: send 37.5 t (delivers 30 t), dispose of 12.5 t: 125 + 20 + 30 + 37.5 = 212.5.
    """
    resources = [{"id": "waste", "unit": "t", "disposal_cost": 10}, {"id": "feed", "unit": "t"}]
    flows = [{"firm": "A", "resource": "waste", "generation": 50}, {"firm": "B", "resource": "feed", "demand": 30}]
    result = eipopt.solve(waste_to_feed(resources=resources, flows=flows, link={"capacity": 50}))
    assert result.status == "optimal"
    assert result.summary["baseline_status"] == "infeasible"
    assert result.summary["baseline_cost"] is None
    assert result.summary["cost_savings"] is None
    assert result.summary["co2_reduction"] is None
    assert any("B needs 30" in line for line in result.summary["baseline_infeasibility"])
    assert result.summary["total_cost"] == pytest.approx(212.5)


def test_unbounded_is_reported_with_exit_code_4():
    """Feed sells at 9 and buys at 8 with no limits: buying to sell is unbounded."""
    resources = [{"id": "waste", "unit": "t", "disposal_cost": 10}, {"id": "feed", "unit": "t", "buy_price": 8, "sell_price": 9}]
    result = eipopt.solve(waste_to_feed(resources=resources))
    assert result.status == "unbounded"
    assert result.exit_code == 4
