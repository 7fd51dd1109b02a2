"""Index sets and parameter values of the MILP, derived from a scenario.

:func:`model_data` is the only place that reads scenario tables for the model:
it fixes the sparse index sets (which variables and constraints exist) and the
numeric parameters (prices, capacities, annualised capex ...). Two scenarios
with equal ``sets`` share one model structure, so a built model can be
re-parameterised instead of rebuilt (:func:`eipopt.model.build.update_parameters`).
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import pandas as pd

from eipopt.model.periods import period_scenarios
from eipopt.model.quality import quality_values
from eipopt.model.schema import KEY_SEPARATOR
from eipopt.model.settings import AppliesTo
from eipopt.model.units import annual_amount
from eipopt.model.validation import split_ids


def capital_recovery_factor(rate: float, years: float) -> float:
    """Annuity factor turning an investment into an equal annual cost.

    CRF = r (1 + r)^n / ((1 + r)^n - 1), and 1 / n when r = 0.

    >>> round(capital_recovery_factor(0.08, 10), 6)
    0.149029
    """
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def link_capacity_factor(capacity_unit: str, operating_hours: float, resource: dict, hours_per_year: float) -> float:
    """The annual amount, in the resource's unit, of one ``capacity_unit`` of a link's capacity.

    A rate (m3/h, t/h ...) runs ``operating_hours`` a year (blank: ``hours_per_year``);
    volume and mass convert through the resource's ``density_kg_per_m3``.
    """
    link_hours = hours_per_year if math.isnan(operating_hours) else operating_hours
    return annual_amount(1.0, capacity_unit, resource["unit"], link_hours, resource["density_kg_per_m3"])


def tier_item(link: str, tier: str) -> str:
    """Item id of a link tier, as used in ``budget_use`` and results."""
    return f"{link}{KEY_SEPARATOR}{tier}"


@dataclass(frozen=True)
class ModelData:
    """Sets (the structure) and parameters (the numbers) of one model instance.

    ``sets`` maps a set name to an ordered list of index tuples or ids;
    ``params`` maps a parameter name to {index: value}, the index ending with
    the period for every parameter that can change over time.
    """

    sets: dict[str, list]
    params: dict[str, dict]


def _nan_to_none(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


#: Index of the components that hold over the whole horizon (the cumulative CO2e cap).
HORIZON = "horizon"

#: Parameters with one value over the horizon (all others take the value in force in each period).
HORIZON_PARAMS = frozenset({"budget_limit", "source_limit", "equity_limit"})  # limits over the whole plan

#: Annualised capex parameters and the decision sets they belong to (see :func:`_capex_steps`).
ANNUALISED_CAPEX = {"measure_annualised_capex": "measures", "link_annualised_capex": "links", "tier_annualised_capex": "tiers"}


def model_data(scenario) -> ModelData:
    """Derive the model's sets and parameters from a validated scenario, for every period.

    Sets are those of the base scenario plus the periods; every parameter but
    those of :data:`HORIZON_PARAMS` gets the period as its last index and the
    value in force in that period (profiles). A scenario without ``periods`` is
    one period (:data:`~eipopt.model.periods.SINGLE_PERIOD`).

    The result is remembered while the scenario lives (treat it as read-only).
    A what-if made by ``with_overrides`` starts from its parent's data where
    that was computed, and recomputes only the parameters its changed cells
    feed (:func:`~eipopt.model.data_changes.derived_data`; the full
    computation for any cell that map does not know).
    """
    from eipopt.model.data_changes import remembered_or_derived  # it builds on this module

    return remembered_or_derived(scenario, _computed)


def _computed(scenario) -> ModelData:
    """The model data of ``scenario`` from its tables and settings (see :func:`model_data`)."""
    periods = period_scenarios(scenario)
    in_force: dict[int, tuple] = {}  # id of a period's scenario -> its sets, parameters and settings
    for _, period_scenario in periods:
        if id(period_scenario) not in in_force:
            in_force[id(period_scenario)] = _values_in_force(period_scenario)
    first_sets, first_params, _ = in_force[id(periods[0][1])]
    for sets_p, _, _ in in_force.values():
        changed = [name for name in first_sets if sets_p[name] != first_sets[name]]
        if changed:  # validation keeps structure fixed (profiles change only numbers); a guard
            raise ValueError(f"profiles change the model's structure: {', '.join(changed)}")
    starts = [period.start for period, _ in periods]
    sets = {**first_sets, "periods": starts, "period_predecessor": list(zip(starts[1:], starts[:-1], strict=True))}
    params: dict[str, dict] = {}
    for name, first_values in first_params.items():
        if name in HORIZON_PARAMS:
            params[name] = first_values
        else:
            params[name] = _stack_periods([(period.start, in_force[id(s)][1][name]) for period, s in periods])
    settings_in_force = {period.start: in_force[id(s)][2] for period, s in periods}
    sets["co2_limited"] = [p for p in starts if settings_in_force[p]["max_co2"] is not None]
    sets["symbiosis_required"] = [p for p in starts if settings_in_force[p]["min_symbiosis_links"] > 0]
    params["max_co2"] = {p: float(settings_in_force[p]["max_co2"]) for p in sets["co2_limited"]}
    total_cap = scenario.settings.constraints.max_co2_total
    sets["co2_total_limited"] = [] if total_cap is None else [HORIZON]
    params["max_co2_total"] = {} if total_cap is None else {HORIZON: float(total_cap)}
    params["min_symbiosis_links"] = {p: settings_in_force[p]["min_symbiosis_links"] for p in sets["symbiosis_required"]}
    params["carbon_price"] = {p: settings_in_force[p]["carbon_price"] for p in starts}
    params["discount_weight"] = {period.start: period.discount_weight for period, _ in periods}
    params["period_years"] = {period.start: float(period.n_years) for period, _ in periods}
    profiled = _items_with_capex_profiles(scenario)
    for annualised, decisions in ANNUALISED_CAPEX.items():
        items = [item for item in sets[decisions] if item in profiled]
        steps = _capex_steps(params[annualised], items, sets["period_predecessor"])
        sets[f"{annualised}_steps"] = list(steps)
        params[f"{annualised}_step"] = steps
    return ModelData(sets, params)


def _stack_periods(values_by_period: list[tuple[int, dict]]) -> dict:
    """One parameter's {index: value} of each period as one {(index..., period): value}."""
    if not values_by_period[0][1]:
        return {}
    if isinstance(next(iter(values_by_period[0][1])), tuple):
        return {key + (p,): value for p, values in values_by_period for key, value in values.items()}
    return {(key, p): value for p, values in values_by_period for key, value in values.items()}


def with_period(key, period: int) -> tuple:
    """A parameter or variable index with the period appended (``'L'`` -> ``('L', 2030)``)."""
    return key + (period,) if isinstance(key, tuple) else (key, period)


def _capex_steps(annualised: dict, items: list, predecessors: list[tuple[int, int]]) -> dict[tuple, float]:
    """{(item..., q): A[i, next(q)] - A[i, q]}: how the annual capex payment of each item changes after period q.

    The payment in period p of an item built once is sum_{q <= p} A_iq b_iq
    with b_iq = x_iq - x_i,q-1; by parts it is A_ip x_ip - sum_{q < p} (A_i,q+1 - A_iq) x_iq,
    so only items whose capex or lifetime can change over time (``items``) add terms.
    """
    return {
        with_period(item, previous): annualised[with_period(item, period)] - annualised[with_period(item, previous)]
        for item in items
        for period, previous in predecessors
    }


def _items_with_capex_profiles(scenario) -> set:
    """Measures, links and tiers ((link, tier)) whose capex or lifetime has a profile row.

    A link's lifetime also annualises its tiers. The set is part of the model's
    structure, so a what-if that changes a profile value re-parameterises the
    built model (a zero step is a parameter, not a missing term).
    """
    profiled: set = set()
    tiers = scenario.link_tiers
    for key in scenario.profiles["key"]:
        parts = key.split(".")
        if len(parts) != 3 or parts[2] not in ("capex", "lifetime_years"):
            continue
        table, item, column = parts
        if table == "measures":
            profiled.add(item)
        elif table == "links":
            profiled.add(item)
            if column == "lifetime_years":
                profiled |= set(zip(tiers.loc[tiers["link"] == item, "link"], tiers.loc[tiers["link"] == item, "tier"], strict=True))
        elif table == "link_tiers":
            profiled.add(tuple(item.split(KEY_SEPARATOR, 1)))
    return profiled


def _values_in_force(scenario) -> tuple[dict[str, list], dict[str, dict], dict[str, float | None]]:
    """Sets, parameters and settings of one scenario's numbers, without the period index."""
    settings = scenario.settings
    resources = scenario.resources.set_index("id").to_dict("index")
    measures = scenario.measures
    links = scenario.links.assign(
        sink_resource=lambda d: d["sink_resource"].where(d["sink_resource"] != "", d["resource"])
    )
    tiers = scenario.link_tiers
    flows = scenario.flows
    link_inputs = scenario.link_inputs.merge(
        links[["id", "source", "sink"]].rename(columns={"id": "link"}), on="link"
    )
    link_inputs["firm"] = link_inputs["sink"].where(link_inputs["at"] == "sink", link_inputs["source"])
    effects = scenario.measure_effects.merge(
        measures[["id", "firm"]].rename(columns={"id": "measure"}), on="measure"
    )

    # each table's rows read once, only the columns used (pandas' row iteration is slow on wide tables)
    measure_rows = _rows(measures, ["id", "existing", "capex", "lifetime_years", "requires"])
    link_rows = _rows(links, ["id", "source", "resource", "sink", "sink_resource", "capacity_unit", "operating_hours",
                              "lifetime_years", "capacity", "existing", "capex", "requires"])
    tier_rows = _rows(tiers, ["link", "tier", "capacity_added", "capex", "fixed_opex"])

    sets: dict[str, list] = {}
    params: dict[str, dict] = {}

    # --- balances: every firm x resource that appears anywhere
    nodes = list(
        dict.fromkeys(
            list(zip(flows["firm"], flows["resource"], strict=True))
            + list(zip(links["source"], links["resource"], strict=True))
            + list(zip(links["sink"], links["sink_resource"], strict=True))
            + list(zip(effects["firm"], effects["resource"], strict=True))
            + list(zip(link_inputs["firm"], link_inputs["resource"], strict=True))
        )
    )
    sets["nodes"] = nodes
    flow_keys = list(zip(flows["firm"], flows["resource"], strict=True))
    flow_column = {c: dict(zip(flow_keys, flows[c], strict=True)) for c in ("demand", "generation", "buy_limit", "sell_limit")}
    params["demand"] = {n: float(flow_column["demand"].get(n, 0.0)) for n in nodes}
    params["generation"] = {n: float(flow_column["generation"].get(n, 0.0)) for n in nodes}

    # --- markets: a variable only where the resource has the price
    for market, price in (("buy", "buy_price"), ("sell", "sell_price"), ("dispose", "disposal_cost")):
        sets[f"{market}_nodes"] = [n for n in nodes if not math.isnan(resources[n[1]][price])]
    traded = sorted({r for market in ("buy", "sell", "dispose") for _, r in sets[f"{market}_nodes"]})
    sets["traded_resources"] = traded
    for name, column in (
        ("buy_price", "buy_price"),
        ("sell_price", "sell_price"),
        ("disposal_cost", "disposal_cost"),
        ("buy_emission_factor", "buy_emission_factor"),
        ("sell_emission_factor", "sell_emission_factor"),
        ("disposal_emission_factor", "disposal_emission_factor"),
    ):
        params[name] = {r: float(0.0 if math.isnan(resources[r][column]) else resources[r][column]) for r in traded}
    for market in ("buy", "sell"):
        limits = {n: _nan_to_none(flow_column[f"{market}_limit"].get(n, math.nan)) for n in sets[f"{market}_nodes"]}
        sets[f"{market}_limited"] = [n for n, v in limits.items() if v is not None]
        params[f"{market}_limit"] = {n: limits[n] for n in sets[f"{market}_limited"]}

    # --- measures
    rate = settings.discount_rate
    sets["measures"] = list(measures["id"])
    sets["existing_measures"] = list(measures.loc[measures["existing"].astype(bool), "id"])
    sets["forbidden_measures"] = list(measures.loc[~measures["allowed"].astype(bool), "id"])
    params["measure_capex"] = dict(zip(measures["id"], measures["capex"], strict=True))
    params["measure_annualised_capex"] = {m.id: measure_annualised_capex(m.existing, m.capex, m.lifetime_years, rate) for m in measure_rows}
    params["measure_opex_change"] = dict(zip(measures["id"], measures["opex_change"], strict=True))
    params["measure_direct_co2"] = dict(zip(measures["id"], measures["direct_co2_change"], strict=True))
    sets["effects"] = list(zip(effects["measure"], effects["resource"], strict=True))
    sets["effect_node"] = list(zip(effects["firm"], effects["resource"], strict=True))
    params["demand_change"] = dict(zip(sets["effects"], effects["demand_change"], strict=True))
    params["generation_change"] = dict(zip(sets["effects"], effects["generation_change"], strict=True))
    groups = measures.loc[measures["group"] != ""].groupby("group")["id"].apply(list)
    sets["groups"] = [g for g, members in groups.items() if len(members) > 1]
    sets["group_members"] = [(g, m) for g in sets["groups"] for m in groups[g]]

    # --- links and their tiers
    hours = settings.hours_per_year
    sets["links"] = list(links["id"])
    sets["existing_links"] = list(links.loc[links["existing"].astype(bool), "id"])
    sets["forbidden_links"] = list(links.loc[~links["allowed"].astype(bool), "id"])
    sets["symbiosis_links"] = list(links.loc[links["kind"] == "IS", "id"])
    link_endpoints = {l.id: (l.source, l.resource, l.sink, l.sink_resource) for l in link_rows}
    sets["link_endpoints"] = [(l, *ends) for l, ends in link_endpoints.items()]
    capacity_factor = {l.id: link_capacity_factor(l.capacity_unit, l.operating_hours, resources[l.resource], hours) for l in link_rows}
    link_crf = {l.id: link_recovery_factor(l.lifetime_years, rate) for l in link_rows}
    params["capacity"] = {l.id: l.capacity * capacity_factor[l.id] for l in link_rows}
    params["link_yield"] = dict(zip(links["id"], links["yield"], strict=True))
    params["link_capex"] = dict(zip(links["id"], links["capex"], strict=True))
    params["link_annualised_capex"] = {l.id: link_annualised_capex(l.existing, l.capex, link_crf[l.id]) for l in link_rows}
    sets["link_inputs"] = list(zip(link_inputs["link"], link_inputs["resource"], strict=True))
    sets["link_input_node"] = list(zip(link_inputs["firm"], link_inputs["resource"], strict=True))
    params["link_input_rate"] = dict(zip(sets["link_inputs"], link_inputs["per_unit_sent"], strict=True))
    params["link_fixed_opex"] = dict(zip(links["id"], links["fixed_opex"], strict=True))
    params["variable_cost"] = dict(zip(links["id"], links["variable_cost"], strict=True))
    params["variable_co2"] = dict(zip(links["id"], links["variable_co2"], strict=True))
    sets["tiers"] = list(zip(tiers["link"], tiers["tier"], strict=True))
    sets["tier_predecessor"] = _tier_predecessors(sets["tiers"])
    sets["forbidden_tiers"] = list(zip(tiers.loc[~tiers["allowed"].astype(bool), "link"], tiers.loc[~tiers["allowed"].astype(bool), "tier"], strict=True))
    params["tier_capacity"] = {
        (t.link, t.tier): t.capacity_added * capacity_factor[t.link] for t in tier_rows
    }
    params["tier_capex"] = {(t.link, t.tier): t.capex for t in tier_rows}
    params["tier_annualised_capex"] = {(t.link, t.tier): t.capex * link_crf[t.link] for t in tier_rows}
    params["tier_fixed_opex"] = {(t.link, t.tier): t.fixed_opex for t in tier_rows}

    # --- water quality: limits, outlets, concentrations on links and in purchases
    quality_sets, quality_params = quality_values(scenario, sets["link_endpoints"], sets["buy_nodes"])
    sets.update(quality_sets)
    params.update(quality_params)

    # --- logic
    sets["requires"] = [
        (row.id, need)
        for rows in (measure_rows, link_rows)
        for row in rows
        for need in split_ids(row.requires)
    ]

    # --- budgets: what each new item draws from each budget
    sets["budgets"] = [b.id for b in settings.budgets]
    sets["limited_budgets"] = [b.id for b in settings.budgets if b.limit is not None]
    sets["budget_periods"] = [(b.id, b.period) for b in settings.budgets if b.period is not None]
    params["budget_limit"] = {b.id: b.limit for b in settings.budgets if b.limit is not None}
    draws = _budget_draws(scenario, params)
    sets["budget_draws"] = list(draws)
    params["budget_draw"] = draws

    # late import: financing_data reads this module's helpers
    from eipopt.model.financing_data import add_financing_data

    add_financing_data(scenario, sets, params)

    values = {
        "max_co2": settings.constraints.max_co2,
        "min_symbiosis_links": float(settings.constraints.min_symbiosis_links),
        "carbon_price": float(settings.carbon_price),
    }
    return sets, params, values


def _rows(table: pd.DataFrame, columns: list[str]) -> list:
    """The rows of ``table`` as named tuples of ``columns`` (Python scalars, as ``itertuples`` gives)."""
    row = namedtuple("Row", columns)
    return [row(*values) for values in zip(*(table[c].tolist() for c in columns), strict=True)]


def _tier_predecessors(tiers: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(link, tier, previous tier) for every tier after a link's first, in table order."""
    previous: dict[str, str] = {}
    pairs = []
    for link, tier in tiers:
        if link in previous:
            pairs.append((link, tier, previous[link]))
        previous[link] = tier
    return pairs


def _budget_draws(scenario, params: dict[str, dict]) -> dict[tuple[str, str], float]:
    """{(budget, item): amount} for new items.

    A budget named in ``budget_use`` draws exactly its rows there; any other
    budget draws the capex of the new items it ``applies_to``. Existing items
    draw nothing.
    """
    existing = existing_items(scenario)
    use = scenario.budget_use
    on_measures, on_links = (set(budgets_drawing_capex(scenario, kind)) for kind in (AppliesTo.MEASURES, AppliesTo.LINKS))
    draws: dict[tuple[str, str], float] = {}
    for budget in scenario.settings.budgets:
        rows = use[use["budget"] == budget.id]  # none for a budget drawing capex
        for item, amount in zip(rows["item"], rows["amount"], strict=True):
            if item not in existing:
                draws[(budget.id, item)] = float(amount)
        if budget.id in on_measures:
            for item, capex in params["measure_capex"].items():
                if item not in existing:
                    draws[(budget.id, item)] = float(capex)
        if budget.id in on_links:
            for item, capex in params["link_capex"].items():
                if item not in existing:
                    draws[(budget.id, item)] = float(capex)
            for (link, tier), capex in params["tier_capex"].items():
                draws[(budget.id, tier_item(link, tier))] = float(capex)
    return draws


def existing_items(scenario) -> set[str]:
    """Ids of the measures and links that exist already (their capex is sunk)."""
    measures, links = scenario.measures, scenario.links
    return set(measures.loc[measures["existing"].astype(bool), "id"]) | set(links.loc[links["existing"].astype(bool), "id"])


def budgets_drawing_capex(scenario, kind: AppliesTo) -> list[str]:
    """Budgets that draw the capex of every new item of ``kind`` (measures, or links and their tiers): those that
    apply to it and have no ``budget_use`` rows (a budget with rows draws exactly those)."""
    explicit = set(scenario.budget_use["budget"])
    return [b.id for b in scenario.settings.budgets if b.id not in explicit and b.applies_to in (AppliesTo.ALL, kind)]


def measure_annualised_capex(existing: bool, capex: float, lifetime_years: float, rate: float) -> float:
    """A measure's annual capex payment: none when it exists (sunk) or costs nothing (its lifetime may then be blank)."""
    return 0.0 if existing or capex == 0 else capex * capital_recovery_factor(rate, lifetime_years)


def link_annualised_capex(existing: bool, capex: float, recovery_factor: float) -> float:
    """A link's annual capex payment: none when it exists (sunk)."""
    return 0.0 if existing else capex * recovery_factor


def link_recovery_factor(lifetime_years: float, rate: float) -> float:
    """The capital recovery factor of a link and its tiers; 0 without a lifetime (then nothing has capex)."""
    return 0.0 if math.isnan(lifetime_years) else capital_recovery_factor(rate, lifetime_years)
