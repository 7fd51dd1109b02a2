"""Recompute every balance, capacity, market limit and budget of each period from the result tables.

Each period is checked like a single-year result (:func:`tests.test_balances.check_solution`)
against the numbers in force in it: the period's rows of ``links`` and
``flows``, the measures and tiers built by then (``build_period``). Budgets are
recomputed separately: an item draws what is in force in its build period,
from the budget of that period and from the horizon's budgets.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import eipopt
from eipopt.model import Scenario
from eipopt.result import Result
from tests.test_balances import TOLERANCE, _mixed_park, check_solution

PROFILES = [
    {"key": "flows.B:feed.demand", "period": 2030, "value": 80},
    {"key": "flows.B:feed.sell_limit", "period": 2030, "value": 8},
    {"key": "resources.elec.buy_emission_factor", "period": 2030, "value": 0.3},
    {"key": "resources.elec.buy_price", "period": 2035, "value": 3},
    {"key": "links.L.capex", "period": 2030, "value": 150},
    {"key": "measure_effects.vsd:elec.demand_change", "period": 2035, "value": -15},
    {"key": "budget_use.sorting:grant.amount", "period": 2035, "value": 60},
]


def _mixed_park_over_time() -> Scenario:
    """The mixed park of test_balances over 2025-2039 in three periods, with profiles and a budget of 2025."""
    single = _mixed_park()
    settings = single.settings.to_dict()
    settings["periods"] = {"years": [2025, 2030, 2035], "end": 2039}
    settings["budgets"].append({"id": "early", "limit": 150, "applies_to": "all", "period": 2025})
    raw = single.raw_tables()
    raw["profiles"] = pd.DataFrame(PROFILES).astype(str).set_axis(range(2, len(PROFILES) + 2))
    return Scenario.from_raw(settings, raw)


def _period_view(result: Result, period: int) -> Result:
    """The result as a single-year result of one period: its rows, and what is built by then."""
    def by_then(table: pd.DataFrame) -> pd.Series:
        return table["build_period"].fillna(period + 1).astype(int) <= period

    measures = result.measures.copy()
    measures["funded"] = measures["existing"].astype(bool) | by_then(measures)
    measures["new"] = measures["funded"] & ~measures["existing"].astype(bool)
    tiers = result.tiers.assign(built=by_then(result.tiers))
    tables = {
        "measures": measures,
        "tiers": tiers,
        "links": result.links[result.links["period"] == period].reset_index(drop=True),
        "flows": result.flows[result.flows["period"] == period].reset_index(drop=True),
    }
    return Result(result.summary, tables)


def _in_force(scenario: Scenario) -> list[tuple[int, Scenario]]:
    """Each period's start and the scenario with the profile rows of that period and before applied as overrides.

    Recomputed here from the profiles table (the latest row of each key up to
    the period), independently of the model's own derivation.
    """
    profiles = scenario.profiles
    base = Scenario(scenario.settings, {**scenario.tables, "profiles": profiles.iloc[0:0]}, scenario.sources)
    out = []
    for start in scenario.settings.periods.years:
        rows = profiles[profiles["period"] <= start].sort_values("period")
        overrides = dict(zip(rows["key"], rows["value"], strict=True))  # later rows win
        out.append((start, base.with_overrides(overrides) if overrides else base))
    return out


def check_periods(scenario: Scenario, result: Result) -> None:
    """Every period's balances and limits, then every budget over the periods."""
    in_force = _in_force(scenario)
    for start, period_scenario in in_force:
        without_budgets = Scenario(dataclasses.replace(period_scenario.settings, budgets=()), period_scenario.tables, period_scenario.sources)
        check_solution(without_budgets, _period_view(result, start))
    scenario_of = dict(in_force)
    built = pd.concat([
        result.measures.loc[result.measures["new"], ["id", "build_period"]],
        result.links.loc[result.links["new"], ["id", "build_period"]].drop_duplicates("id"),
        result.tiers.loc[result.tiers["built"], ["item", "build_period"]].rename(columns={"item": "id"}),
    ])
    measure_ids = set(scenario.measures["id"])
    for budget in scenario.settings.budgets:
        draw = 0.0
        for item, when in zip(built["id"], built["build_period"], strict=True):
            if budget.period not in (None, when):
                continue
            then = scenario_of[int(when)]
            use = then.budget_use[then.budget_use["budget"] == budget.id]
            if len(use):
                draw += float(use.loc[use["item"] == item, "amount"].sum())
            elif budget.applies_to.value == "all" or (budget.applies_to.value == "measures") == (item in measure_ids):
                draw += _capex_in_force(then, item)
        assert result.summary["budgets"][budget.id]["used"] == pytest.approx(draw, abs=TOLERANCE)
        if budget.limit is not None:
            assert draw <= budget.limit + TOLERANCE


def _capex_in_force(scenario: Scenario, item: str) -> float:
    for table in (scenario.measures, scenario.links):
        if item in set(table["id"]):
            return float(table.set_index("id").at[item, "capex"])
    link, tier = item.split(":")
    tiers = scenario.link_tiers
    return float(tiers.loc[(tiers["link"] == link) & (tiers["tier"] == tier), "capex"].iloc[0])


@pytest.mark.parametrize("objective", ["cost", "co2", "weighted"])
def test_every_period_satisfies_every_balance_and_budget(objective):
    scenario = _mixed_park_over_time().with_overrides({"carbon_price": 30, "discount_rate": 0.05})
    result = eipopt.solve(scenario, objective)
    assert result.status == "optimal"
    assert sorted(result.flows["period"].unique()) == [2025, 2030, 2035]
    check_periods(scenario, result)


def test_the_period_check_catches_a_broken_balance():
    """Not vacuous: a purchase tampered with in the last period fails it."""
    scenario = _mixed_park_over_time()
    result = eipopt.solve(scenario)
    flows = result.tables["flows"]
    flows.loc[flows.index[flows["period"] == 2035][0], "buy"] += 1.0
    with pytest.raises(AssertionError):
        check_periods(scenario, result)
