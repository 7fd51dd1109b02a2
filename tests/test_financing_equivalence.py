"""A scenario without financing input is today's model; financing that binds nothing changes no result.

Financing is a transfer: an unlimited loan open to every item, with no
equity limit and no DSCR rule, pays any plan, so every shipped scenario
keeps its optimum, its plan and its core tables (only the ``financing`` and
``firms`` tables and the financing summary keys are added).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import eipopt
from eipopt.model import Scenario, build_model
from eipopt.model.financing_data import financing_active

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PLAIN = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file() and not (p / "financing.csv").is_file())
CORE_TABLES = ("measures", "links", "tiers", "flows", "budgets", "breakdown")
FINANCING_KEYS = ("grant_total", "loans_total", "own_money_total", "leverage", "co2_reduction_per_grant")


def with_open_loan(scenario: Scenario) -> Scenario:
    raw = scenario.raw_tables()
    raw["financing"] = pd.DataFrame([{"id": "open_loan", "kind": "loan", "rate": "0.08", "tenor_years": "10"}], index=[2])
    return Scenario.from_raw(scenario.settings.to_dict(), raw)


@pytest.mark.parametrize("name", PLAIN)
def test_without_financing_input_the_model_has_no_financing(name):
    scenario = eipopt.load_scenario(SCENARIOS / name)
    assert not financing_active(scenario)
    model = build_model(scenario).model
    assert model.component("finance") is None
    assert model.component("firm_operating_cost") is None


@pytest.mark.parametrize("name", PLAIN)
def test_financing_that_binds_nothing_changes_no_result(name):
    scenario = eipopt.load_scenario(SCENARIOS / name)
    plain, financed = eipopt.solve(scenario), eipopt.solve(with_open_loan(scenario))
    assert "financing" not in plain.tables
    assert "firms" not in plain.tables
    assert not set(FINANCING_KEYS) & set(plain.summary)
    assert financed.summary["objective_value"] == pytest.approx(plain.summary["objective_value"], rel=1e-9, abs=1e-6)
    assert financed.summary["measures_funded"] == plain.summary["measures_funded"]
    assert financed.summary["links_built"] == plain.summary["links_built"]
    for table in CORE_TABLES:
        pd.testing.assert_frame_equal(financed.tables[table], plain.tables[table], check_exact=False, rtol=1e-9, atol=1e-6)
    assert financed.summary["loans_total"] + financed.summary["own_money_total"] == pytest.approx(plain.summary["capex_total"])
