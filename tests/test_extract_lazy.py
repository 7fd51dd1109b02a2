"""Result tables built late from values copied in bulk equal tables read straight from the solved Pyomo model.

Extraction copies every variable value once (``SolutionValues``), evaluates
the accounting expressions from their flattened terms (``linear_value``) and
builds the tables only when read. The references here read Pyomo itself,
right after the solve: ``var.value`` index by index (as extraction did before)
and ``pyo.value`` of each expression. The tables under test are read only
after the same model was re-solved for another what-if, so a table that
looked at the live model instead of its copy would show the other solution.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pyomo.environ as pyo
import pytest

import eipopt
from eipopt.model import Objective, build_model
from eipopt.model.accounting import CO2_COMPONENTS, COST_COMPONENTS
from eipopt.model.extract import _SolutionTables, snapshot
from eipopt.model.solution import linear_value
from eipopt.solvers import HighsRunner
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").exists())
LAZY_TABLES = ("measures", "links", "tiers", "flows", "budgets", "breakdown", "periods")


class LiveValues:
    """Reads each value from the model when asked (the reference: what extraction did before copying)."""

    def __init__(self, model):
        self._model = model

    def value(self, name, index):
        var = getattr(self._model, name)
        return (var[index].value or 0.0) if index in var else 0.0

    def binary(self, name, index):
        value = getattr(self._model, name)[index].value
        return value is not None and value > 0.5

    def has(self, name, index):
        return index in getattr(self._model, name)


def live_tables(park, scenario) -> _SolutionTables:
    """The tables of the model's current solution, built now from Pyomo's own values and expression evaluation."""
    m, periods = park.model, park.data.sets["periods"]

    def evaluated(expression) -> float:
        value = pyo.value(expression, exception=False)
        return 0.0 if value is None else value

    cost = {(c, p): evaluated(getattr(m, f"cost_{c}")[p]) for c in COST_COMPONENTS for p in periods}
    co2 = {(c, p): evaluated(getattr(m, f"co2_{c}")[p]) for c in CO2_COMPONENTS for p in periods}
    return _SolutionTables(scenario, park.data, LiveValues(m), cost, co2)


@pytest.mark.parametrize("name", SHIPPED)
def test_tables_read_after_a_resolve_equal_tables_read_from_pyomo_at_the_solve(name):
    """On every shipped scenario: the least-cost plan's tables, read after a baseline solve of the same model, equal Pyomo's."""
    scenario = eipopt.load_scenario(SCENARIOS / name)
    park, runner = build_model(scenario), HighsRunner()
    if park.has_debt_service_rules:  # measured against a baseline solution, which this test does not need
        park.model.debt_service.deactivate()
    assert runner.solve(park, Objective.COST).status.has_solution
    kept = snapshot(park, scenario)  # nothing built yet
    reference = live_tables(park, scenario)
    reference_tables = {table: getattr(reference, table) for table in LAZY_TABLES if table != "periods" or reference.with_periods}
    totals = (sum(park.data.params["discount_weight"][p] * reference.annual_cost[p] for p in park.data.sets["periods"]),
              pyo.value(park.model.horizon_co2))

    park.fix_baseline()  # another solution in the same model: builds nothing new
    assert runner.solve(park, Objective.COST).status.has_solution
    park.release_baseline()

    assert kept.total_cost == pytest.approx(totals[0], rel=1e-12, abs=1e-9)
    assert kept.total_co2 == pytest.approx(totals[1], rel=1e-12, abs=1e-9)
    for table, expected in reference_tables.items():
        pd.testing.assert_frame_equal(getattr(kept, table), expected, check_exact=False, rtol=1e-12, obj=f"{name} {table}")
    if not reference.with_periods:
        assert kept.periods is None
    assert_plan_as_in_tables(kept)


def assert_plan_as_in_tables(kept) -> None:
    """The summary's figures taken without tables equal those taken from the tables (as the summary did before)."""
    measures, tiers, budgets = kept.measures, kept.tiers, kept.budgets
    links = kept.links[kept.links["period"] == kept.links["period"].max()] if "period" in kept.links.columns else kept.links
    plan = kept.tables.plan()
    assert plan.measures_funded == list(measures.loc[measures["new"], "id"])
    assert plan.links_built == list(links.loc[links["new"], "id"])
    assert plan.tiers_built == list(tiers.loc[tiers["built"], "item"])
    assert plan.capex_total == float(measures.loc[measures["new"], "capex"].sum() + links.loc[links["new"], "capex"].sum()
                                     + tiers.loc[tiers["built"], "capex"].sum())
    assert plan.budget_use == dict(zip(budgets["id"], budgets["used"], strict=True))


@pytest.mark.parametrize("name", ["hiep_phuoc", "khanh_phu_expansion", "deep_c_2025_2030"])
def test_linear_value_equals_pyomo_evaluation(name):
    """Every cost and CO2e component, and the objectives built on them, evaluate as Pyomo evaluates them."""
    scenario = eipopt.load_scenario(SCENARIOS / name)
    park = build_model(scenario)
    assert HighsRunner().solve(park, Objective.WEIGHTED).status.has_solution
    m = park.model
    named = [getattr(m, f"cost_{c}")[p] for c in COST_COMPONENTS for p in m.periods]
    named += [getattr(m, f"co2_{c}")[p] for c in CO2_COMPONENTS for p in m.periods]
    named += [m.horizon_cost, m.horizon_co2, m.objective_weighted]
    for expression in named:
        assert linear_value(m, expression) == pytest.approx(pyo.value(expression), rel=1e-12, abs=1e-9), expression.name


def test_a_summary_only_caller_builds_no_table():
    """A what-if loop reading the summary never builds the flows or links tables; reading one builds it then."""
    scenario = eipopt.load_scenario(SCENARIOS / "khanh_phu")
    result = eipopt.ScenarioSolver(threads=1).solve(scenario)
    assert result.summary["n_links_built"] >= 1
    assert "flows" in result.tables
    assert "links" in result.tables
    assert not result.tables._tables  # the summary is composed without any table
    assert list(result.flows.columns)[:2] == ["firm", "resource"]
    assert "flows" in result.tables._tables
    copied = pickle.loads(pickle.dumps(result.tables))  # sent to another process: a plain dict, every table built
    assert type(copied) is dict
    assert list(copied) == list(result.tables)
    pd.testing.assert_frame_equal(copied["links"], result.links)
