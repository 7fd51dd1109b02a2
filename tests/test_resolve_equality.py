"""Re-solving one built model equals solving a fresh build, on every shipped scenario.

A :class:`~eipopt.ScenarioSolver` keeps its built model and the loaded HiGHS
model between what-ifs and pushes only the parameters that changed. Each
case here is a seeded random sequence of overrides (budgets, prices, market
limits, capacities, emission factors, the carbon price); every variant is
solved both ways and must give the same status and objective value (1e-6
relative), the independent reference being a model built from scratch.
"""

from __future__ import annotations

import contextlib
import math
import random

import highspy
import pandas as pd
import pytest

import eipopt
from eipopt.model.scenario import Scenario
from eipopt.model.schema import row_id
from eipopt.model.settings import override_settings
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").exists())

#: Table columns a what-if typically moves, each scaled by a random factor.
NUMERIC_CELLS = {
    "resources": ("buy_price", "sell_price", "disposal_cost", "buy_emission_factor"),
    "flows": ("buy_limit", "sell_limit", "demand"),
    "links": ("capacity", "capex", "variable_cost"),
    "measures": ("capex", "opex_change"),
}
CASES_PER_SCENARIO = 3
OVERRIDES_PER_CASE = 3
TOLERANCE = 1e-6


def candidate_overrides(scenario) -> list[tuple[str, float]]:
    """(key, current value) of every positive number an override may scale: budget limits, the carbon price, table cells."""
    keys = [(f"budgets.{b.id}.limit", b.limit) for b in scenario.settings.budgets if b.limit and b.limit > 0]
    if scenario.settings.carbon_price:
        keys.append(("carbon_price", scenario.settings.carbon_price))
    for table, columns in NUMERIC_CELLS.items():
        df = scenario.tables[table]
        for _, row in df.iterrows():
            for column in columns:
                value = row.get(column)
                if isinstance(value, (int, float)) and math.isfinite(value) and value > 0:
                    keys.append((f"{table}.{row_id(table, row)}.{column}", float(value)))
    return keys


def random_overrides(scenario, rng: random.Random) -> dict[str, float]:
    """A few candidate numbers scaled by 0.5-1.5 (demand by 0.9-1.1, so the park stays servable)."""
    chosen = rng.sample(candidate_overrides(scenario), OVERRIDES_PER_CASE)
    return {key: value * (rng.uniform(0.9, 1.1) if key.endswith(".demand") else rng.uniform(0.5, 1.5)) for key, value in chosen}


def assert_same(reused, fresh, label: str) -> None:
    assert reused.summary["status"] == fresh.summary["status"], label
    for key in ("objective_value", "baseline_cost", "total_co2"):
        ours, theirs = reused.summary[key], fresh.summary[key]
        if theirs is None:
            assert ours is None, f"{label}: {key}"
        else:
            assert ours == pytest.approx(theirs, rel=TOLERANCE, abs=1e-6), f"{label}: {key}"


@pytest.mark.parametrize("name", SHIPPED)
def test_reused_model_equals_fresh_build(name):
    """Seeded random what-ifs on one ScenarioSolver equal fresh solves, with the model built once."""
    scenario = eipopt.load_scenario(SCENARIOS / name)
    rng = random.Random(f"resolve-{name}")
    solver = eipopt.ScenarioSolver(threads=1)
    solver.solve(scenario)
    for case in range(CASES_PER_SCENARIO):
        overrides = random_overrides(scenario, rng)
        variant = scenario.with_overrides(overrides)
        assert_same(solver.solve(variant), eipopt.solve(variant, threads=1), f"{name} case {case}: {overrides}")
    assert solver.rebuilds == 1, "number-only what-ifs must reuse the built model"


def test_back_to_the_original_scenario_after_what_ifs():
    """After several what-ifs, the original scenario solves to its own optimum again (no stale parameter)."""
    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    first = solver.solve(scenario)
    for limit in (5e9, 1e10, 8e10):
        solver.solve(scenario.with_overrides({"budgets.tenant_recp.limit": limit, "resources.electricity.buy_price": 2.5e6}))
    again = solver.solve(scenario)
    assert again.summary["objective_value"] == pytest.approx(first.summary["objective_value"], rel=TOLERANCE)


@pytest.mark.parametrize("name", ["hiep_phuoc", "khanh_phu", "amata"])
def test_overrides_retype_only_touched_tables_yet_equal_a_full_reload(name):
    """with_overrides types again only the tables it touches; the scenario equals one typed from all-text tables.

    The reference applies the same cells to the text of every table and types
    them all (what loading the edited files does).
    """
    scenario = eipopt.load_scenario(SCENARIOS / name)
    overrides = random_overrides(scenario, random.Random(f"retype-{name}"))
    variant = scenario.with_overrides(overrides)
    raw = scenario.raw_tables()
    settings = scenario.settings.to_dict()
    for key, value in overrides.items():
        table, rest = key.split(".", 1)
        if table in raw:
            item, column = rest.rsplit(".", 1)
            ids = [row_id(table, row) for _, row in scenario.tables[table].iterrows()]
            raw[table].loc[scenario.tables[table].index[ids.index(item)], column] = repr(value)
        else:
            assert override_settings(settings, key, value) == []
    reference = Scenario.from_raw(settings, raw, scenario.sources)
    assert variant.settings == reference.settings
    for table in reference.tables:
        pd.testing.assert_frame_equal(variant.tables[table], reference.tables[table], check_exact=False, rtol=1e-12)
    assert variant.warnings == reference.warnings


def test_overriding_extra_columns_types_every_table_again():
    """A cell of an undeclared column stays an error after an override that declares nothing (all tables re-checked)."""
    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    with pytest.raises(eipopt.ScenarioError, match="extra_columns"):
        scenario.with_overrides({"extra_columns.firms": "is_workshop"})


def loaded_lp(matrix) -> tuple[dict, dict]:
    """The HiGHS model a :class:`~eipopt.solvers.matrix.MatrixHighs` holds, by Pyomo names:
    {column: (cost, lower, upper)}, {row: (lower, upper, {column: coefficient})}; a constraint
    HiGHS holds no row for (inactive since loading) is absent, and every HiGHS row is named."""
    lp = matrix.highs.getLp()
    column_names = [var.name for var in matrix.columns]
    columns = {column_names[c]: (lp.col_cost_[c], lp.col_lower_[c], lp.col_upper_[c]) for c in range(lp.num_col_)}
    entries: dict[int, dict] = {r: {} for r in range(lp.num_row_)}
    a_matrix = lp.a_matrix_
    column_wise = a_matrix.format_ == highspy.MatrixFormat.kColwise
    for outer in range(lp.num_col_ if column_wise else lp.num_row_):
        for k in range(a_matrix.start_[outer], a_matrix.start_[outer + 1]):
            row, column = (a_matrix.index_[k], outer) if column_wise else (outer, a_matrix.index_[k])
            if a_matrix.value_[k] != 0:
                entries[row][column_names[column]] = a_matrix.value_[k]
    held = {}
    for con in matrix.rows:
        with contextlib.suppress(KeyError):  # no HiGHS row: inactive since loading
            held[con.name] = matrix.row(con)
    assert sorted(held.values()) == list(range(lp.num_row_)), "every HiGHS row is one constraint's"
    rows = {name: (lp.row_lower_[r], lp.row_upper_[r], entries[r]) for name, r in held.items()}
    return columns, rows


def test_pushed_changes_leave_the_same_highs_model_as_a_fresh_hand_over():
    """Every cost, bound, row bound and coefficient HiGHS holds after what-ifs equals a fresh build's, by name.

    Stronger than equal optima: a change that does not move the optimum must
    still reach HiGHS. Each what-if moves a different kind of number (a budget
    row bound, a purchase cost, a capacity coefficient, a demand right-hand side,
    an emission factor through the weighted objective).
    """
    from eipopt.model import build_model
    from eipopt.solvers.matrix import MatrixHighs

    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    solver.solve(scenario, "weighted")
    rng = random.Random("highs-model")
    for case in range(3):
        variant = scenario.with_overrides({**random_overrides(scenario, rng), "carbon_price": 10.0 * (case + 1)})
        solver.solve(variant, "weighted")
        fresh = MatrixHighs()
        park = build_model(variant)
        park.use_objective("weighted")
        fresh.load(park.model)
        ours, theirs = loaded_lp(solver._runner._solver), loaded_lp(fresh)
        assert ours[0].keys() == theirs[0].keys()
        assert ours[1].keys() == theirs[1].keys()
        for name, values in theirs[0].items():
            assert ours[0][name] == pytest.approx(values, rel=1e-12), f"case {case}: column {name} (cost, lower, upper)"
        for name, (lower, upper, coefficients) in theirs[1].items():
            assert ours[1][name][:2] == pytest.approx((lower, upper), rel=1e-12), f"case {case}: bounds of row {name}"
            assert ours[1][name][2] == pytest.approx(coefficients, rel=1e-12), f"case {case}: coefficients of row {name}"
