"""Read a solved model into tidy DataFrames (a :class:`Snapshot`).

Reports, the CLI and tests consume these tables, never the Pyomo model.
Values are read generically from the variables and the accounting
expressions; binaries are rounded (HiGHS returns them within its tolerance).

With ``periods`` the tables that vary over time (links, flows, breakdown)
have one row per period (a ``period`` column, its start year), items carry
their ``build_period`` and a ``periods`` table gives each period's totals.
Without ``periods`` the tables are those of one representative year, with no
period columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from eipopt.model.accounting import CO2_COMPONENTS, COST_COMPONENTS
from eipopt.model.data import tier_item
from eipopt.model.firm_accounts import financing_table, operating_costs
from eipopt.model.periods import horizon
from eipopt.model.quality_tables import link_quality_table, quality_table
from eipopt.model.solution import SolutionValues, linear_value


@dataclass(frozen=True)
class Snapshot:
    """One solution of the model: totals over the horizon (annual amounts without periods) and tables.

    ``measures``, ``links``, ``tiers``, ``flows``, ``budgets``, ``breakdown``
    and ``periods`` (None without ``periods``) are built on first use from the
    values copied at extraction, so a caller reading only the totals (a sweep)
    does not pay for them, and a table read after the model was re-solved
    still shows this solution.
    """

    total_cost: float
    total_co2: float
    tables: _SolutionTables = field(repr=False)
    # with financing input (None otherwise): item x source money, firms' operating costs, the firms table
    financing: pd.DataFrame | None = None
    firm_costs: pd.DataFrame | None = None
    firms: pd.DataFrame | None = None
    quality: pd.DataFrame | None = None  # None without quality.csv
    link_quality: pd.DataFrame | None = None  # None without quality.csv

    measures = property(lambda self: self.tables.measures)
    links = property(lambda self: self.tables.links)
    tiers = property(lambda self: self.tables.tiers)
    flows = property(lambda self: self.tables.flows)
    budgets = property(lambda self: self.tables.budgets)
    breakdown = property(lambda self: self.tables.breakdown)
    periods = property(lambda self: self.tables.periods if self.tables.with_periods else None)


@dataclass(frozen=True)
class Plan:
    """What a solution builds by the end (ids in table order) and draws from each budget."""

    measures_funded: list[str]  # new measures (existing ones are not funded by the plan)
    links_built: list[str]  # new links
    tiers_built: list[str]  # LINK:TIER items
    capex_total: float  # capex of all of these, each in force in its build period
    budget_use: dict[str, float]  # budget id -> what the plan draws from it


class _Timing:
    """When each item is built: the first period its cumulative binary is 1 (None: never)."""

    def __init__(self, values: SolutionValues, d):
        self.periods = d.sets["periods"]
        self.first = self.periods[0]
        self._values = values
        self._cache: dict[str, int | None] = {}

    def built_by(self, item: str, period) -> bool:
        """The item's binary in ``period`` (a measure, a link, or a tier ``LINK:TIER``): built by then."""
        for name in ("fund_measure", "build_link"):
            if self._values.has(name, (item, period)):
                return self._values.binary(name, (item, period))
        link, tier = item.split(":", 1)
        return self._values.binary("build_tier", (link, tier, period))

    def build_period(self, item: str) -> int | None:
        if item not in self._cache:
            self._cache[item] = next((p for p in self.periods if self.built_by(item, p)), None)
        return self._cache[item]

    def reference(self, item: str) -> int:
        """The period whose capex, lifetime and draws apply to the item: its build period, else the first."""
        built = self.build_period(item)
        return self.first if built is None else built


def snapshot(park, scenario) -> Snapshot:
    """The totals of the current variable values of ``park`` (a solved ParkModel), and its tables (built when read)."""
    m, d = park.model, park.data
    periods = d.sets["periods"]
    cost = {(c, p): linear_value(m, getattr(m, f"cost_{c}")[p]) for c in COST_COMPONENTS for p in periods}
    co2 = {(c, p): linear_value(m, getattr(m, f"co2_{c}")[p]) for c in CO2_COMPONENTS for p in periods}
    tables = _SolutionTables(scenario, d, SolutionValues(m), cost, co2)
    # the horizon totals are these sums (accounting.py); summing avoids a second walk of each expression
    total_cost = sum(d.params["discount_weight"][p] * tables.annual_cost[p] for p in periods)
    total_co2 = sum(d.params["period_years"][p] * tables.annual_co2[p] for p in periods)
    with_periods = tables.with_periods
    quality = link_quality = None
    if len(scenario.tables["quality"]):  # read from the model now: these tables are not built later
        quality = _by_period(d, with_periods, lambda p: quality_table(m, d, scenario, p))
        link_quality = _by_period(d, with_periods, lambda p: link_quality_table(m, d, scenario, p))
    if not d.sets["financing_on"]:
        return Snapshot(total_cost, total_co2, tables, quality=quality, link_quality=link_quality)
    return Snapshot(total_cost, total_co2, tables, financing_table(park, with_periods), operating_costs(park),
                    quality=quality, link_quality=link_quality)


class _SolutionTables:
    """The result tables of one solution, each built on first use from copied values (the model may have moved on)."""

    def __init__(self, scenario, d, values: SolutionValues, cost: dict, co2: dict):
        self.scenario, self.d, self.values = scenario, d, values
        self.cost, self.co2 = cost, co2
        self.with_periods = scenario.settings.periods is not None
        self.annual_cost = {p: sum(cost[(c, p)] for c in COST_COMPONENTS) for p in d.sets["periods"]}
        self.annual_co2 = {p: sum(co2[(c, p)] for c in CO2_COMPONENTS) for p in d.sets["periods"]}

    @cached_property
    def timing(self) -> _Timing:
        return _Timing(self.values, self.d)

    @cached_property
    def measure_columns(self) -> dict[str, list]:
        return _measure_columns(self.values, self.d, self.scenario, self.timing)

    @cached_property
    def measures(self) -> pd.DataFrame:
        return _measure_table(self.measure_columns, self.scenario, self.timing, self.with_periods)

    @cached_property
    def tier_columns(self) -> dict[str, list]:
        return _tier_columns(self.d, self.timing)

    @cached_property
    def tiers(self) -> pd.DataFrame:
        return _tier_table(self.d, self.tier_columns, self.timing, self.with_periods)

    @cached_property
    def link_columns_at_end(self) -> dict[str, list]:
        """``capex``, ``built`` and ``new`` of every link in the last period (what is built by the end)."""
        return _link_columns(self.values, self.d, self.scenario, self.timing, self.d.sets["periods"][-1])

    @cached_property
    def budget_use(self) -> dict[str, float]:
        return _budget_use(self.d, self.scenario, self.timing)

    def plan(self) -> Plan:
        """What the solution builds by the end, with capex, and what it draws from each budget, without building a table."""
        def new(ids, columns: dict[str, list], flag: str) -> tuple[list, list]:
            chosen = [(i, capex) for i, capex, is_new in zip(ids, columns["capex"], columns[flag], strict=True) if is_new]
            return [i for i, _ in chosen], [capex for _, capex in chosen]

        measures, measure_capex = new(self.scenario.measures["id"].tolist(), self.measure_columns, "new")
        links, link_capex = new(self.scenario.links["id"].tolist(), self.link_columns_at_end, "new")
        tiers, tier_capex = new(self.tier_columns["item"], self.tier_columns, "built")
        # summed as pandas sums a column (numpy), in the order the tables sum them
        capex = np.array(measure_capex, dtype=float).sum() + np.array(link_capex, dtype=float).sum() + np.array(tier_capex, dtype=float).sum()
        return Plan(measures, links, tiers, float(capex), self.budget_use)

    @cached_property
    def links(self) -> pd.DataFrame:
        return _by_period(self.d, self.with_periods,
                          lambda p: _link_table(self.values, self.d, self.scenario, self.tiers, self.timing, p, self.with_periods))

    @cached_property
    def flows(self) -> pd.DataFrame:
        return _by_period(self.d, self.with_periods, lambda p: _flow_table(self.values, self.d, self.scenario, p))

    @cached_property
    def budgets(self) -> pd.DataFrame:
        return _budget_table(self.budget_use, self.scenario, self.with_periods)

    @cached_property
    def breakdown(self) -> pd.DataFrame:
        rows = [("cost", c, p, v) for (c, p), v in self.cost.items()] + [("co2", c, p, v) for (c, p), v in self.co2.items()]
        breakdown = pd.DataFrame(rows, columns=["quantity", "component", "period", "value"])
        breakdown = breakdown.sort_values(["period"], kind="stable").reset_index(drop=True)
        return breakdown if self.with_periods else breakdown.drop(columns="period")

    @cached_property
    def periods(self) -> pd.DataFrame:
        last = self.d.sets["periods"][-1]
        links = self.links[self.links["period"] == last]
        return _period_table(self.scenario, self.annual_cost, self.annual_co2, self.cost, self.measures, links, self.tiers)


def _by_period(d, with_periods: bool, table_of) -> pd.DataFrame:
    """One table per period, stacked with a ``period`` column (the single table without periods)."""
    if not with_periods:
        return table_of(d.sets["periods"][0])
    frames = [table_of(p).assign(period=p) for p in d.sets["periods"]]
    out = pd.concat(frames, ignore_index=True)
    return out[["period", *[c for c in out.columns if c != "period"]]]


def _build_period_column(table: pd.DataFrame, ids, timing: _Timing, after: str) -> None:
    """Insert ``build_period`` (start year; NaN when not built) after column ``after``."""
    values = [timing.build_period(i) for i in ids]
    table.insert(table.columns.get_loc(after) + 1, "build_period", pd.array(values, dtype="Int64"))


def _measure_columns(values: SolutionValues, d, scenario, timing: _Timing) -> dict[str, list]:
    """Per measure row: funded by the end, new (funded, not existing), capex and annualised capex in force when built."""
    ids, existing = scenario.measures["id"].tolist(), scenario.measures["existing"].astype(bool).tolist()
    last = d.sets["periods"][-1]
    funded = [values.binary("fund_measure", (k, last)) for k in ids]
    reference = [timing.reference(k) for k in ids]
    return {
        "funded": funded,
        "new": [f and not e for f, e in zip(funded, existing, strict=True)],
        "capex": [d.params["measure_capex"][(k, p)] for k, p in zip(ids, reference, strict=True)],
        "annualised_capex": [d.params["measure_annualised_capex"][(k, p)] for k, p in zip(ids, reference, strict=True)],
    }


def _measure_table(columns: dict[str, list], scenario, timing: _Timing, with_periods: bool) -> pd.DataFrame:
    table = scenario.measures[["id", "firm", "name", "category", "group", "existing", "capex", "opex_change", "direct_co2_change"]].copy()
    for column in ("funded", "new", "capex", "annualised_capex"):
        table[column] = np.array(columns[column], dtype=bool) if column == "new" else columns[column]  # bool also with no rows
    table["annual_cost"] = table["annualised_capex"] + table["opex_change"]
    if with_periods:
        _build_period_column(table, table["id"], timing, "new")
    return table.reset_index(drop=True)


def _tier_columns(d, timing: _Timing) -> dict[str, list]:
    """Per tier: its item id, built (in some period), and its numbers in force when built (else in the first period)."""
    items = [tier_item(link, tier) for link, tier in d.sets["tiers"]]
    keys = [(link, tier, timing.reference(item)) for (link, tier), item in zip(d.sets["tiers"], items, strict=True)]
    columns = {"item": items, "built": [timing.build_period(item) is not None for item in items]}
    for column, param in (("capacity_added", "tier_capacity"), ("capex", "tier_capex"), ("annualised_capex", "tier_annualised_capex"), ("fixed_opex", "tier_fixed_opex")):
        columns[column] = [d.params[param][key] for key in keys]
    return columns


def _tier_table(d, columns: dict[str, list], timing: _Timing, with_periods: bool) -> pd.DataFrame:
    names = ["link", "tier", "item", "built", "capacity_added", "capex", "annualised_capex", "fixed_opex"]
    links, tiers = [link for link, _ in d.sets["tiers"]], [tier for _, tier in d.sets["tiers"]]
    # no tiers: untyped columns (object), as a table of no rows has always been
    table = pd.DataFrame({"link": links, "tier": tiers, **columns} if links else None, columns=names).astype({"built": bool})
    if with_periods:
        _build_period_column(table, table["item"], timing, "built")
    return table


def _link_columns(values: SolutionValues, d, scenario, timing: _Timing, p) -> dict[str, list]:
    """Per link row in period p: capex in force when built, built by then, new (built, not existing)."""
    ids, existing = scenario.links["id"].tolist(), scenario.links["existing"].astype(bool).tolist()
    built = [values.binary("build_link", (link, p)) for link in ids]
    return {
        "capex": [d.params["link_capex"][(link, timing.reference(link))] for link in ids],
        "built": built,
        "new": [b and not e for b, e in zip(built, existing, strict=True)],
    }


def _link_items(columns: dict[str, list], scenario, timing: _Timing, with_periods: bool) -> pd.DataFrame:
    """The first columns of the links table in a period: ends, kind, capex, built by then, new (and build period)."""
    table = scenario.links[["id", "source", "sink", "resource", "sink_resource", "kind", "existing", "capex"]].copy()
    table["sink_resource"] = table["sink_resource"].where(table["sink_resource"] != "", table["resource"])
    for column in ("capex", "built", "new"):
        table[column] = np.array(columns[column], dtype=bool) if column == "new" else columns[column]  # bool also with no rows
    if with_periods:
        _build_period_column(table, table["id"], timing, "new")
    return table


def _link_table(values: SolutionValues, d, scenario, tiers: pd.DataFrame, timing: _Timing, p, with_periods: bool) -> pd.DataFrame:
    """Links in period p: built by then, capacity, flow and costs in force in p."""
    table = _link_items(_link_columns(values, d, scenario, timing, p), scenario, timing, with_periods)
    flow = {link: values.value("flow", (link, p)) for link in table["id"]}
    built_tiers = [(link, tier) for link, tier in zip(tiers["link"], tiers["tier"], strict=True) if values.binary("build_tier", (link, tier, p))]
    tier_values = {
        (link, tier): {
            "capacity_added": d.params["tier_capacity"][(link, tier, p)],
            # a tier pays the annual capex in force when it was built
            "annualised_capex": d.params["tier_annualised_capex"][(link, tier, timing.reference(tier_item(link, tier)))],
            "fixed_opex": d.params["tier_fixed_opex"][(link, tier, p)],
        }
        for link, tier in built_tiers
    }
    per_link: dict[str, dict] = {}
    for (link, tier), values in tier_values.items():
        entry = per_link.setdefault(link, {"tiers": [], "capacity_added": 0.0, "annualised_capex": 0.0, "fixed_opex": 0.0})
        entry["tiers"].append(tier)
        for column in ("capacity_added", "annualised_capex", "fixed_opex"):
            entry[column] += values[column]
    no_tiers = {"tiers": [], "capacity_added": 0.0, "annualised_capex": 0.0, "fixed_opex": 0.0}
    added = [per_link.get(link, no_tiers) for link in table["id"]]

    def own_plus_tiers(param: str, tier_column: str, own_period=None) -> list[float]:
        """The link's own amount where it is built, plus its built tiers' amounts."""
        return [
            (d.params[param][(link, own_period(link) if own_period else p)] if built else 0.0) + tier[tier_column]
            for link, built, tier in zip(table["id"], table["built"], added, strict=True)
        ]

    table["tiers_built"] = [";".join(tier["tiers"]) for tier in added]
    table["capacity"] = [d.params["capacity"][(link, p)] for link in table["id"]]
    table["capacity_built"] = own_plus_tiers("capacity", "capacity_added")
    table["flow"] = [flow[link] for link in table["id"]]
    table["delivered"] = table["flow"] * [d.params["link_yield"][(link, p)] for link in table["id"]]
    built_capacity = table["capacity_built"].where(table["capacity_built"] > 0)
    table["utilisation"] = (table["flow"] / built_capacity).fillna(0.0)
    table["annualised_capex"] = own_plus_tiers("link_annualised_capex", "annualised_capex", timing.reference)
    table["fixed_opex"] = own_plus_tiers("link_fixed_opex", "fixed_opex")
    table["variable_cost"] = table["flow"] * [d.params["variable_cost"][(link, p)] for link in table["id"]]
    table["variable_co2"] = table["flow"] * [d.params["variable_co2"][(link, p)] for link in table["id"]]
    return table.reset_index(drop=True)


def _flow_table(values: SolutionValues, d, scenario, p) -> pd.DataFrame:
    """Firm x resource in period p: demand and generation after funded measures, link and market flows."""
    nodes = d.sets["nodes"]
    frame = pd.DataFrame(nodes, columns=["firm", "resource"])
    units = scenario.resources.set_index("id")["unit"]
    frame["unit"] = frame["resource"].map(units)
    demand = {n: d.params["demand"][(*n, p)] for n in nodes}
    generation = {n: d.params["generation"][(*n, p)] for n in nodes}
    for (measure, resource), node in zip(d.sets["effects"], d.sets["effect_node"], strict=True):
        if values.binary("fund_measure", (measure, p)):
            demand[node] += d.params["demand_change"][(measure, resource, p)]
            generation[node] += d.params["generation_change"][(measure, resource, p)]
    link_in = dict.fromkeys(nodes, 0.0)
    link_out = dict.fromkeys(nodes, 0.0)
    for link, source, resource, sink, sink_resource in d.sets["link_endpoints"]:
        sent = values.value("flow", (link, p))
        link_out[(source, resource)] += sent
        link_in[(sink, sink_resource)] += sent * d.params["link_yield"][(link, p)]
    link_use = dict.fromkeys(nodes, 0.0)
    for (link, resource), node in zip(d.sets["link_inputs"], d.sets["link_input_node"], strict=True):
        link_use[node] += values.value("flow", (link, p)) * d.params["link_input_rate"][(link, resource, p)]
    frame["demand"] = [demand[n] for n in nodes]
    frame["generation"] = [generation[n] for n in nodes]
    frame["link_in"] = [link_in[n] for n in nodes]
    frame["link_out"] = [link_out[n] for n in nodes]
    frame["link_use"] = [link_use[n] for n in nodes]
    for name in ("buy", "sell", "dispose"):
        frame[name] = [values.value(name, (*n, p)) for n in nodes]
    return frame


def _budget_use(d, scenario, timing: _Timing) -> dict[str, float]:
    """What each budget's items draw in their build period (a budget with ``period``: only items built then)."""
    used = dict.fromkeys(d.sets["budgets"], 0.0)
    for budget, item in d.sets["budget_draws"]:
        built = timing.build_period(item)
        if built is not None and scenario.settings.budget(budget).period in (None, built):
            used[budget] += d.params["budget_draw"][(budget, item, built)]
    return used


def _budget_table(used: dict[str, float], scenario, with_periods: bool) -> pd.DataFrame:
    rows = [
        {"id": b.id, "applies_to": b.applies_to.value, "limit": b.limit, "used": used[b.id], "period": b.period}
        for b in scenario.settings.budgets
    ]
    columns = ["id", "applies_to", "limit", "used"] + (["period"] if with_periods else [])
    table = pd.DataFrame(rows, columns=columns).astype({"limit": float})
    return table.astype({"period": "Int64"}) if with_periods else table


def _period_table(scenario, annual_cost, annual_co2, cost, measures, links, tiers) -> pd.DataFrame:
    """Each period: its years, discount weight, annual cost and CO2e, capex of what is built in it."""
    built = pd.concat([
        measures.loc[measures["new"], ["id", "build_period", "capex"]],
        links.loc[links["new"], ["id", "build_period", "capex"]],
        tiers.loc[tiers["built"], ["item", "build_period", "capex"]].rename(columns={"item": "id"}),
    ])
    rows = []
    for period in horizon(scenario.settings):
        in_period = built[built["build_period"] == period.start]
        rows.append({
            "period": period.start,
            "first_year": period.first_year,
            "last_year": period.last_year,
            "years": period.n_years,
            "discount_weight": period.discount_weight,
            "annual_cost": annual_cost[period.start],
            "annual_co2": annual_co2[period.start],
            "capex": float(in_period["capex"].sum()),
            "annualised_capex_paid": cost[("capex", period.start)],
            "built": ";".join(in_period["id"]),
        })
    return pd.DataFrame(rows)

