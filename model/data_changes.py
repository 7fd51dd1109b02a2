"""Model data of a what-if from its parent's, recomputing only the parameters the changed cells feed.

A scenario made by :meth:`~eipopt.model.scenario.Scenario.with_overrides`
carries its ``origin``: the scenario it was made from (held weakly) and the
cells and settings the override changed. When the parent's
:class:`~eipopt.model.data.ModelData` is known (it was computed and the parent
is alive), :func:`derived_data` copies it and sets the parameter entries each
changed cell feeds, by :data:`FEEDS`:

============================================  =========================================================
changed cell or setting                        parameter entries (every period)
============================================  =========================================================
``resources.R.buy_price`` (and sell, disposal)  ``buy_price[R]`` ... where R is traded; blank <-> number: full
``resources.R.*_emission_factor``              ``*_emission_factor[R]`` where R is traded (blank is 0)
``flows.F:R.demand`` / ``generation``          ``demand[F, R]`` / ``generation[F, R]``
``flows.F:R.buy_limit`` / ``sell_limit``       ``buy_limit[F, R]`` where (F, R) can buy; blank <-> number: full
``measures.K.opex_change``                     ``measure_opex_change[K]``
``measures.K.direct_co2_change``               ``measure_direct_co2[K]``
``links.L.variable_cost`` / ``variable_co2``   ``variable_cost[L]`` / ``variable_co2[L]``
``links.L.fixed_opex``                         ``link_fixed_opex[L]``
``links.L.capacity``                           ``capacity[L]`` (times the link's capacity factor)
``measures.K.capex`` / ``lifetime_years``      ``measure_capex[K]``, ``measure_annualised_capex[K]``; capex:
                                               ``budget_draw[B, K]`` of the budgets drawing capex
``links.L.capex`` / ``lifetime_years``         ``link_capex[L]``, ``link_annualised_capex[L]``; capex:
                                               ``budget_draw[B, L]``; lifetime: ``tier_annualised_capex[L, T]``
``link_tiers.L:T.capex``                       ``tier_capex``, ``tier_annualised_capex``, ``budget_draw``
``budgets.B.limit``                            ``budget_limit[B]`` (over the horizon); none <-> a limit: full
``carbon_price``                               ``carbon_price[p]`` for every period
``solver.*``                                   nothing (solver options are not model data)
============================================  =========================================================

Anything else falls back to the full :func:`~eipopt.model.data.model_data`
recomputation: other cells (a capacity unit, operating hours, ``existing``,
``requires``, ``measure_effects``, other ``link_tiers`` columns, financing
and quality tables ...), other settings (discount rate, hours, periods,
constraints, budget fields other than ``limit``), a blank turning into a
number or back (it changes the index sets; a blank capex too), and every
scenario with ``profiles`` rows (values then differ by period).
``tests/test_data_changes.py`` checks, on every shipped scenario with seeded
random overrides, that the result equals a full recomputation.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eipopt.model.data import (
    HORIZON_PARAMS,
    ModelData,
    budgets_drawing_capex,
    existing_items,
    link_annualised_capex,
    link_capacity_factor,
    link_recovery_factor,
    measure_annualised_capex,
    tier_item,
    with_period,
)
from eipopt.model.settings import AppliesTo

#: A table of a :class:`Change` standing for the settings (``item`` is then the dotted key).
SETTINGS = "settings"


@dataclass(frozen=True)
class Change:
    """One changed cell (table, row index, row id, column) or setting (``SETTINGS``, None, key, "")."""

    table: str
    index: Any
    item: str
    column: str


@dataclass(frozen=True)
class Origin:
    """Where a what-if scenario comes from: its parent (weakly held) and what changed."""

    parent: weakref.ref
    changes: tuple[Change, ...]

    def __reduce__(self):
        return type(None), ()  # a copied or pickled scenario has no origin: its data is computed in full


# --- which parameter entries each changed cell feeds ------------------------------------------

#: {index of one parameter (without the period): its new value}, by parameter name; None: not known here
Entries = dict[str, dict[Any, float]] | None


def _price(param: str, column: str) -> Callable:
    """A market price: the resource's entry, where it is traded; a blank on either side changes the markets."""
    def feeds(old, new, change: Change, data: ModelData) -> Entries:
        before, after = old.resources.at[change.index, column], new.resources.at[change.index, column]
        if math.isnan(before) or math.isnan(after):
            return None
        return {param: {change.item: float(after)}} if change.item in data.sets["traded_resources"] else {}
    return feeds


def _emission_factor(column: str) -> Callable:
    def feeds(old, new, change: Change, data: ModelData) -> Entries:
        after = new.resources.at[change.index, column]
        return {column: {change.item: 0.0 if math.isnan(after) else float(after)}} if change.item in data.sets["traded_resources"] else {}
    return feeds


def _node_number(param: str) -> Callable:
    def feeds(old, new, change: Change, data: ModelData) -> Entries:
        node = tuple(new.flows.loc[change.index, ["firm", "resource"]])
        return {param: {node: float(new.flows.at[change.index, change.column])}}
    return feeds


def _market_limit(market: str) -> Callable:
    def feeds(old, new, change: Change, data: ModelData) -> Entries:
        before, after = old.flows.at[change.index, change.column], new.flows.at[change.index, change.column]
        if math.isnan(before) or math.isnan(after):
            return None
        node = tuple(new.flows.loc[change.index, ["firm", "resource"]])
        return {f"{market}_limit": {node: float(after)}} if node in data.sets[f"{market}_limited"] else {}
    return feeds


def _item_number(table: str, param: str) -> Callable:
    def feeds(old, new, change: Change, data: ModelData) -> Entries:
        return {param: {change.item: float(new.tables[table].at[change.index, change.column])}}
    return feeds


def _link_capacity(old, new, change: Change, data: ModelData) -> Entries:
    """A link's capacity in its resource's unit a year: the cell times the link's capacity factor, as :func:`model_data` computes it."""
    link = new.links.loc[change.index]
    resources = new.resources
    resource = resources.loc[resources["id"] == link["resource"]].iloc[0].to_dict()
    factor = link_capacity_factor(link["capacity_unit"], float(link["operating_hours"]), resource, new.settings.hours_per_year)
    return {"capacity": {change.item: float(link["capacity"]) * factor}}


def _budget_limit(old, new, change: Change, data: ModelData) -> Entries:
    budget = change.item.split(".")[1]
    before, after = old.settings.budget(budget).limit, new.settings.budget(budget).limit
    if before is None or after is None:
        return None
    return {"budget_limit": {budget: after}}


def _measure_capex(old, new, change: Change, data: ModelData) -> Entries:
    """A measure's capex or lifetime: its capex, its annual payment and, for its capex, what budgets draw for it."""
    row = new.measures.loc[change.index]
    capex, lifetime = float(row["capex"]), float(row["lifetime_years"])
    if math.isnan(capex):
        return None
    entries = {"measure_capex": {change.item: capex},
               "measure_annualised_capex": {change.item: measure_annualised_capex(bool(row["existing"]), capex, lifetime, new.settings.discount_rate)}}
    if change.column == "capex":
        entries["budget_draw"] = _capex_draws(new, change.item, capex, AppliesTo.MEASURES)
    return entries


def _link_capex(old, new, change: Change, data: ModelData) -> Entries:
    """A link's capex or lifetime: its capex and annual payment (its lifetime: its tiers' too) and, for its capex, budget draws."""
    row = new.links.loc[change.index]
    capex = float(row["capex"])
    if math.isnan(capex):
        return None
    recovery = link_recovery_factor(float(row["lifetime_years"]), new.settings.discount_rate)
    entries = {"link_capex": {change.item: capex},
               "link_annualised_capex": {change.item: link_annualised_capex(bool(row["existing"]), capex, recovery)}}
    if change.column == "capex":
        entries["budget_draw"] = _capex_draws(new, change.item, capex, AppliesTo.LINKS)
    else:
        tiers = new.link_tiers[new.link_tiers["link"] == change.item]
        entries["tier_annualised_capex"] = {(change.item, tier): float(capex_t) * recovery
                                            for tier, capex_t in zip(tiers["tier"], tiers["capex"], strict=True)}
    return entries


def _tier_capex(old, new, change: Change, data: ModelData) -> Entries:
    """A tier's capex: its capex, its annual payment (at its link's lifetime) and what budgets draw for it."""
    row = new.link_tiers.loc[change.index]
    link, tier, capex = row["link"], row["tier"], float(row["capex"])
    if math.isnan(capex):
        return None
    lifetime = float(new.links.loc[new.links["id"] == link, "lifetime_years"].iloc[0])
    return {"tier_capex": {(link, tier): capex},
            "tier_annualised_capex": {(link, tier): capex * link_recovery_factor(lifetime, new.settings.discount_rate)},
            "budget_draw": {(budget, tier_item(link, tier)): capex for budget in budgets_drawing_capex(new, AppliesTo.LINKS)}}


def _capex_draws(scenario, item: str, capex: float, kind: AppliesTo) -> dict[tuple[str, str], float]:
    """What the budgets drawing capex draw for a new measure or link (nothing for an existing one)."""
    if item in existing_items(scenario):
        return {}
    return {(budget, item): capex for budget in budgets_drawing_capex(scenario, kind)}


def _nothing(old, new, change: Change, data: ModelData) -> Entries:
    return {}  # solver options are not model data


def _carbon_price(old, new, change: Change, data: ModelData) -> Entries:
    return {"carbon_price": {p: float(new.settings.carbon_price) for p in data.sets["periods"]}}


#: (table, column) -> what a change of that cell feeds; settings by (SETTINGS, key pattern)
FEEDS: dict[tuple[str, str], Callable] = {
    **{("resources", column): _price(column, column) for column in ("buy_price", "sell_price", "disposal_cost")},
    **{("resources", column): _emission_factor(column) for column in ("buy_emission_factor", "sell_emission_factor", "disposal_emission_factor")},
    ("flows", "demand"): _node_number("demand"),
    ("flows", "generation"): _node_number("generation"),
    ("flows", "buy_limit"): _market_limit("buy"),
    ("flows", "sell_limit"): _market_limit("sell"),
    ("measures", "opex_change"): _item_number("measures", "measure_opex_change"),
    ("measures", "direct_co2_change"): _item_number("measures", "measure_direct_co2"),
    ("links", "variable_cost"): _item_number("links", "variable_cost"),
    ("links", "variable_co2"): _item_number("links", "variable_co2"),
    ("links", "fixed_opex"): _item_number("links", "link_fixed_opex"),
    ("links", "capacity"): _link_capacity,
    ("measures", "capex"): _measure_capex,
    ("measures", "lifetime_years"): _measure_capex,
    ("links", "capex"): _link_capex,
    ("links", "lifetime_years"): _link_capex,
    ("link_tiers", "capex"): _tier_capex,
    (SETTINGS, "budgets.*.limit"): _budget_limit,
    (SETTINGS, "carbon_price"): _carbon_price,
    (SETTINGS, "solver.*"): _nothing,
}


def _feeds_of(change: Change) -> Callable | None:
    if change.table != SETTINGS:
        return FEEDS.get((change.table, change.column))
    parts = change.item.split(".")
    if len(parts) == 3 and parts[0] == "budgets" and parts[2] == "limit":
        pattern = "budgets.*.limit"
    elif parts[0] == "solver":
        pattern = "solver.*"
    else:
        pattern = change.item
    return FEEDS.get((SETTINGS, pattern))


#: id of a scenario -> (weak reference to it, its model data), while the scenario lives
_COMPUTED: dict[int, tuple[weakref.ref, ModelData]] = {}


def remembered_or_derived(scenario, compute: Callable[[Any], ModelData]) -> ModelData:
    """The model data of ``scenario``: remembered, else derived from its parent's, else ``compute(scenario)``."""
    known = _remembered(scenario)
    if known is None:
        known = derived_data(scenario, _remembered) or compute(scenario)
        key = id(scenario)
        _COMPUTED[key] = (weakref.ref(scenario, lambda _: _COMPUTED.pop(key, None)), known)  # forgotten with the scenario
    return known


def _remembered(scenario) -> ModelData | None:
    entry = _COMPUTED.get(id(scenario))
    return entry[1] if entry is not None and entry[0]() is scenario else None


def derived_data(scenario, parent_data: Callable[[Any], ModelData | None]) -> ModelData | None:
    """The model data of ``scenario`` from its parent's, or None where :data:`FEEDS` does not cover a change.

    ``parent_data(parent)``: the parent's model data if already computed (None otherwise).
    """
    origin: Origin | None = scenario.origin
    parent = origin.parent() if origin is not None else None
    if parent is None or len(scenario.profiles) or len(parent.profiles):
        return None
    base = parent_data(parent)
    if base is None:
        return None
    entries: dict[str, dict] = {}
    for change in origin.changes:
        feeds = _feeds_of(change)
        fed = feeds(parent, scenario, change, base) if feeds is not None else None
        if fed is None:
            return None
        for param, values in fed.items():
            entries.setdefault(param, {}).update(values)
    params = dict(base.params)
    for param, values in entries.items():
        params[param] = changed = dict(base.params[param])
        for index, value in values.items():
            keys = [index] if param in HORIZON_PARAMS or param == "carbon_price" else [with_period(index, p) for p in base.sets["periods"]]
            for key in keys:
                changed[key] = value
    return ModelData(dict(base.sets), params)
