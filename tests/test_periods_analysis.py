"""Sweeps, trade-off curve, budget response, attribution and greedy on tiny parks over two periods.

Periods 2025-2029 and 2030-2034, discount rate 0: each period weighs 5 years.
``park`` is the park of :mod:`tests.test_analysis` (its docstring has the
per-year arithmetic): electricity 2*(100 - cut) + capex/10 of the measures
funded (none 200, M1+M2 75, all three 39 /yr) and the waste link with its
tier 15/yr against 540/yr without it.
"""

from __future__ import annotations

import pytest

from eipopt import ScenarioSolver
from eipopt.analysis import attribute, budget_response, greedy_comparison, pareto_front
from eipopt.sweep import sweep
from tests.test_analysis import park
from tests.tiny import electricity

TWO = {"years": [2025, 2030], "end": 2034}


def test_sweep_over_periods():
    """recp limit 0: no measure, 10 x (200 + 15) = 2,150; limit 150: M1 + M2, 10 x (75 + 15) = 900."""
    rows = sweep(park(periods=TWO), {"budgets.recp.limit": [0, 150]})
    assert rows["total_cost"].tolist() == pytest.approx([2150, 900])


def test_pareto_front_caps_cumulative_co2e():
    """M1 (cuts 40 MWh for 10/yr) pays; C1 cuts 20 t/yr for 50/yr, C2 5 t/yr for 30/yr.

    Least cost: M1 from 2025, 10 x 130 = 1,300 and 10 x 30 = 300 t. Least CO2e: all from 2025,
    10 x 5 = 50 t at 10 x 210 = 2,100. Middle cap (300 + 50) / 2 = 175 t needs 125 t cut over
    the horizon: C1 from 2025 cuts 100 t per period for 250 (500 in all); C1 and C2 from 2030 cut
    exactly 125 t for 5 x 80 = 400, the cheapest. Point: 1,700 and 175 t.
    """
    m1 = {"id": "M1", "firm": "F", "capex": 100, "lifetime_years": 10}
    c1 = {"id": "C1", "firm": "F", "opex_change": 50, "direct_co2_change": -20}
    c2 = {"id": "C2", "firm": "F", "opex_change": 30, "direct_co2_change": -5}
    scenario = electricity({"periods": TWO}, measures=[m1, c1, c2], effects=[{"measure": "M1", "resource": "elec", "demand_change": -40}])
    front = pareto_front(scenario, points=3)
    points = front.points.set_index("kind")
    assert points.at["least_cost", "total_cost"] == pytest.approx(1300)
    assert points.at["least_co2", "total_co2"] == pytest.approx(50)
    assert points.at["epsilon", "epsilon"] == pytest.approx(175)
    assert points.at["epsilon", "total_cost"] == pytest.approx(1700)
    assert points.at["epsilon", "total_co2"] == pytest.approx(175)


def test_budget_response_of_a_first_period_budget():
    """recp limits only what is built in 2025; later builds are free of it.

    Limit 0: the measures wait for 2030, all three then: 5 x (200 + 15) + 5 x (39 + 15) = 1,345.
    Limit 150: M1 + M2 in 2025, M3 in 2030: 5 x (75 + 15) + 5 x (39 + 15) = 720.
    """
    scenario = park(periods=TWO).with_overrides({"budgets.recp.period": 2025})
    response = budget_response(scenario, "recp", [0, 150])
    assert response.levels["total_cost"].tolist() == pytest.approx([1345, 720])


def test_attribution_rules_an_item_out_in_every_period():
    """Without the link (and so its tier) the waste costs 540/yr instead of 15: 10 x 525 = 5,250."""
    solver = ScenarioSolver()
    attribution = attribute(park(periods=TWO), solver=solver)
    items = attribution.items.set_index("item")
    assert items.at["L", "delta_cost"] == pytest.approx(5250)
    assert "L" not in items.at["L", "replaced_by"].split(";")


def test_greedy_over_periods_is_ten_years_of_the_single_year_greedy():
    """Nothing changes over time, so the greedy portfolio is built in 2025 and costs 10 x its single-year cost."""
    single = greedy_comparison(park()).comparison.set_index("portfolio")
    over_periods = greedy_comparison(park(periods=TWO)).comparison.set_index("portfolio")
    for portfolio in ("optimal", "greedy"):
        assert over_periods.at[portfolio, "total_cost"] == pytest.approx(10 * single.at[portfolio, "total_cost"])
    assert over_periods.at["greedy", "total_cost"] >= over_periods.at["optimal", "total_cost"]


def test_the_baseline_is_solved_once_across_caps_and_carbon_prices(monkeypatch):
    """A trade-off curve changes only the plan's cap (and a sweep perhaps the carbon price): one baseline solve."""
    from eipopt.model import ParkModel

    fixes = []
    original = ParkModel.fix_baseline
    monkeypatch.setattr(ParkModel, "fix_baseline", lambda self: (fixes.append(1), original(self))[1])
    solver = ScenarioSolver()
    scenario = electricity({"periods": TWO, "constraints": {"max_co2_total": 500}})
    for value in (500, 480, 460):
        solver.solve(scenario.with_overrides({"constraints.max_co2_total": value, "carbon_price": value}))
    assert len(fixes) == 1


def test_a_future_number_is_re_parameterised_not_rebuilt():
    """Sweeping the 2030 capex of the link re-uses one built model and gives the fresh solves' optima.

    Capex 3,000 from 2025 and 200 from 2030: the link waits (7,740, see test_periods_model);
    at 3,000 from 2030 too it is built in 2025 at 10 x (980 - 412 + 280) = 8,480.
    """
    from tests.tiny import waste_to_feed

    scenario = waste_to_feed({"periods": TWO}, link={"capex": 3000}, profiles=[{"key": "links.L.capex", "period": 2030, "value": 200}])
    solver = ScenarioSolver()
    totals = [solver.solve(scenario.with_overrides({"profiles.links.L.capex:2030.value": v})).summary["total_cost"] for v in (200, 3000)]
    assert totals == pytest.approx([7740, 8480])
    assert solver.rebuilds == 1
