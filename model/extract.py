"""Read a solved model into tidy DataFrames (a :class:`Snapshot`).

Reports, the CLI and tests consume these tables, never the Pyomo model.
Values are read generically from the variables and the accounting
expressions; binaries are rounded (HiGHS returns them within its tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from eipopt.model.accounting import CO2_COMPONENTS, COST_COMPONENTS
from eipopt.model.constraints import decision
from eipopt.model.data import tier_item


@dataclass(frozen=True)
class Snapshot:
    """One solution of the model: totals and tables."""

    annual_cost: float
    annual_co2: float
    measures: pd.DataFrame
    links: pd.DataFrame
    tiers: pd.DataFrame
    flows: pd.DataFrame
    budgets: pd.DataFrame
    breakdown: pd.DataFrame


def _val(component) -> float:
    value = pyo.value(component, exception=False)
    return 0.0 if value is None else float(value)


def _binary(var) -> bool:
    return var.value is not None and var.value > 0.5


def _values(var) -> dict:
    return {k: (0.0 if v.value is None else float(v.value)) for k, v in var.items()}


def snapshot(park, scenario) -> Snapshot:
    """Tables of the current variable values of ``park`` (a solved ParkModel)."""
    m, d = park.model, park.data
    measures = _measure_table(m, d, scenario)
    tiers = _tier_table(m, d)
    links = _link_table(m, d, scenario, tiers)
    flows = _flow_table(m, d, scenario)
    budgets = _budget_table(m, d, scenario)
    cost = {c: _val(getattr(m, f"cost_{c}")) for c in COST_COMPONENTS}
    co2 = {c: _val(getattr(m, f"co2_{c}")) for c in CO2_COMPONENTS}
    breakdown = pd.DataFrame(
        [("cost", c, v) for c, v in cost.items()] + [("co2", c, v) for c, v in co2.items()],
        columns=["quantity", "component", "value"],
    )
    # annual_cost / annual_co2 are these sums (accounting.py); summing avoids a second walk of each expression
    return Snapshot(sum(cost.values()), sum(co2.values()), measures, links, tiers, flows, budgets, breakdown)


def _measure_table(m, d, scenario) -> pd.DataFrame:
    table = scenario.measures[["id", "firm", "name", "category", "group", "existing", "capex", "opex_change", "direct_co2_change"]].copy()
    table["funded"] = [_binary(m.fund_measure[k]) for k in table["id"]]
    table["new"] = table["funded"] & ~table["existing"].astype(bool)
    table["annualised_capex"] = [d.params["measure_annualised_capex"][k] for k in table["id"]]
    table["annual_cost"] = table["annualised_capex"] + table["opex_change"]
    return table.reset_index(drop=True)


def _tier_table(m, d) -> pd.DataFrame:
    rows = [
        {
            "link": link,
            "tier": tier,
            "item": tier_item(link, tier),
            "built": _binary(m.build_tier[link, tier]),
            "capacity_added": d.params["tier_capacity"][(link, tier)],
            "capex": d.params["tier_capex"][(link, tier)],
            "annualised_capex": d.params["tier_annualised_capex"][(link, tier)],
            "fixed_opex": d.params["tier_fixed_opex"][(link, tier)],
        }
        for link, tier in d.sets["tiers"]
    ]
    columns = ["link", "tier", "item", "built", "capacity_added", "capex", "annualised_capex", "fixed_opex"]
    return pd.DataFrame(rows, columns=columns).astype({"built": bool})


def _link_table(m, d, scenario, tiers: pd.DataFrame) -> pd.DataFrame:
    table = scenario.links[["id", "source", "sink", "resource", "sink_resource", "kind", "existing", "capex"]].copy()
    table["sink_resource"] = table["sink_resource"].where(table["sink_resource"] != "", table["resource"])
    flow = _values(m.flow)
    table["built"] = [_binary(m.build_link[link]) for link in table["id"]]
    table["new"] = table["built"] & ~table["existing"].astype(bool)
    built_tiers = tiers[tiers["built"]]
    per_link = built_tiers.groupby("link", sort=False).agg(
        tiers=("tier", ";".join),
        capacity_added=("capacity_added", "sum"),
        annualised_capex=("annualised_capex", "sum"),
        fixed_opex=("fixed_opex", "sum"),
    ).to_dict("index")
    no_tiers = {"tiers": "", "capacity_added": 0.0, "annualised_capex": 0.0, "fixed_opex": 0.0}
    added = [per_link.get(link, no_tiers) for link in table["id"]]

    def own_plus_tiers(param: str, tier_column: str) -> list[float]:
        """The link's own amount where it is built, plus its built tiers' amounts."""
        return [
            (d.params[param][link] if built else 0.0) + tier[tier_column]
            for link, built, tier in zip(table["id"], table["built"], added, strict=True)
        ]

    table["tiers_built"] = [tier["tiers"] for tier in added]
    table["capacity"] = [d.params["capacity"][link] for link in table["id"]]
    table["capacity_built"] = own_plus_tiers("capacity", "capacity_added")
    table["flow"] = [flow[link] for link in table["id"]]
    table["delivered"] = table["flow"] * [d.params["link_yield"][link] for link in table["id"]]
    built_capacity = table["capacity_built"].where(table["capacity_built"] > 0)
    table["utilisation"] = (table["flow"] / built_capacity).fillna(0.0)
    table["annualised_capex"] = own_plus_tiers("link_annualised_capex", "annualised_capex")
    table["fixed_opex"] = own_plus_tiers("link_fixed_opex", "fixed_opex")
    table["variable_cost"] = table["flow"] * [d.params["variable_cost"][link] for link in table["id"]]
    table["variable_co2"] = table["flow"] * [d.params["variable_co2"][link] for link in table["id"]]
    return table.reset_index(drop=True)


def _flow_table(m, d, scenario) -> pd.DataFrame:
    """Firm x resource: demand and generation after funded measures, link and market flows."""
    nodes = d.sets["nodes"]
    frame = pd.DataFrame(nodes, columns=["firm", "resource"])
    units = scenario.resources.set_index("id")["unit"]
    frame["unit"] = frame["resource"].map(units)
    funded = {k: _binary(v) for k, v in m.fund_measure.items()}
    demand = dict(d.params["demand"])
    generation = dict(d.params["generation"])
    for (measure, resource), node in zip(d.sets["effects"], d.sets["effect_node"], strict=True):
        if funded[measure]:
            demand[node] += d.params["demand_change"][(measure, resource)]
            generation[node] += d.params["generation_change"][(measure, resource)]
    flow = _values(m.flow)
    link_in = dict.fromkeys(nodes, 0.0)
    link_out = dict.fromkeys(nodes, 0.0)
    for link, source, resource, sink, sink_resource in d.sets["link_endpoints"]:
        link_out[(source, resource)] += flow[link]
        link_in[(sink, sink_resource)] += flow[link] * d.params["link_yield"][link]
    link_use = dict.fromkeys(nodes, 0.0)
    for key, node in zip(d.sets["link_inputs"], d.sets["link_input_node"], strict=True):
        link_use[node] += flow[key[0]] * d.params["link_input_rate"][key]
    market = {name: _values(getattr(m, name)) for name in ("buy", "sell", "dispose")}
    frame["demand"] = [demand[n] for n in nodes]
    frame["generation"] = [generation[n] for n in nodes]
    frame["link_in"] = [link_in[n] for n in nodes]
    frame["link_out"] = [link_out[n] for n in nodes]
    frame["link_use"] = [link_use[n] for n in nodes]
    for name, values in market.items():
        frame[name] = [values.get(n, 0.0) for n in nodes]
    return frame


def _budget_table(m, d, scenario) -> pd.DataFrame:
    used = dict.fromkeys(d.sets["budgets"], 0.0)
    for budget, item in d.sets["budget_draws"]:
        if _binary(decision(m, item)):
            used[budget] += d.params["budget_draw"][(budget, item)]
    rows = [
        {"id": b.id, "applies_to": b.applies_to.value, "limit": b.limit, "used": used[b.id]}
        for b in scenario.settings.budgets
    ]
    return pd.DataFrame(rows, columns=["id", "applies_to", "limit", "used"]).astype({"limit": float})

