"""Constraint families of the park MILP, one function each, with their math.

Symbols (indices: n firm, r resource, k measure, l link, t tier, b budget,
i item = measure, link or tier):

=================  ==========================================================
x_k, y_l, z_lt     fund measure k / build link l / build tier t of l (binary)
f_l                annual flow sent on link l, in the unit of its resource
buy, sell, disp    market purchase, sale and disposal at (n, r)
D_nr, G_nr         baseline demand and generation
dD_kr, dG_kr       a measure's change of demand and generation
eta_l, C_l, C_lt   yield, annual capacity, tier capacity
=================  ==========================================================

Each function adds its components to the model and returns early when its
index set is empty (nothing is added silently: the set itself records that
there is nothing to constrain).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from eipopt.model.data import ModelData


def add_balances(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """Material, water and energy balance of every firm and resource.

    .. math::
        buy_{nr} + \\sum_{l \\in in(n,r)} \\eta_l f_l + G_{nr} + \\sum_{k \\in K_n} dG_{kr} x_k
        = D_{nr} + \\sum_{k \\in K_n} dD_{kr} x_k + \\sum_{l \\in out(n,r)} f_l
        + \\sum_{l \\in use(n,r)} u_{lr} f_l + sell_{nr} + disp_{nr}

    where u_lr is what link l consumes of r per unit sent, at its sink or source.

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

    def rule(m, firm, resource):
        node = (firm, resource)
        supply = m.generation[node] + sum(m.link_yield[l] * m.flow[l] for l in inflow[node])
        use = m.demand[node] + sum(m.flow[l] for l in outflow[node])
        use += sum(m.link_input_rate[key] * m.flow[key[0]] for key in consumers[node])
        for key in effects[node]:
            supply += m.generation_change[key] * m.fund_measure[key[0]]
            use += m.demand_change[key] * m.fund_measure[key[0]]
        if node in buy:
            supply += m.buy[node]
        if node in sell:
            use += m.sell[node]
        if node in dispose:
            use += m.dispose[node]
        if elastic:
            supply += m.shortage[node]
            use += m.surplus[node]
        return supply == use

    m.balance = pyo.Constraint(m.nodes, rule=rule, doc="firm x resource balance")


def add_link_capacity(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Flow on a link within the capacity built.

    .. math:: f_l \\le C_l y_l + \\sum_t C_{lt} z_{lt}
    """
    if not d.sets["links"]:
        return
    tiers = defaultdict(list)
    for link, tier in d.sets["tiers"]:
        tiers[link].append((link, tier))
    m.link_capacity = pyo.Constraint(
        m.links,
        rule=lambda m, l: m.flow[l]
        <= m.capacity[l] * m.build_link[l] + sum(m.tier_capacity[t] * m.build_tier[t] for t in tiers[l]),
        doc="link flow <= built capacity",
    )


def add_tier_order(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Tiers only on a built link, and in order.

    .. math:: z_{lt} \\le y_l, \\qquad z_{lt} \\le z_{l,t-1}
    """
    if not d.sets["tiers"]:
        return
    m.tier_on_built_link = pyo.Constraint(
        m.tiers, rule=lambda m, l, t: m.build_tier[l, t] <= m.build_link[l]
    )
    if d.sets["tier_predecessor"]:
        m.tier_in_order = pyo.Constraint(
            m.tier_predecessor, rule=lambda m, l, t, prev: m.build_tier[l, t] <= m.build_tier[l, prev]
        )


def add_market_limits(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Purchases and sales within each firm's limits (blank limit: none).

    .. math:: buy_{nr} \\le \\overline{buy}_{nr}, \\qquad sell_{nr} \\le \\overline{sell}_{nr}
    """
    if d.sets["buy_limited"]:
        m.buy_within_limit = pyo.Constraint(m.buy_limited, rule=lambda m, n, r: m.buy[n, r] <= m.buy_limit[n, r])
    if d.sets["sell_limited"]:
        m.sell_within_limit = pyo.Constraint(m.sell_limited, rule=lambda m, n, r: m.sell[n, r] <= m.sell_limit[n, r])


def add_measure_groups(m: pyo.ConcreteModel, d: ModelData) -> None:
    """At most one measure of each group (alternatives for the same equipment).

    .. math:: \\sum_{k \\in g} x_k \\le 1
    """
    if not d.sets["groups"]:
        return
    members = defaultdict(list)
    for group, measure in d.sets["group_members"]:
        members[group].append(measure)
    m.one_per_group = pyo.Constraint(
        m.groups, rule=lambda m, g: sum(m.fund_measure[k] for k in members[g]) <= 1
    )


def add_requirements(m: pyo.ConcreteModel, d: ModelData) -> None:
    """An item is funded only with the items it requires.

    .. math:: x_i \\le x_j \\quad \\forall (i, j) \\in requires
    """
    if not d.sets["requires"]:
        return
    m.requirement = pyo.Constraint(
        m.requires, rule=lambda m, item, need: decision(m, item) <= decision(m, need)
    )


def add_min_symbiosis(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """At least N industrial-symbiosis links built or existing (Decree 35/2022).

    .. math:: \\sum_{l \\in IS} y_l \\ge N
    """
    if not d.sets["symbiosis_required"]:
        return
    slack = m.symbiosis_shortfall if elastic else 0
    m.min_symbiosis = pyo.Constraint(
        expr=sum(m.build_link[l] for l in m.symbiosis_links) + slack >= m.min_symbiosis_links
    )


def add_budgets(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """What funded items draw from each budget stays within its limit.

    .. math:: \\sum_i a_{bi} \\, decision_i \\le L_b

    where a_bi is the item's capex (by ``applies_to``) or its ``budget_use`` amount.
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

    def rule(m, b):
        used = sum(m.budget_draw[b, i] * decision(m, i) for i in draws[b])
        slack = m.budget_overrun[b] if elastic else 0
        return used - slack <= m.budget_limit[b]

    m.budget = pyo.Constraint(m.limited_budgets, rule=rule)


def decision(m: pyo.ConcreteModel, item: str):
    """The binary variable of a measure, link, or tier (``LINK:TIER``)."""
    if item in m.fund_measure:
        return m.fund_measure[item]
    if item in m.build_link:
        return m.build_link[item]
    return m.build_tier[tuple(item.split(":", 1))]


#: Every constraint family, in build order (tests check each has a test).
FAMILIES = (
    add_balances,
    add_link_capacity,
    add_tier_order,
    add_market_limits,
    add_measure_groups,
    add_requirements,
    add_min_symbiosis,
    add_budgets,
)
