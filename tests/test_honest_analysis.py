"""Numbers inside the MIP gap are not presented as findings: attribution, budget response and Pareto
front mark them, and the analyses solve with a gap tight enough that the shipped parks have none.

The analyses are driven here by a scripted solver that returns results with
the costs and absolute gaps given in each test (the arithmetic is in the
docstrings); the real solver is used for the default-gap check.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from eipopt.analysis import attribute, budget_response, pareto_front, parse_steps
from eipopt.analysis.tables import ANALYSIS_MIP_GAP, stage_difference, within_gap
from eipopt.cli import main
from eipopt.result import Result
from eipopt.solvers import highs
from tests.conftest import SCENARIOS
from tests.tiny import electricity, saving


def result(cost: float, co2: float, gaps: dict, funded=(), objective: str = "cost", limit: float = 0.0) -> Result:
    """A solved result with these annual cost and CO2e, absolute gaps by stage, and funded measures."""
    value = {"cost": cost, "co2": co2}.get(objective, cost)
    summary = {
        "status": "optimal", "objective": objective, "objective_value": value, "total_cost": cost, "total_co2": co2,
        "cost_savings": 1000 - cost, "co2_reduction": 100 - co2, "capex_total": 0.0, "mip_gap": 0.0,
        "absolute_gaps": gaps, "measures_funded": list(funded), "links_built": [], "tiers_built": [],
        "budgets": {"recp": {"limit": limit, "used": 0.0}},
    }
    return Result(summary, {})


class ScriptedSolver:
    """Stands in for ScenarioSolver: ``by_forbidden`` maps a forbidden item (None: none) to its result,
    or ``sequence`` gives results in call order."""

    def __init__(self, by_forbidden=None, sequence=()):
        self.by_forbidden = by_forbidden or {}
        self.sequence = list(sequence)

    def solve(self, scenario, objective=None, *, forbid=(), force=(), least_co2_at_cost=False):
        if self.sequence:
            return self.sequence.pop(0)
        return self.by_forbidden[next(iter(forbid), None)]


def two_measures():
    rows = [saving("M1", 10, 100), saving("M2", 10, 100)]
    budget = {"budgets": [{"id": "recp", "limit": 200, "applies_to": "measures"}]}
    return electricity(budget, measures=[m for m, _ in rows], effects=[e for _, e in rows])


def test_within_gap_by_hand():
    """A difference of 3 with gaps 5 + 4 = 9 is inside; 20 is outside; with no gap (0) even 0.5 is a finding;
    an unknown gap hides anything."""
    assert within_gap(3.0, 9.0, 1000.0)
    assert within_gap(-3.0, 9.0, 1000.0)
    assert not within_gap(20.0, 9.0, 1000.0)
    assert not within_gap(0.5, 0.0, 1000.0)
    assert within_gap(20.0, None, 1000.0)


def test_lexicographic_difference_falls_to_the_cost_stage_on_an_exact_co2_tie():
    """Same CO2e (40) with no CO2e gap: the cost stage decides, 1010 - 1000 = 10 against cost gaps 6 + 6 = 12: inside."""
    before = result(1000, 40, {"co2": 0.0, "cost": 6.0}, objective="co2")
    after = result(1010, 40, {"co2": 0.0, "cost": 6.0}, objective="co2")
    assert stage_difference(before, after, "co2") == (pytest.approx(10.0), pytest.approx(12.0), True)
    cleaner = result(1010, 35, {"co2": 1.0, "cost": 6.0}, objective="co2")
    assert stage_difference(before, cleaner, "co2") == (pytest.approx(-5.0), pytest.approx(1.0), False)


def test_attribution_marks_contributions_inside_the_gap():
    """Optimum cost 1000 (gap 5). Without M1: 1003 (gap 4): Δ 3 <= 9, not significant, no delta shown.
    Without M2: 997 (gap 4): a 'negative contribution' of -3, inside the gap: not significant either.
    With a bigger optimum gap nothing changes; with exact solves (gap 0) both are findings."""
    optimum = result(1000, 50, {"cost": 5.0}, funded=("M1", "M2"))
    solver = ScriptedSolver({None: optimum, "M1": result(1003, 52, {"cost": 4.0}, ("M2",)), "M2": result(997, 51, {"cost": 4.0}, ("M1",))})
    items = attribute(two_measures(), "cost", solver=solver).items.set_index("item")
    assert not items["significant"].any()
    assert items["gap"].tolist() == pytest.approx([9.0, 9.0])
    assert items["delta_cost"].isna().all()
    assert items["delta_co2"].isna().all()
    assert items.loc["M2", "total_cost_without"] == 997  # what was measured stays visible

    exact = ScriptedSolver({None: result(1000, 50, {"cost": 0.0}, ("M1", "M2")),
                            "M1": result(1003, 52, {"cost": 0.0}, ("M2",)), "M2": result(1020, 51, {"cost": 0.0}, ("M1",))})
    items = attribute(two_measures(), "cost", solver=exact).items
    assert items["significant"].all()
    assert items["item"].tolist() == ["M2", "M1"]
    assert items["delta_cost"].tolist() == pytest.approx([20, 3])


def test_significant_items_rank_before_those_inside_the_gap():
    """M1: Δ 100 against gap 2 + 1 = 3 (significant); M2: Δ 2 inside the gap ranks after it."""
    solver = ScriptedSolver({None: result(1000, 50, {"cost": 2.0}, ("M1", "M2")),
                             "M1": result(1100, 60, {"cost": 1.0}, ("M2",)), "M2": result(1002, 50, {"cost": 1.0}, ("M1",))})
    items = attribute(two_measures(), "cost", solver=solver).items
    assert items["item"].tolist() == ["M1", "M2"]
    assert items["significant"].tolist() == [True, False]


def test_budget_steps_inside_the_gap_have_no_marginal_value():
    """Limits 0, 100, 200: costs 1000 (gap 0), 998 (gap 5), 900 (gap 0). Step 0 -> 100 changes the cost by -2,
    inside 0 + 5: no marginal value. Step 100 -> 200: -98 beyond 5 + 0: savings 98 per 100 = 0.98."""
    solver = ScriptedSolver(sequence=[result(1000, 50, {"cost": 0.0}), result(998, 50, {"cost": 5.0}, ("M1",)),
                                      result(900, 40, {"cost": 0.0}, ("M1", "M2"))])
    levels = budget_response(two_measures(), "recp", [0, 100, 200], "cost", solver=solver).levels
    assert levels["within_gap"].tolist() == [False, True, False]
    assert levels["gap"].tolist()[1:] == pytest.approx([5.0, 5.0])
    assert math.isnan(levels.loc[1, "savings_per_budget"])
    assert levels.loc[2, "savings_per_budget"] == pytest.approx(0.98)


def test_pareto_slopes_inside_the_gap_are_not_shown():
    """Least cost 1000 / 50 t (cost gap 1), least CO2e 1001 / 40 t (cost gap 1), one cap between: 1100 / 45 t
    is dominated. The step 1000 -> 1001 is inside 1 + 1 = 2: no abatement cost (it would be 0.1 per tonne)."""
    solver = ScriptedSolver(sequence=[result(1000, 50, {"cost": 1.0}), result(1001, 40, {"co2": 0.0, "cost": 1.0}, objective="co2"),
                                      result(1100, 45, {"cost": 0.0, "co2": 0.0})])
    points = pareto_front(two_measures(), 3, solver=solver).points
    assert points["within_gap"].tolist() == [False, True]
    assert points["abatement_cost"].isna().all()


def test_analyses_solve_with_the_tight_default_gap(monkeypatch, khanh_phu_path):
    """khanh_phu sets solver.mip_gap 0; the analyses ask HiGHS for ANALYSIS_MIP_GAP unless --mip-gap is given."""
    asked = []
    original = highs.HighsRunner._run

    def recording(self, *args, **kwargs):
        asked.append(self.options.mip_gap)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(highs.HighsRunner, "_run", recording)
    run = CliRunner().invoke(main, ["attribute", str(khanh_phu_path), "--json"])
    assert run.exit_code == 0, run.output
    assert set(asked) == {ANALYSIS_MIP_GAP}
    asked.clear()
    CliRunner().invoke(main, ["attribute", str(khanh_phu_path), "--json", "--mip-gap", "0.01"])
    assert set(asked) == {0.01}


@pytest.mark.parametrize("name", ["khanh_phu", "hoa_khanh", "tra_noc"])
def test_shipped_parks_have_no_contribution_inside_the_gap(name):
    """The small shipped parks at the analyses' default gap (every park was measured: docs/analysis.md)."""
    run = CliRunner().invoke(main, ["attribute", str(SCENARIOS / name), "--json"])
    assert run.exit_code == 0, run.output
    items = json.loads(run.stdout)["items"]
    assert items
    assert all(item["significant"] for item in items)


def test_absurd_budget_steps_and_pareto_points_are_refused_before_solving(khanh_phu_path):
    """A billion budget levels would be 8 GB of values before the first solve: refused at the count."""
    with pytest.raises(ValueError, match="1,000,000,000 steps, more than the limit"):
        parse_steps("0:1:1000000000")
    with pytest.raises(ValueError, match="more than the limit"):
        parse_steps(",".join(str(v) for v in range(10_001)))
    run = CliRunner().invoke(main, ["budget", str(khanh_phu_path), "--budget", "investment", "--steps", "0:1e11:1000000000", "--json"])
    assert run.exit_code == 2
    assert "more than the limit" in json.loads(run.stdout)["problems"][0]
    run = CliRunner().invoke(main, ["pareto", str(khanh_phu_path), "--points", "1000000000"])
    assert run.exit_code == 2
