"""Warm starts: HiGHS starts a run from an earlier solution, and only from a fitting one.

The second stage of a lexicographic solve always starts from its first
stage's solution. With ``solver.warm_start`` (or
``ScenarioSolver(warm_start=True)``) every other HiGHS run of a built model
also starts from the last solution of a run of its kind. HiGHS takes a
start as its first incumbent when it is feasible: a run stopped by a time
limit of 0 s then still has that solution, and without a start it has none.
That is how the knapsack below sees whether a start was given. On shipped
scenarios a warm re-solve reaches the same optimum as a cold one (MIP gap 0).
"""

from __future__ import annotations

import json
import random

import pyomo.environ as pyo
import pytest

import eipopt
from eipopt.model import ScenarioError
from eipopt.model.settings import parse_settings
from eipopt.solvers.matrix import MatrixHighs, Solution
from tests.conftest import SCENARIOS
from tests.test_cli import eipopt_cli
from tests.test_resolve_equality import random_overrides


def knapsack() -> pyo.ConcreteModel:
    """max 24a + 13b + 23c + 15d subject to 12a + 7b + 11c + 8d <= cap (cap = 26), binaries.

    By hand, the sets that fit in 26: {a, b} 37, {a, c} 47, {a, d} 39,
    {b, c} 36, {b, d} 28, {c, d} 38, {b, c, d} 51 (weight 26); with a, every
    third item overflows. The best is {b, c, d} = 51.
    """
    m = pyo.ConcreteModel()
    m.goods = pyo.Set(initialize=["a", "b", "c", "d"])
    m.value = pyo.Param(m.goods, mutable=True, initialize={"a": 24, "b": 13, "c": 23, "d": 15})
    weight = {"a": 12, "b": 7, "c": 11, "d": 8}
    m.cap = pyo.Param(mutable=True, initialize=26)
    m.take = pyo.Var(m.goods, domain=pyo.Binary)
    m.weight = pyo.Constraint(expr=sum(weight[i] * m.take[i] for i in m.goods) <= m.cap)
    m.profit = pyo.Objective(expr=sum(m.value[i] * m.take[i] for i in m.goods), sense=pyo.maximize)
    return m


def test_a_start_is_the_incumbent_of_a_run_stopped_at_once():
    """A 0 s run has no solution cold and the start's value warm.

    Optimum by hand {b, c, d} = 51. After a's value rises to 40 the old plan is
    still feasible and worth 51 (a not taken); {a, c} is now 63, so the start
    is not the optimum, and the stopped run returns exactly 51.
    """
    m = knapsack()
    matrix = MatrixHighs()
    first = matrix.run(m, time_limit=None, mip_gap=0.0, threads=1)
    assert first.objective_value == pytest.approx(51)
    matrix.load_solution()
    start = matrix.solution
    assert [round(v) for v in start.values] == [0, 1, 1, 1]

    m.value["a"] = 40
    cold = matrix.run(m, time_limit=0.0, mip_gap=0.0, threads=1)
    assert not cold.has_solution
    warm = matrix.run(m, time_limit=0.0, mip_gap=0.0, threads=1, start=start)
    assert warm.has_solution
    assert warm.objective_value == pytest.approx(51)
    best = matrix.run(m, time_limit=None, mip_gap=0.0, threads=1, start=start)
    assert best.objective_value == pytest.approx(63)  # the start is only a start


def test_an_infeasible_start_is_dropped_and_a_start_from_an_earlier_load_is_not_given():
    """cap 26 -> 18 makes {b, c, d} (weight 26) infeasible: HiGHS drops it (no solution at 0 s) and solves
    to the best set within 18, by hand {b, c} = 36 (weight 18; {a} 24, {c} 23, {b, d} 28, {c, ...} overflow).

    A start from before the model was loaded again is not given (its columns may mean other things); the
    same values marked as of the current load are.
    """
    m = knapsack()
    matrix = MatrixHighs()
    matrix.run(m, time_limit=None, mip_gap=0.0, threads=1)
    matrix.load_solution()
    start = matrix.solution
    m.cap = 18
    assert not matrix.run(m, time_limit=0.0, mip_gap=0.0, threads=1, start=start).has_solution
    assert matrix.run(m, time_limit=None, mip_gap=0.0, threads=1, start=start).objective_value == pytest.approx(36)

    m.cap = 26
    matrix.load(m)  # a new load
    assert not matrix.run(m, time_limit=0.0, mip_gap=0.0, threads=1, start=start).has_solution
    relabelled = Solution(matrix.loads, start.values)
    assert matrix.run(m, time_limit=0.0, mip_gap=0.0, threads=1, start=relabelled).objective_value == pytest.approx(51)


def _record_starts(monkeypatch) -> list[tuple[str, bool, Solution | None]]:
    """Every HiGHS run of the solver layer: (active objective, baseline held, the start given)."""
    calls = []
    original = MatrixHighs.run

    def run(self, model, **options):
        objective = next(model.component_data_objects(pyo.Objective, active=True)).name
        decisions = [*model.fund_measure.values(), *model.build_link.values(), *model.build_tier.values()]
        baseline_held = any(v.ub == 0 and not v.fixed for v in decisions)
        calls.append((objective, baseline_held, options.get("start")))
        return original(self, model, **options)

    monkeypatch.setattr(MatrixHighs, "run", run)
    return calls


def _record_solutions(monkeypatch) -> list[Solution]:
    """Every solution the solver layer loads back, in order."""
    solutions = []
    original = MatrixHighs.load_solution

    def load_solution(self):
        original(self)
        solutions.append(self.solution)

    monkeypatch.setattr(MatrixHighs, "load_solution", load_solution)
    return solutions


def test_each_run_starts_from_the_last_run_of_its_kind(monkeypatch):
    """Two what-ifs on Khanh Phu that move the electricity price, so each solves a baseline and a plan:
    the baseline starts from the last baseline's solution, the plan from the last plan's, never one from the other."""
    scenario = eipopt.load_scenario(SCENARIOS / "khanh_phu")
    calls = _record_starts(monkeypatch)
    solutions = _record_solutions(monkeypatch)
    solver = eipopt.ScenarioSolver(warm_start=True, mip_gap=0.0)
    solver.solve(scenario)
    for price in (1.5e6, 2.5e6):
        solver.solve(scenario.with_overrides({"resources.electricity.buy_price": price}))
    assert [c[:2] for c in calls] == [("objective_cost", True), ("objective_cost", False)] * 3
    starts = [start for *_, start in calls]
    assert starts == [None, None, solutions[0], solutions[1], solutions[2], solutions[3]]
    # the baseline's solution builds the CO2 link (existing ones aside) no more than the plan's: they differ
    assert solutions[0].values != solutions[1].values


def test_a_second_stage_starts_from_the_first_with_or_without_the_option(monkeypatch):
    """co2 objective: least CO2e, then least cost at it. The cost stage always starts from the CO2e stage's solution
    of the same solve (feasible under its cap, the same every time); without the option nothing else gets a start."""
    scenario = eipopt.load_scenario(SCENARIOS / "khanh_phu")
    calls = _record_starts(monkeypatch)
    solutions = _record_solutions(monkeypatch)
    for warm_start in (True, False):
        calls.clear()
        solutions.clear()
        solver = eipopt.ScenarioSolver(warm_start=warm_start, baseline=False)
        solver.solve(scenario, "co2")
        solver.solve(scenario.with_overrides({"resources.electricity.buy_price": 1.5e6}), "co2")
        assert [objective for objective, *_ in calls] == ["objective_co2", "objective_cost"] * 2
        starts = [start for *_, start in calls]
        # stage 2 from stage 1 of the same solve; the second solve's stage 1 from the first solve's stage 1 only with the option
        assert starts == [None, solutions[0], solutions[0] if warm_start else None, solutions[2]], warm_start


@pytest.mark.parametrize("name", ["hiep_phuoc", "amata", "deep_c", "geipp_a2f", "khanh_phu_expansion"])
def test_warm_re_solves_reach_the_cold_optimum(name):
    """Seeded random what-ifs at MIP gap 0: a warm start changes the path, not the optimum (1e-9 relative).

    geipp_a2f has financing (the grant split solved with the plan held), khanh_phu_expansion periods.
    """
    scenario = eipopt.load_scenario(SCENARIOS / name)
    rng = random.Random(f"warm-{name}")
    warm = eipopt.ScenarioSolver(threads=1, mip_gap=0.0, warm_start=True)
    cold = eipopt.ScenarioSolver(threads=1, mip_gap=0.0)
    for case in range(4):
        variant = scenario.with_overrides(random_overrides(scenario, rng)) if case else scenario
        ours, theirs = warm.solve(variant).summary, cold.solve(variant).summary
        assert ours["status"] == theirs["status"], case
        if theirs["objective_value"] is not None:
            assert ours["objective_value"] == pytest.approx(theirs["objective_value"], rel=1e-9), case


def test_the_setting_reads_true_false_texts_and_refuses_others():
    base = {"name": "x"}
    for given, expected in ((True, True), ("yes", True), ("TRUE", True), (1, True), ("false", False), ("no", False), (0, False)):
        settings, problems = parse_settings({**base, "solver": {"warm_start": given}})
        assert problems == [], given
        assert settings.solver.warm_start is expected, given
    settings, _ = parse_settings(base)
    assert settings.solver.warm_start is False
    _, problems = parse_settings({**base, "solver": {"warm_start": "maybe"}})
    assert [(p.column, p.message) for p in problems] == [("solver.warm_start", "'maybe' is not true or false")]
    scenario = eipopt.load_scenario(SCENARIOS / "khanh_phu")
    assert scenario.with_overrides({"solver.warm_start": "true"}).settings.solver.warm_start is True
    with pytest.raises(ScenarioError, match="solver.warm_start"):
        scenario.with_overrides({"solver.warm_start": 2})


def test_a_sweep_with_the_setting_and_a_bad_value_on_the_command_line():
    """A Khanh Phu sweep with --set solver.warm_start=true gives the rows it gives without (MIP gap 0 there);
    a bad value is exit code 2, located at the key."""
    command = ["sweep", str(SCENARIOS / "khanh_phu"), "--vary", "resources.electricity.buy_price=1.5e6,1.9e6,2.5e6", "--json", "--no-progress"]
    cold, warm = eipopt_cli(*command), eipopt_cli(*command, "--set", "solver.warm_start=true")
    assert cold.returncode == 0, cold.stderr
    assert warm.returncode == 0, warm.stderr
    values = [[row["objective_value"] for row in json.loads(run.stdout)["rows"]] for run in (cold, warm)]
    assert len(values[0]) == 3
    assert values[1] == pytest.approx(values[0], rel=1e-9)
    bad = eipopt_cli("solve", str(SCENARIOS / "khanh_phu"), "--json", "--set", "solver.warm_start=maybe")
    assert bad.returncode == 2
    assert "solver.warm_start" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stderr
