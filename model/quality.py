"""Water quality: contaminant limits at the nodes that receive water, and what each node sends.

``quality.csv`` gives, per firm x resource x contaminant, the ``outlet``
concentration of what the node sends (a treatment plant: what it
regenerates to, whatever it receives) and ``max_inlet``, the highest
concentration of the mix it receives from links and the market.
``market_quality.csv`` gives the concentration of what is bought (0 when
not given). Concentrations are fixed data, so the mixing rule is linear in
the flows; it holds in every period.

This module holds the format checks (:func:`check_quality`), the sets and
parameters the model needs (:func:`quality_values`) and the constraint
family (:func:`add_quality_mixing`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from eipopt.model.errors import Problem
from eipopt.model.schema import KEY_SEPARATOR

if TYPE_CHECKING:
    import pyomo.core as pyo

    from eipopt.model.data import ModelData


# --- format checks ---------------------------------------------------------------------

def _sink_resource(links) -> list[str]:
    return [s if s else r for s, r in zip(links["sink_resource"], links["resource"], strict=True)]


def scenario_nodes(scenario) -> set[tuple[str, str]]:
    """Every firm x resource the model balances (as :func:`~eipopt.model.data.model_data` derives them)."""
    links = scenario.links
    firm_of_measure = dict(zip(scenario.measures["id"], scenario.measures["firm"], strict=True))
    link_ends = {l: (s, k) for l, s, k in zip(links["id"], links["source"], links["sink"], strict=True)}
    inputs = scenario.link_inputs
    return (
        set(zip(scenario.flows["firm"], scenario.flows["resource"], strict=True))
        | set(zip(links["source"], links["resource"], strict=True))
        | set(zip(links["sink"], _sink_resource(links), strict=True))
        | {(firm_of_measure.get(m), r) for m, r in zip(scenario.measure_effects["measure"], scenario.measure_effects["resource"], strict=True)}
        | {
            (link_ends[l][0] if at == "source" else link_ends[l][1], r)
            for l, r, at in zip(inputs["link"], inputs["resource"], inputs["at"], strict=True)
            if l in link_ends
        }
    )


def check_quality(scenario) -> list[Problem]:
    """Quality rows name existing nodes, give an outlet or a limit, use one unit per contaminant,
    and every link into a limited node comes from a node with an outlet for that contaminant."""
    quality, market = scenario.tables["quality"], scenario.tables["market_quality"]
    if len(quality) == 0 and len(market) == 0:
        return []
    source, market_source = scenario.sources["quality"], scenario.sources["market_quality"]
    problems: list[Problem] = []
    nodes = scenario_nodes(scenario)
    known = set(scenario.firms["id"]), set(scenario.resources["id"])  # unknown ids are reported by check_references
    outlets = set()
    for row, firm, resource, contaminant, outlet, limit in zip(
        quality.index, quality["firm"], quality["resource"], quality["contaminant"], quality["outlet"], quality["max_inlet"], strict=True
    ):
        if KEY_SEPARATOR in contaminant or "." in contaminant:
            problems.append(Problem(source, f"contaminant '{contaminant}' must not contain ':' or '.'", row=int(row), column="contaminant"))
        if math.isnan(outlet) and math.isnan(limit):
            problems.append(Problem(source, "gives neither an outlet nor a max_inlet; give one or drop the row", row=int(row), column="outlet"))
        if firm in known[0] and resource in known[1] and (firm, resource) not in nodes:
            problems.append(Problem(source, f"firm '{firm}' has no flow, link or measure effect on '{resource}': there is no such node to qualify", row=int(row), column="resource"))
        if not math.isnan(outlet):
            outlets.add((firm, resource, contaminant))
    problems += _unit_problems(scenario)
    contaminants = set(quality["contaminant"])
    prices = dict(zip(scenario.resources["id"], scenario.resources["buy_price"], strict=True))
    for row, resource, contaminant in zip(market.index, market["resource"], market["contaminant"], strict=True):
        if contaminant not in contaminants:
            problems.append(Problem(market_source, f"contaminant '{contaminant}' appears in no row of {source}", row=int(row), column="contaminant"))
        if resource in prices and math.isnan(prices[resource]):
            problems.append(Problem(market_source, f"resource '{resource}' cannot be bought (no buy_price), so what is bought of it has no quality", row=int(row), column="resource"))
    links = scenario.links
    inflows = defaultdict(list)
    for link, src, resource, sink, sink_resource in zip(links["id"], links["source"], links["resource"], links["sink"], _sink_resource(links), strict=True):
        inflows[(sink, sink_resource)].append((link, src, resource))
    for row, firm, resource, contaminant, limit in zip(quality.index, quality["firm"], quality["resource"], quality["contaminant"], quality["max_inlet"], strict=True):
        if math.isnan(limit):
            continue
        for link, src, src_resource in inflows[(firm, resource)]:
            if (src, src_resource, contaminant) not in outlets:
                problems.append(Problem(
                    source,
                    f"{firm}'s {resource} is limited in {contaminant}, but link '{link}' feeds it from {src}'s {src_resource}, "
                    f"which has no {contaminant} outlet: add a row {src},{src_resource},{contaminant} with its outlet",
                    row=int(row), column="max_inlet",
                ))
    return problems


def _unit_problems(scenario) -> list[Problem]:
    """One unit per contaminant: the first unit given for it holds for every row that names one."""
    first: dict[str, tuple[str, str, int]] = {}
    problems = []
    for name in ("quality", "market_quality"):
        table, source = scenario.tables[name], scenario.sources[name]
        for row, contaminant, unit in zip(table.index, table["contaminant"], table["unit"], strict=True):
            if not unit:
                continue
            if contaminant not in first:
                first[contaminant] = (unit, source, int(row))
            elif unit != first[contaminant][0]:
                unit0, source0, row0 = first[contaminant]
                problems.append(Problem(source, f"contaminant '{contaminant}' is in {unit0} in {source0} row {row0}; use one unit per contaminant", row=int(row), column="unit"))
    return problems


def contaminant_units(scenario) -> dict[str, str]:
    """{contaminant: its unit} (blank where no row gives one)."""
    units: dict[str, str] = {}
    for name in ("quality", "market_quality"):
        table = scenario.tables[name]
        for contaminant, unit in zip(table["contaminant"], table["unit"], strict=True):
            if unit or contaminant not in units:
                units[contaminant] = units.get(contaminant) or unit
    return units


# --- sets and parameters -------------------------------------------------------------------

def quality_values(scenario, link_endpoints: list[tuple], buy_nodes: list[tuple]) -> tuple[dict[str, list], dict[str, dict]]:
    """Sets and parameters of the mixing rule, for one period's numbers.

    ``quality_limits`` (firm, resource, contaminant) with ``max_inlet``;
    ``quality_outlets`` with ``outlet``; ``link_contaminants`` (link,
    contaminant) for every link whose source node has an outlet, with
    ``link_concentration`` = that outlet; ``market_contaminants`` (resource,
    contaminant) bought at a limited node or given in market_quality, with
    ``buy_concentration`` (0 where market_quality has no row).
    """
    quality, market = scenario.tables["quality"], scenario.tables["market_quality"]
    keys = list(zip(quality["firm"], quality["resource"], quality["contaminant"], strict=True))
    limits = {k: v for k, v in zip(keys, quality["max_inlet"], strict=True) if not math.isnan(v)}
    outlets = {k: v for k, v in zip(keys, quality["outlet"], strict=True) if not math.isnan(v)}
    by_node = defaultdict(list)
    for (firm, resource, contaminant), value in outlets.items():
        by_node[(firm, resource)].append((contaminant, value))
    link_concentration = {
        (link, contaminant): float(value)
        for link, source, resource, _, _ in link_endpoints
        for contaminant, value in by_node[(source, resource)]
    }
    bought = set(buy_nodes)
    given = dict(zip(zip(market["resource"], market["contaminant"], strict=True), market["concentration"], strict=True))
    traded = {r for _, r in bought}
    market_keys = list(dict.fromkeys(
        [(r, c) for (n, r, c) in limits if (n, r) in bought] + [key for key in given if key[0] in traded]
    ))
    sets = {
        "quality_limits": list(limits),
        "quality_outlets": list(outlets),
        "link_contaminants": list(link_concentration),
        "market_contaminants": market_keys,
    }
    params = {
        "max_inlet": {k: float(v) for k, v in limits.items()},
        "outlet": {k: float(v) for k, v in outlets.items()},
        "link_concentration": link_concentration,
        "buy_concentration": {key: float(given.get(key, 0.0)) for key in market_keys},
    }
    return sets, params


# --- the constraint family ----------------------------------------------------------------

def inflow_links(d: ModelData) -> dict[tuple[str, str], list[str]]:
    """Links arriving at each node (sink, sink_resource)."""
    inflow = defaultdict(list)
    for link, _, _, sink, sink_resource in d.sets["link_endpoints"]:
        inflow[(sink, sink_resource)].append(link)
    return inflow


def add_quality_mixing(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """The mix a node receives stays within its limit, for every limited node, contaminant and period.

    .. math::
        \\sum_{l \\in in(n,r)} (C_{lcp} - M_{nrcp}) \\, \\eta_{lp} f_{lp}
        + (C^{buy}_{rcp} - M_{nrcp}) \\, buy_{nrp} \\le 0

    where M_nrcp is the node's ``max_inlet`` for contaminant c, C_lcp the
    ``outlet`` of link l's source node (fixed data: a treatment plant sends at
    its outlet whatever it receives, which is regeneration) and C^buy_rcp the
    market concentration. It is the flow-weighted mean concentration of the
    inflow <= M, multiplied out by the inflow so that it stays linear. A
    limited node that can receive nothing (no link in, no purchase) has no
    constraint. With ``elastic`` an excess load slack e_nrcp >= 0 is
    subtracted on the left (used to explain infeasibility).
    """
    import pyomo.core as pyo  # here, not at the top: checking a scenario (this module's first half) needs no Pyomo

    if not d.sets["quality_limits"]:
        return
    inflow = inflow_links(d)
    bought = set(d.sets["buy_nodes"])
    index = [
        (n, r, c, p)
        for n, r, c in d.sets["quality_limits"]
        if inflow[(n, r)] or (n, r) in bought
        for p in d.sets["periods"]
    ]
    if not index:
        return
    if elastic:
        m.quality_excess = pyo.Var(index, domain=pyo.NonNegativeReals, doc="contaminant load above the node's limit")

    def rule(m, n, r, c, p):
        limit = m.max_inlet[n, r, c, p]
        load = sum((m.link_concentration[l, c, p] - limit) * m.link_yield[l, p] * m.flow[l, p] for l in inflow[(n, r)])
        if (n, r) in bought:
            load += (m.buy_concentration[r, c, p] - limit) * m.buy[n, r, p]
        if elastic:
            load -= m.quality_excess[n, r, c, p]
        return load <= 0

    m.quality_mixing = pyo.Constraint(index, rule=rule, doc="inlet concentration within max_inlet")


def inlet_mix(m: pyo.ConcreteModel, d: ModelData, node: tuple[str, str], contaminant: str, period, inflow: dict | None = None) -> tuple[float, float | None]:
    """(inflow, contaminant load) a node receives in the current solution.

    Inflow is what arrives by links (after yield) plus purchases; the load is
    the same flows times their concentration. The load is None when a flow
    arrives from a source with no outlet for the contaminant (unknown).
    """
    import pyomo.core as pyo

    links = (inflow or inflow_links(d))[node]
    total, load = 0.0, 0.0
    for link in links:
        arriving = (m.flow[link, period].value or 0.0) * pyo.value(m.link_yield[link, period])
        if arriving <= 0:
            continue
        total += arriving
        if load is None or (link, contaminant, period) not in m.link_concentration:
            load = None
        else:
            load += arriving * pyo.value(m.link_concentration[link, contaminant, period])
    key = (*node, period)
    if key in m.buy:
        bought = m.buy[key].value or 0.0
        total += bought
        if load is not None and bought > 0:
            market_key = (node[1], contaminant, period)
            concentration = pyo.value(m.buy_concentration[market_key]) if market_key in m.buy_concentration else 0.0
            load += bought * concentration
    return total, load
