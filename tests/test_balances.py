"""Recompute every balance, capacity, market limit and budget from the result tables with pandas.

The recomputation starts from the scenario's own tables (baseline flows plus the
effects of the measures the result says are funded; link flows from the links
table), not from the model, so a wrong constraint or a wrong extraction shows
up as a violation above 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import eipopt
from eipopt.model.validation import item_ids
from tests.conftest import SCENARIOS
from tests.tiny import WASTE, make_scenario

TOLERANCE = 1e-6


def _mixed_park():
    """Measures, groups, requires, tiers, link inputs, an existing link, budgets with budget_use."""
    resources = [
        WASTE,
        {"id": "feed", "unit": "t", "buy_price": 8, "buy_emission_factor": 0.2, "sell_price": 3},
        {"id": "elec", "unit": "MWh", "kind": "energy", "buy_price": 2, "buy_emission_factor": 0.5},
        {"id": "steam", "unit": "MWh", "kind": "energy", "buy_price": 4, "disposal_cost": 0},
    ]
    flows = [
        {"firm": "A", "resource": "waste", "generation": 50},
        {"firm": "A", "resource": "elec", "demand": 80},
        {"firm": "B", "resource": "feed", "demand": 60, "sell_limit": 5},
        {"firm": "B", "resource": "steam", "demand": 40, "buy_limit": 30},
        {"firm": "C", "resource": "steam", "generation": 25},
    ]
    links = [
        {"id": "L", "source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "yield": 0.8,
         "capacity": 30, "capex": 200, "lifetime_years": 10, "fixed_opex": 30, "variable_cost": 1},
        {"id": "S", "source": "C", "sink": "B", "resource": "steam", "capacity": 20, "existing": "true", "variable_cost": 0.5},
    ]
    measures = [
        {"id": "vsd", "firm": "A", "capex": 100, "lifetime_years": 10, "group": "motors"},
        {"id": "motor", "firm": "A", "capex": 150, "lifetime_years": 10, "group": "motors"},
        {"id": "sorting", "firm": "A", "capex": 80, "lifetime_years": 8, "requires": "vsd"},
    ]
    effects = [
        {"measure": "vsd", "resource": "elec", "demand_change": -20},
        {"measure": "motor", "resource": "elec", "demand_change": -25},
        {"measure": "sorting", "resource": "waste", "generation_change": 10},
        {"measure": "sorting", "resource": "elec", "demand_change": 2},
    ]
    settings = {"discount_rate": 0.05, "budgets": [{"id": "capex", "limit": 500}, {"id": "grant", "limit": 120}]}
    return make_scenario(
        settings,
        resources=resources,
        firms=[{"id": "A"}, {"id": "B"}, {"id": "C"}],
        flows=flows,
        links=links,
        link_tiers=[{"link": "L", "tier": "t1", "capacity_added": 15, "capex": 50}],
        link_inputs=[{"link": "L", "resource": "elec", "per_unit_sent": 0.1, "at": "source"}],
        measures=measures,
        measure_effects=effects,
        budget_use=[{"item": "sorting", "budget": "grant", "amount": 80}, {"item": "L:t1", "budget": "grant", "amount": 50}],
    )


def _shipped() -> list[Path]:
    """The single-year shipped scenarios (each period of the multi-period ones: test_periods_scenarios)."""
    folders = (p for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file())
    return sorted(p for p in folders if "periods" not in yaml.safe_load((p / "scenario.yaml").read_text(encoding="utf-8")))


def check_solution(scenario, result) -> None:
    """Assert every balance, capacity, limit and budget holds in the result tables."""
    measures, links, tiers, flows = result.measures, result.links, result.tiers, result.flows
    funded = set(measures.loc[measures["funded"], "id"])

    # demand and generation after the funded measures, from the scenario's tables
    base = flows[["firm", "resource"]].merge(scenario.flows, on=["firm", "resource"], how="left")[["firm", "resource", "demand", "generation"]].fillna(0.0)
    effects = scenario.measure_effects.merge(scenario.measures[["id", "firm"]], left_on="measure", right_on="id")
    effects = effects[effects["measure"].isin(funded)].groupby(["firm", "resource"])[["demand_change", "generation_change"]].sum()
    base = base.set_index(["firm", "resource"]).join(effects).fillna(0.0)
    demand = base["demand"] + base["demand_change"]
    generation = base["generation"] + base["generation_change"]

    # link flows into and out of each node, and what links consume
    sent = links.groupby(["source", "resource"])["flow"].sum()
    delivered = links.groupby(["sink", "sink_resource"])["delivered"].sum()
    inputs = scenario.link_inputs.merge(links[["id", "source", "sink", "flow"]], left_on="link", right_on="id")
    inputs["firm"] = inputs["sink"].where(inputs["at"] == "sink", inputs["source"])
    inputs["used"] = inputs["per_unit_sent"] * inputs["flow"]
    used = inputs.groupby(["firm", "resource"])["used"].sum()

    table = flows.set_index(["firm", "resource"])
    index = table.index
    residual = (
        table["buy"] + delivered.reindex(index, fill_value=0.0) + generation.reindex(index)
        - demand.reindex(index) - sent.reindex(index, fill_value=0.0) - used.reindex(index, fill_value=0.0)
        - table["sell"] - table["dispose"]
    )
    assert residual.abs().max() <= TOLERANCE * max(1.0, table[["buy", "sell", "dispose"]].abs().to_numpy().max()), residual[residual.abs() > TOLERANCE]

    # market rules: nothing bought, sold or disposed of where the price is blank; limits respected
    resources = scenario.resources.set_index("id")
    for market, price in (("buy", "buy_price"), ("sell", "sell_price"), ("dispose", "disposal_cost")):
        no_market = resources[price].isna().reindex(table.index.get_level_values("resource")).to_numpy()
        assert (table.loc[no_market, market].abs() <= TOLERANCE).all()
    limits = scenario.flows.set_index(["firm", "resource"])
    for market in ("buy", "sell"):
        limited = limits[f"{market}_limit"].dropna()
        assert (table[market].reindex(limited.index, fill_value=0.0) <= limited + TOLERANCE).all()

    # capacity: base capacity when built plus built tiers (recomputed from the tiers table)
    tier_capacity = tiers[tiers["built"]].groupby("link")["capacity_added"].sum()
    capacity = links.set_index("id")["capacity"] * links.set_index("id")["built"] + tier_capacity.reindex(links["id"], fill_value=0.0).to_numpy()
    assert (links.set_index("id")["flow"] <= capacity + TOLERANCE).all()
    assert not (tiers["built"] & ~tiers["link"].map(links.set_index("id")["built"])).any()

    # groups and requires
    groups = measures[measures["funded"] & (measures["group"] != "")].groupby("group").size()
    assert (groups <= 1).all()
    chosen = funded | set(links.loc[links["built"], "id"])
    for table_name in ("measures", "links"):
        for row in getattr(scenario, table_name).itertuples():
            if row.id in chosen and row.requires:
                assert set(row.requires.split(";")) <= chosen

    # budgets: recompute what funded new items draw
    new_items = set(measures.loc[measures["new"], "id"]) | set(links.loc[links["new"], "id"]) | set(tiers.loc[tiers["built"], "item"])
    capex = pd.concat([measures.set_index("id")["capex"], links.set_index("id")["capex"], tiers.set_index("item")["capex"]])
    assert new_items <= item_ids(scenario)
    for budget in scenario.settings.budgets:
        rows = scenario.budget_use[scenario.budget_use["budget"] == budget.id]
        if len(rows):
            draw = sum(a for item, a in zip(rows["item"], rows["amount"], strict=True) if item in new_items)
        else:
            kinds = {"all": new_items, "measures": new_items & set(measures["id"]), "links": new_items - set(measures["id"])}
            draw = sum(capex[item] for item in kinds[budget.applies_to.value])
        assert result.summary["budgets"][budget.id]["used"] == pytest.approx(draw, abs=TOLERANCE)
        if budget.limit is not None:
            assert draw <= budget.limit + TOLERANCE


def test_mixed_park_satisfies_every_balance_and_budget():
    scenario = _mixed_park()
    for objective in ("cost", "co2", "weighted"):
        result = eipopt.solve(scenario.with_overrides({"carbon_price": 30}), objective)
        assert result.status == "optimal"
        check_solution(scenario, result)


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.name)
def test_shipped_scenarios_satisfy_every_balance_and_budget(path):
    scenario = eipopt.load_scenario(path)
    result = eipopt.solve(scenario)
    assert result.status in ("optimal", "feasible")
    check_solution(scenario, result)


def test_the_check_catches_a_broken_balance():
    """The recomputation is not vacuous: a tampered table fails it."""
    scenario = _mixed_park()
    result = eipopt.solve(scenario)
    result.tables["flows"].loc[0, "buy"] += 1.0
    with pytest.raises(AssertionError):
        check_solution(scenario, result)
