"""The HiGHS model held as a matrix: what the solver layer pushes equals a fresh compile, coefficient by coefficient.

A small hand-written model checks each kind of change (a coefficient and a
bound read from a parameter, a deactivated row, a fixed and a re-bounded
variable, an objective switch) against numbers worked out by hand; every
shipped scenario checks a re-solved model against a fresh build's.
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
    released) and a random what-if, HiGHS holds exactly what a fresh build of the what-if compiles to."""
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
    fresh = MatrixHighs()
    fresh.load(park.model)
    (our_columns, our_rows), (fresh_columns, fresh_rows) = loaded_lp(ours), loaded_lp(fresh)
    assert our_columns.keys() == fresh_columns.keys()
    assert our_rows.keys() == fresh_rows.keys()
    for column, values in fresh_columns.items():
        assert our_columns[column] == pytest.approx(values, rel=1e-12), f"column {column} (cost, lower, upper)"
    for row, (lower, upper, coefficients) in fresh_rows.items():
        assert our_rows[row][:2] == pytest.approx((lower, upper), rel=1e-12), f"bounds of row {row}"
        assert our_rows[row][2] == pytest.approx(coefficients, rel=1e-12), f"coefficients of row {row}"
