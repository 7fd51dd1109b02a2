"""Solver statuses are reported honestly: optimal, feasible with its gap at a time limit,
no solution within the limit, and the mapping from HiGHS' model statuses."""

from __future__ import annotations

import random

import highspy
import pyomo.environ as pyo
import pytest

import eipopt
from eipopt.model import build_model
from eipopt.solvers.highs import HighsRunner, _relative_gap, _status
from eipopt.solvers.status import SolveOutcome, SolveStatus
from tests.hard_models import multi_knapsack
from tests.tiny import make_scenario, waste_to_feed


def test_time_limit_gives_feasible_with_its_gap():
    result = eipopt.solve(multi_knapsack(), baseline=False, time_limit=1.0)
    assert result.status == "feasible"
    assert result.exit_code == 0
    assert result.summary["mip_gap"] > 0
    assert result.summary["objective_value"] == pytest.approx(result.summary["total_cost"])
    used = result.budgets.set_index("id")
    assert (used["used"] <= used["limit"]).all()


def test_no_solution_within_the_limit_exits_4():
    rng = random.Random(3)
    firms = [{"id": "hub"}] + [{"id": f"w{i}"} for i in range(40)] + [{"id": f"c{j}"} for j in range(80)]
    flows = [{"firm": f"c{j}", "resource": "g", "demand": rng.randint(5, 35)} for j in range(80)]
    links = []
    for i in range(40):
        links.append({"id": f"open{i}", "source": "hub", "sink": f"w{i}", "resource": "g", "capacity": rng.randint(60, 120), "fixed_opex": rng.randint(300, 700)})
        links += [{"id": f"s{i}_{j}", "source": f"w{i}", "sink": f"c{j}", "resource": "g", "capacity": rng.randint(5, 35),
                   "variable_cost": rng.randint(1, 30), "fixed_opex": rng.randint(5, 40)} for j in range(80)]
    scenario = make_scenario({}, resources=[{"id": "g", "unit": "t", "buy_price": 0}], firms=firms, flows=flows, links=links)
    result = eipopt.solve(scenario, baseline=False, time_limit=0.001)
    assert result.status == "no_solution"
    assert result.exit_code == 4
    assert result.summary["total_cost"] is None


_HIGHS = highspy.HighsModelStatus


@pytest.mark.parametrize(
    ("model_status", "has_solution", "expected"),
    [
        (_HIGHS.kOptimal, True, SolveStatus.OPTIMAL),
        (_HIGHS.kTimeLimit, True, SolveStatus.FEASIBLE),
        (_HIGHS.kTimeLimit, False, SolveStatus.NO_SOLUTION),
        (_HIGHS.kIterationLimit, True, SolveStatus.FEASIBLE),
        (_HIGHS.kSolutionLimit, False, SolveStatus.NO_SOLUTION),
        (_HIGHS.kInfeasible, False, SolveStatus.INFEASIBLE),
        (_HIGHS.kUnboundedOrInfeasible, False, SolveStatus.INFEASIBLE),
        (_HIGHS.kUnbounded, False, SolveStatus.UNBOUNDED),
        (_HIGHS.kSolveError, False, SolveStatus.ERROR),
        (_HIGHS.kModelError, False, SolveStatus.ERROR),
    ],
)
def test_status_mapping(model_status, has_solution, expected):
    assert _status(model_status, has_solution) is expected


@pytest.mark.parametrize(("status", "code"), [("optimal", 0), ("feasible", 0), ("infeasible", 3), ("unbounded", 4), ("no_solution", 4), ("error", 4)])
def test_exit_codes(status, code):
    assert SolveStatus(status).exit_code == code


def test_relative_gap():
    """|incumbent - bound| / |incumbent|: (100 - 90) / 100 = 0.1; equal values give 0."""
    assert _relative_gap(100.0, 90.0) == pytest.approx(0.1)
    assert _relative_gap(-100.0, -110.0) == pytest.approx(0.1)
    assert _relative_gap(5.0, 5.0) == 0.0


def test_model_reaches_highs_in_one_call_and_later_solves_send_changes_only(monkeypatch):
    """Handing a model to HiGHS is one ``passModel`` call with every variable a column and every
    active constraint a row; switching to the CO2e objective (its cap row, inactive at load, added
    when activated and freed again) passes no model a second time."""
    calls: list[tuple[int, int]] = []
    original = highspy.Highs.passModel

    def counting(self, lp):
        calls.append((lp.num_col_, lp.num_row_))
        return original(self, lp)

    monkeypatch.setattr(highspy.Highs, "passModel", counting)
    solver = eipopt.ScenarioSolver(baseline=False)
    scenario = waste_to_feed()
    first = solver.solve(scenario, "cost")
    assert first.summary["status"] == "optimal"
    model = build_model(scenario).model
    n_vars = sum(1 for _ in model.component_data_objects(pyo.Var))
    n_rows = sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True))
    assert calls == [(n_vars, n_rows)]
    second = solver.solve(scenario, "co2")
    assert second.summary["status"] == "optimal"
    assert calls == [(n_vars, n_rows)]
    assert solver._runner._solver.highs.getNumRow() == n_rows + 1  # co2_cap, kept (free) after the stage


def test_co2_stage_stopped_at_the_limit_is_a_feasible_answer_with_its_gap():
    """The least-CO2e stage is the hard knapsack: stopped at 1 s with an incumbent, it is the answer
    (feasible, its own gap, measured on CO2e), and the cost stage is not run on an unproven cap."""
    result = eipopt.solve(multi_knapsack(saving="direct_co2_change"), "co2", baseline=False, time_limit=1.0)
    s = result.summary
    assert s["status"] == "feasible"
    assert result.exit_code == 0
    assert s["mip_gap_stage"] == "co2"
    assert s["mip_gap"] > 0
    assert s["objective_value"] == pytest.approx(s["total_co2"])
    assert s["absolute_gaps"]["co2"] == pytest.approx(s["mip_gap"] * abs(s["total_co2"]))
    assert "cost stage not run" in s["solver_message"]


def test_cost_stage_stopped_after_an_optimal_co2_stage_reports_the_cost_gap():
    """CO2e does not depend on the decisions here (no measure changes it): the co2 stage is proven at
    once, the least-cost stage under it is the hard knapsack. Status and gap are the cost stage's."""
    result = eipopt.solve(multi_knapsack(), "co2", baseline=False, time_limit=1.0)
    s = result.summary
    assert s["status"] == "feasible"
    assert s["mip_gap_stage"] == "cost"
    assert s["mip_gap"] > 0
    assert s["absolute_gaps"]["co2"] == pytest.approx(0.0, abs=1e-6)
    assert s["absolute_gaps"]["cost"] == pytest.approx(s["mip_gap"] * abs(s["total_cost"]))
    used = result.budgets.set_index("id")
    assert (used["used"] <= used["limit"]).all()


def test_least_co2_tie_break_after_a_stopped_cost_stage_keeps_the_cost_incumbent():
    """The analyses' tie-break (least CO2e among least-cost solutions): a cost stage stopped at the
    limit is a feasible answer with the cost gap, not 'no solution'."""
    solver = eipopt.ScenarioSolver(baseline=False, time_limit=1.0)
    result = solver.solve(multi_knapsack(), "cost", least_co2_at_cost=True)
    s = result.summary
    assert s["status"] == "feasible"
    assert s["mip_gap_stage"] == "cost"
    assert s["mip_gap"] > 0
    assert s["objective_value"] == pytest.approx(s["total_cost"])


def test_cost_stage_without_an_answer_keeps_the_least_co2_solution_with_its_measured_gap(monkeypatch):
    """waste_to_feed, objective co2: least CO2e sends all 30 t (17 - 30 * (0.1 + 0.8 * 0.2) = 9.2 t),
    at cost 980 - 30 * 15.4 + 20 + 30 = 568. If the cost stage stops without a solution and a bound
    of 500, the least-CO2e solution is the answer: feasible, cost gap (568 - 500) / 568, absolute 68."""
    original = HighsRunner._run

    def cost_stage_stops(self, park, time_limit, stage="", **given):
        if stage == "cost":  # only the second stage of a co2 solve optimises cost here (baseline=False)
            return SolveOutcome(SolveStatus.NO_SOLUTION, None, 500.0, None, 0.1, "maxTimeLimit", "cost", {"cost": None})
        return original(self, park, time_limit, stage, **given)

    monkeypatch.setattr(HighsRunner, "_run", cost_stage_stops)
    result = eipopt.solve(waste_to_feed(), "co2", baseline=False)
    s = result.summary
    assert s["status"] == "feasible"
    assert s["total_co2"] == pytest.approx(9.2)
    assert s["total_cost"] == pytest.approx(568)
    assert s["mip_gap_stage"] == "cost"
    assert s["mip_gap"] == pytest.approx(68 / 568)
    assert s["absolute_gaps"]["cost"] == pytest.approx(68)
