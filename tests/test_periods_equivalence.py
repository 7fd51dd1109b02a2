"""One period of one year (``periods: {years: [Y]}``) is today's single-year model, on every shipped scenario.

The same objective value and summary, and the same tables once the columns
that periods add (``period``, ``build_period``) are set aside.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import eipopt
from tests.conftest import SCENARIOS

#: Columns and summary keys that exist only with periods, or describe the run rather than the plan.
PERIOD_COLUMNS = ["period", "build_period"]
RUN_KEYS = {"solve_seconds", "build_seconds", "solver_message", "horizon"}


def _shipped() -> list[Path]:
    return sorted(p for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file())


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.name)
def test_one_period_of_one_year_equals_the_single_year_model(path):
    base = eipopt.load_scenario(path)
    if base.settings.periods is not None:
        pytest.skip("a multi-period scenario has no single-year model to compare with")
    one_year = base.with_overrides({"periods.years": 2025})
    expected, actual = eipopt.solve(base), eipopt.solve(one_year)
    assert actual.summary["horizon"] == {"years": [2025], "end": 2025, "n_years": 1, "discount_rate": base.settings.discount_rate}
    for key, value in expected.summary.items():
        if key in RUN_KEYS:
            continue
        if isinstance(value, float):
            assert actual.summary[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
        else:
            assert actual.summary[key] == value, key
    assert set(actual.tables) == set(expected.tables) | {"periods"}
    for name, table in expected.tables.items():
        other = actual.tables[name].drop(columns=[c for c in PERIOD_COLUMNS if c in actual.tables[name].columns])
        pd.testing.assert_frame_equal(other.reset_index(drop=True), table.reset_index(drop=True), check_exact=False, rtol=1e-9, atol=1e-9)
    periods = actual.periods
    assert periods["annual_cost"].tolist() == pytest.approx([expected.summary["total_cost"]])
    assert periods["capex"].tolist() == pytest.approx([expected.summary["capex_total"]])


#: The result tables of a scenario without periods, as before periods existed (a contract with outside tools).
SINGLE_YEAR_COLUMNS = {
    "measures": ["id", "firm", "name", "category", "group", "existing", "capex", "opex_change", "direct_co2_change", "funded", "new", "annualised_capex", "annual_cost"],
    "links": ["id", "source", "sink", "resource", "sink_resource", "kind", "existing", "capex", "built", "new", "tiers_built", "capacity", "capacity_built", "flow", "delivered", "utilisation", "annualised_capex", "fixed_opex", "variable_cost", "variable_co2", "baseline_flow"],
    "tiers": ["link", "tier", "item", "built", "capacity_added", "capex", "annualised_capex", "fixed_opex"],
    "flows": ["firm", "resource", "unit", "demand", "generation", "link_in", "link_out", "link_use", "buy", "sell", "dispose", "baseline_demand", "baseline_generation", "baseline_link_in", "baseline_link_out", "baseline_link_use", "baseline_buy", "baseline_sell", "baseline_dispose"],
    "budgets": ["id", "applies_to", "limit", "used"],
    "breakdown": ["quantity", "component", "value", "baseline_value"],
}


def test_a_scenario_without_periods_keeps_its_tables_and_summary():
    """No period columns, no periods table, no horizon key: the single-year result as it always was."""
    from tests.test_balances import _mixed_park

    result = eipopt.solve(_mixed_park())
    assert {name: list(table.columns) for name, table in result.tables.items()} == SINGLE_YEAR_COLUMNS
    assert "horizon" not in result.summary
