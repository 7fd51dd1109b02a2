"""Constraint families of the park MILP, one function each, with their math.

Symbols (indices: n firm, r resource, k measure, l link, t tier, b budget,
i item = measure, link or tier, p period; p-1 the period before p):

=================  ==========================================================
x_kp, y_lp, z_ltp  measure k funded / link l / tier t of l built by period p (binary)
b_ip               item i built in period p: x_ip - x_i,p-1 (x_i,p-1 = 0 in the first)
f_lp               annual flow sent on link l in period p, in the unit of its resource
buy, sell, disp    annual market purchase, sale and disposal at (n, r) in period p
D_nrp, G_nrp       baseline demand and generation in force in period p
dD_krp, dG_krp     a measure's change of demand and generation
eta_lp, C_lp, C_ltp  yield, annual capacity, tier capacity
=================  ==========================================================

Every number carries the period index: the value in force in that period
(``profiles.csv``); a scenario without ``periods`` has one period. Each
function adds its components to the model and returns early when its index
set is empty (nothing is added silently: the set itself records that there
is nothing to constrain).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from eipopt.model.data import ModelData
from eipopt.model.quality import add_quality_mixing


def add_balances(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """Material, water and energy balance of every firm and resource, in every period.

    .. math::
        buy_{nrp} + \\sum_{l \\in in(n,r)} \\eta_{lp} f_{lp} + G_{nrp} + \\sum_{k \\in K_n} dG_{krp} x_{kp}
        = D_{nrp} + \\sum_{k \\in K_n} dD_{krp} x_{kp} + \\sum_{l \\in out(n,r)} f_{lp}
        + \\sum_{l \\in use(n,r)} u_{lrp} f_{lp} + sell_{nrp} + disp_{nrp}

    where u_lrp is what link l consumes of r per unit sent, at its sink or source.

    Market terms exist only where the resource has the price. With
    ``elastic`` a shortage and a surplus slack enter each balance (used to
    explain infeasibility).
    """
    inflow, outflow = defaultdict(list), defaultdict(list)
    for link, source, resource, sink, sink_resource in d.sets["link_endpoints"]:
        outflow[(source, resource)].append(link)
        inflow[(sink, sink_resource)].append(link)
    effects = defaultdict(list)
    for (measure, resource), node in zip(d.sets["effects"], d.sets["effect_node"], strict=True):
        effects[node].append((measure, resource))
    consumers = defaultdict(list)
    for key, node in zip(d.sets["link_inputs"], d.sets["link_input_node"], strict=True):
        consumers[node].append(key)
    buy, sell, dispose = (set(d.sets[f"{k}_nodes"]) for k in ("buy", "sell", "dispose"))

    def rule(m, firm, resource, p):
        node = (firm, resource)
        supply = m.generation[firm, resource, p] + sum(m.link_yield[l, p] * m.flow[l, p] for l in inflow[node])
        use = m.demand[firm, resource, p] + sum(m.flow[l, p] for l in outflow[node])
        use += sum(m.link_input_rate[link, r, p] * m.flow[link, p] for link, r in consumers[node])
        for measure, r in effects[node]:
            supply += m.generation_change[measure, r, p] * m.fund_measure[measure, p]
            use += m.demand_change[measure, r, p] * m.fund_measure[measure, p]
        if node in buy:
            supply += m.buy[firm, resource, p]
        if node in sell:
            use += m.sell[firm, resource, p]
        if node in dispose:
            use += m.dispose[firm, resource, p]
        if elastic:
            supply += m.shortage[firm, resource, p]
            use += m.surplus[firm, resource, p]
        return supply == use

    m.balance = pyo.Constraint(m.nodes * m.periods, rule=rule, doc="firm x resource balance per period")


def add_build_once(m: pyo.ConcreteModel, d: ModelData) -> None:
    """An item is built at most once and operates from then on to the horizon's end.

    .. math:: x_{ip} \\ge x_{i,p-1} \\quad \\forall i, p > first

    so b_ip = x_ip - x_i,p-1 is 1 in one period at most.
    """
    if not d.sets["period_predecessor"]:
        return
    m.measure_stays_funded = pyo.Constraint(
        m.measures * m.period_predecessor, rule=lambda m, k, p, prev: m.fund_measure[k, p] >= m.fund_measure[k, prev]
    )
    m.link_stays_built = pyo.Constraint(
        m.links * m.period_predecessor, rule=lambda m, l, p, prev: m.build_link[l, p] >= m.build_link[l, prev]
    )
    if d.sets["tiers"]:
        m.tier_stays_built = pyo.Constraint(
            m.tiers * m.period_predecessor, rule=lambda m, l, t, p, prev: m.build_tier[l, t, p] >= m.build_tier[l, t, prev]
        )


def add_link_capacity(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Flow on a link within the capacity built by the period.

    .. math:: f_{lp} \\le C_{lp} y_{lp} + \\sum_t C_{ltp} z_{ltp}
    """
    if not d.sets["links"]:
        return
    tiers = defaultdict(list)
    for link, tier in d.sets["tiers"]:
        tiers[link].append(tier)
    m.link_capacity = pyo.Constraint(
        m.links * m.periods,
        rule=lambda m, l, p: m.flow[l, p]
        <= m.capacity[l, p] * m.build_link[l, p] + sum(m.tier_capacity[l, t, p] * m.build_tier[l, t, p] for t in tiers[l]),
        doc="link flow <= built capacity",
    )


def add_tier_order(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Tiers only on a link built by then, and in order, in every period.

    .. math:: z_{ltp} \\le y_{lp}, \\qquad z_{ltp} \\le z_{l,t-1,p}
    """
    if not d.sets["tiers"]:
        return
    m.tier_on_built_link = pyo.Constraint(
        m.tiers * m.periods, rule=lambda m, l, t, p: m.build_tier[l, t, p] <= m.build_link[l, p]
    )
    if d.sets["tier_predecessor"]:
        m.tier_in_order = pyo.Constraint(
            m.tier_predecessor * m.periods,
            rule=lambda m, l, t, prev, p: m.build_tier[l, t, p] <= m.build_tier[l, prev, p],
        )


def add_market_limits(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Purchases and sales within each firm's limits in force in the period (blank limit: none).

    .. math:: buy_{nrp} \\le \\overline{buy}_{nrp}, \\qquad sell_{nrp} \\le \\overline{sell}_{nrp}
    """
    if d.sets["buy_limited"]:
        m.buy_within_limit = pyo.Constraint(
            m.buy_limited * m.periods, rule=lambda m, n, r, p: m.buy[n, r, p] <= m.buy_limit[n, r, p]
        )
    if d.sets["sell_limited"]:
        m.sell_within_limit = pyo.Constraint(
            m.sell_limited * m.periods, rule=lambda m, n, r, p: m.sell[n, r, p] <= m.sell_limit[n, r, p]
        )


def add_measure_groups(m: pyo.ConcreteModel, d: ModelData) -> None:
    """At most one measure of each group funded by any period (alternatives for the same equipment).

    .. math:: \\sum_{k \\in g} x_{kp} \\le 1
    """
    if not d.sets["groups"]:
        return
    members = defaultdict(list)
    for group, measure in d.sets["group_members"]:
        members[group].append(measure)
    m.one_per_group = pyo.Constraint(
        m.groups * m.periods, rule=lambda m, g, p: sum(m.fund_measure[k, p] for k in members[g]) <= 1
    )


def add_requirements(m: pyo.ConcreteModel, d: ModelData) -> None:
    """An item operates only with the items it requires, in every period.

    .. math:: x_{ip} \\le x_{jp} \\quad \\forall (i, j) \\in requires
    """
    if not d.sets["requires"]:
        return
    m.requirement = pyo.Constraint(
        m.requires * m.periods, rule=lambda m, item, need, p: decision(m, item, p) <= decision(m, need, p)
    )


def add_min_symbiosis(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """At least N_p industrial-symbiosis links built or existing in every period that requires them (Decree 35/2022).

    .. math:: \\sum_{l \\in IS} y_{lp} \\ge N_p
    """
    if not d.sets["symbiosis_required"]:
        return

    def rule(m, p):
        slack = m.symbiosis_shortfall[p] if elastic else 0
        return sum(m.build_link[l, p] for l in m.symbiosis_links) + slack >= m.min_symbiosis_links[p]

    m.min_symbiosis = pyo.Constraint(m.symbiosis_required, rule=rule)


def add_budgets(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """What items draw from each budget, in the period they are built, stays within its limit.

    .. math::
        \\sum_i a_{biq} \\, b_{iq} \\le L_b \\quad \\text{(budget of period q)}, \\qquad
        \\sum_q \\sum_i a_{biq} \\, b_{iq} \\le L_b \\quad \\text{(budget of the horizon)}

    where a_biq is the item's capex (by ``applies_to``) or its ``budget_use``
    amount in force in period q, and b_iq = x_iq - x_i,q-1 is 1 in the
    period the item is built.

        A budget named in ``budget_use`` draws only its rows there; any other budget
    draws the capex of the new items it applies to. By item state:

    - existing: never draws (capex sunk); a ``budget_use`` row for it is invalid input;
    - ``allowed`` false or forbidden for a solve (``forbid=``): never funded, so draws nothing;
    - forced for a solve (``force=``): funded, so draws like any funded new item
      (forced items beyond a limit make the solve infeasible);
    - a tier: a new item even on an existing link, drawing its own capex.
    """
    if not d.sets["limited_budgets"]:
        return
    draws = defaultdict(list)
    for budget, item in d.sets["budget_draws"]:
        draws[budget].append(item)
    periods = d.sets["periods"]
    previous = dict(d.sets["period_predecessor"])
    budget_period = {b: q for b, q in d.sets["budget_periods"]}

    def built_in(item, q):
        return decision(m, item, q) - (decision(m, item, previous[q]) if q in previous else 0)

    def rule(m, b):
        in_periods = [budget_period[b]] if b in budget_period else periods
        used = sum(m.budget_draw[b, i, q] * built_in(i, q) for i in draws[b] for q in in_periods)
        slack = m.budget_overrun[b] if elastic else 0
        return used - slack <= m.budget_limit[b]

    m.budget = pyo.Constraint(m.limited_budgets, rule=rule)


def decision(m: pyo.ConcreteModel, item: str, period):
    """The binary of a measure, link, or tier (``LINK:TIER``) in a period: built by then."""
    return _of_item(item, period, m.fund_measure, m.build_link, m.build_tier)


def item_capex(m: pyo.ConcreteModel, item: str, period):
    """The capex parameter of a measure, link or tier (``LINK:TIER``) in force in a period."""
    return _of_item(item, period, m.measure_capex, m.link_capex, m.tier_capex)


def _of_item(item: str, period, of_measures, of_links, of_tiers):
    """The entry for ``item`` in a period of whichever of three components (measures, links, tiers) holds it."""
    if (item, period) in of_measures:
        return of_measures[item, period]
    if (item, period) in of_links:
        return of_links[item, period]
    link, tier = item.split(":", 1)
    return of_tiers[link, tier, period]


#: Every constraint family, in build order (tests check each has a test).
FAMILIES = (
    add_balances,
    add_build_once,
    add_link_capacity,
    add_tier_order,
    add_market_limits,
    add_measure_groups,
    add_requirements,
    add_min_symbiosis,
    add_budgets,
    add_quality_mixing,
)
