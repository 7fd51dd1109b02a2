"""The HiGHS model held as a matrix: what the solver layer pushes equals a fresh compile, coefficient by coefficient.

A small hand-written model checks each kind of change (a coefficient and a
bound read from a parameter, a deactivated row, a constraint inactive at load
and activated later, a fixed and a re-bounded variable, an objective switch)
against numbers worked out by hand; every shipped scenario checks a re-solved
model against a fresh build's.
"""

from __future__ import annotations

import random

import highspy
import pyomo.environ as pyo
import pytest

import eipopt
from eipopt.model import build_model
from eipopt.solvers.matrix import MatrixHighs
from tests.conftest import SCENARIOS
from tests.test_resolve_equality import SHIPPED, loaded_lp, random_overrides

INF = highspy.kHighsInf


def two_products() -> pyo.ConcreteModel:
    """max 3x + 2y s.t. x + a*y <= b, x <= 4 (a = 1, b = 6), y integer in [0, 10]; min x + y as a second objective.

    Optimum by hand: y = 6 - x, profit 3x + 12 - 2x = x + 12, largest at x = 4: (4, 2), profit 16.
    """
    m = pyo.ConcreteModel()
    m.a = pyo.Param(mutable=True, initialize=1.0)
    m.b = pyo.Param(mutable=True, initialize=6.0)
    m.x = pyo.Var(bounds=(0, None))
    m.y = pyo.Var(domain=pyo.Integers, bounds=(0, 10))
    m.capacity = pyo.Constraint(expr=m.x + m.a * m.y <= m.b)
    m.x_limit = pyo.Constraint(expr=m.x <= 4)
    m.profit = pyo.Objective(expr=3 * m.x + 2 * m.y, sense=pyo.maximize)
    m.volume = pyo.Objective(expr=m.x + m.y + 1)
    m.volume.deactivate()
    return m


def with_mix() -> pyo.ConcreteModel:
    """two_products plus mix: x <= k*y (k = 1), inactive at load (as the caps of a lexicographic solve are)."""
    m = two_products()
    m.k = pyo.Param(mutable=True, initialize=1.0)
    m.mix = pyo.Constraint(expr=m.x <= m.k * m.y)
    m.mix.deactivate()
    return m


def held_rows(highs: highspy.Highs) -> list[tuple[float, float, dict[int, float]]]:
    """(lower, upper, {column: coefficient}) of every row HiGHS holds, in its order."""
    rows = []
    for r in range(highs.getNumRow()):
        _, lower, upper, _ = highs.getRow(r)
        _, index, value = highs.getRowEntries(r)
        rows.append((lower, upper, dict(zip(index.tolist(), value.tolist(), strict=True))))
    return rows


def solve(matrix: MatrixHighs, m: pyo.ConcreteModel) -> float:
    run = matrix.run(m, time_limit=None, mip_gap=0.0, threads=1)
    assert run.model_status == highspy.HighsModelStatus.kOptimal
    matrix.load_solution()
    return run.objective_value


def test_hand_model_loads_as_its_matrix_and_solves():
    """Two columns, two rows, the maximised profit in HiGHS; optimum (4, 2), profit 16 (see two_products)."""
    m = two_products()
    matrix = MatrixHighs()
    assert solve(matrix, m) == pytest.approx(16)
    assert (m.x.value, m.y.value) == pytest.approx((4, 2))
    lp = matrix.highs.getLp()
    assert list(lp.col_cost_) == [3, 2]
    assert lp.sense_ == highspy.ObjSense.kMaximize
    assert list(lp.row_upper_) == [6, 4]
    assert list(lp.integrality_) == [highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger]


def test_parameter_changes_reach_only_their_row():
    """a = 2, b = 10: x + 2y <= 10, x <= 4. A unit of y (profit 2) takes the room of two units of x
    (profit 6): x = 4, y = (10 - 4) / 2 = 3, profit 12 + 6 = 18. HiGHS holds coefficient 2 and bound 10."""
    m = two_products()
    matrix = MatrixHighs()
    solve(matrix, m)
    m.a.set_value(2.0)
    m.b.set_value(10.0)
    assert solve(matrix, m) == pytest.approx(18)
    assert (m.x.value, m.y.value) == pytest.approx((4, 3))
    columns, rows = loaded_lp(matrix)
    assert rows["capacity"] == (-INF, 10.0, {"x": 1.0, "y": 2.0})
    assert rows["x_limit"] == (-INF, 4.0, {"x": 1.0})


def test_a_zero_coefficient_made_non_zero_enters_the_matrix():
    """a = 0 at load (y absent from the row); a = 1 afterwards puts y back: optimum (4, 2) again, profit 16."""
    m = two_products()
    m.a.set_value(0.0)
    matrix = MatrixHighs()
    assert solve(matrix, m) == pytest.approx(3 * 4 + 2 * 10)  # y is free of the row: y = 10, x = 4
    m.a.set_value(1.0)
    assert solve(matrix, m) == pytest.approx(16)
    assert loaded_lp(matrix)[1]["capacity"][2] == {"x": 1.0, "y": 1.0}


def test_deactivated_row_fixed_variable_and_objective_switch():
    """Without x_limit and with y fixed at 1: x = 6 - 1 = 5, profit 17. Then min x + y + 1 with y free again: 0 + 0 + 1 = 1."""
    m = two_products()
    matrix = MatrixHighs()
    solve(matrix, m)
    m.x_limit.deactivate()
    m.y.fix(1)
    assert solve(matrix, m) == pytest.approx(17)
    assert matrix.highs.getLp().row_upper_[1] == INF  # kept as a free row
    m.y.unfix()
    m.x_limit.activate()
    m.profit.deactivate()
    m.volume.activate()
    assert solve(matrix, m) == pytest.approx(1)
    lp = matrix.highs.getLp()
    assert (lp.col_lower_[1], lp.col_upper_[1]) == (0, 10)
    assert lp.row_upper_[1] == 4
    assert lp.sense_ == highspy.ObjSense.kMinimize
    assert lp.offset_ == 1


def test_only_active_constraints_are_handed_over_and_the_mps_copy_is_the_same_matrix(tmp_path):
    """mix, inactive at load, is no HiGHS row (HiGHS's MPS reader would drop it as a free row): the
    model written to MPS and read back has the same rows, bounds and coefficients as the one loaded."""
    m = with_mix()
    matrix = MatrixHighs()
    matrix.load(m)
    assert matrix.highs.getNumRow() == 2
    assert (matrix.row(m.capacity), matrix.row(m.x_limit)) == (0, 1)
    with pytest.raises(KeyError, match="mix has no HiGHS row"):
        matrix.row(m.mix)
    matrix.highs.writeModel(str(tmp_path / "park.mps"))
    back = highspy.Highs()
    back.setOptionValue("output_flag", False)
    assert back.readModel(str(tmp_path / "park.mps")) == highspy.HighsStatus.kOk
    assert held_rows(back) == held_rows(matrix.highs) == [(-INF, 6.0, {0: 1.0, 1: 1.0}), (-INF, 4.0, {0: 1.0})]
    ours, theirs = matrix.highs.getLp(), back.getLp()
    assert (list(theirs.col_lower_), list(theirs.col_upper_)) == (list(ours.col_lower_), list(ours.col_upper_))


def test_a_constraint_activated_after_loading_gets_a_row_and_keeps_it():
    """With mix (x <= y) active: x + y <= 6 and x <= y give x <= 3; profit 3x + 2(6 - x) = x + 12 is largest
    at (3, 3), 15. Deactivated again: the first optimum, (4, 2), 16 (see two_products), mix kept as a free row."""
    m = with_mix()
    matrix = MatrixHighs()
    assert solve(matrix, m) == pytest.approx(16)
    m.mix.activate()
    assert solve(matrix, m) == pytest.approx(15)
    assert (m.x.value, m.y.value) == pytest.approx((3, 3))
    assert matrix.row(m.mix) == 2
    assert held_rows(matrix.highs)[2] == (-INF, 0.0, {0: 1.0, 1: -1.0})
    m.mix.deactivate()
    assert solve(matrix, m) == pytest.approx(16)
    assert (m.x.value, m.y.value) == pytest.approx((4, 2))
    assert matrix.highs.getNumRow() == 3
    assert held_rows(matrix.highs)[2] == (-INF, INF, {0: 1.0, 1: -1.0})


def test_a_parameter_changed_while_its_row_is_outside_highs_is_used_when_activated():
    """k = 0.5 set while mix is inactive (no HiGHS row): the optimum stays 16. Activated: x <= y/2 and
    x + y <= 6 give 1.5x <= 3, x <= 2; profit x + 12 largest at (2, 4), 14 (15 with the stale k = 1)."""
    m = with_mix()
    matrix = MatrixHighs()
    solve(matrix, m)
    m.k.set_value(0.5)
    assert solve(matrix, m) == pytest.approx(16)
    assert matrix.highs.getNumRow() == 2
    m.mix.activate()
    assert solve(matrix, m) == pytest.approx(14)
    assert (m.x.value, m.y.value) == pytest.approx((2, 4))
    assert loaded_lp(matrix)[1]["mix"] == (-INF, 0.0, {"x": 1.0, "y": -0.5})


def test_a_fixed_variable_without_a_value_is_an_error_not_a_free_column():
    m = two_products()
    m.y.fix(None)
    with pytest.raises(ValueError, match="fixed variable.*without a value: y"):
        MatrixHighs().load(m)


def test_a_new_constraint_reloads_the_model():
    """A constraint added after loading (y >= 3) is a new structure: the model is loaded again. x = 6 - 3 = 3, profit 15."""
    m = two_products()
    matrix = MatrixHighs()
    solve(matrix, m)
    m.y_floor = pyo.Constraint(expr=m.y >= 3)
    assert solve(matrix, m) == pytest.approx(15)
    assert matrix.highs.getNumRow() == 3


@pytest.mark.parametrize("name", SHIPPED)
def test_resolved_model_equals_a_fresh_compile(name):
    """After a CO2e solve (caps activated and lifted, objectives switched, the baseline's items held and
    released) and a random what-if, HiGHS holds exactly what a fresh build of the what-if compiles to.

    A fresh load hands HiGHS only its active constraints; ours also keeps the rows of constraints
    activated since (the caps), which must be free and compile as the fresh build's do (a second fresh
    load with every constraint active gives their coefficients)."""
    scenario = eipopt.load_scenario(SCENARIOS / name)
    solver = eipopt.ScenarioSolver(threads=1, mip_gap=0.05)  # what HiGHS holds does not depend on how close the optimum is
    solver.solve(scenario, "co2")
    variant = scenario.with_overrides(random_overrides(scenario, random.Random(f"matrix-{name}")))
    solver.solve(variant, "cost")
    ours = solver._runner._solver
    ours.synchronise(ours.model)  # HiGHS is brought in step before each run: the state the next run would start from
    park = build_model(variant)
    measured = park.model.component("baseline_operating_cost")  # the DSCR rule's, measured on the baseline solution
    for key, param in (measured or {}).items():
        param.set_value(ours.model.baseline_operating_cost[key].value)
    fresh, complete = MatrixHighs(), MatrixHighs()
    fresh.load(park.model)
    for con in list(park.model.component_data_objects(pyo.Constraint, active=None, descend_into=True)):
        con.activate()
    complete.load(park.model)
    (our_columns, our_rows), (fresh_columns, fresh_rows) = loaded_lp(ours), loaded_lp(fresh)
    every_row = loaded_lp(complete)[1]
    assert our_columns.keys() == fresh_columns.keys()
    assert fresh_rows.keys() <= our_rows.keys()
    assert our_rows.keys() <= every_row.keys()
    for column, values in fresh_columns.items():
        assert our_columns[column] == pytest.approx(values, rel=1e-12), f"column {column} (cost, lower, upper)"
    for row, (lower, upper, coefficients) in our_rows.items():
        bounds = fresh_rows[row][:2] if row in fresh_rows else (-INF, INF)  # kept after deactivation: free
        assert (lower, upper) == pytest.approx(bounds, rel=1e-12), f"bounds of row {row}"
        assert coefficients == pytest.approx(every_row[row][2], rel=1e-12), f"coefficients of row {row}"
