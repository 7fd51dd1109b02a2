"""Annual cost and CO2e of a park in each period, and their totals over the horizon, as named Pyomo expressions.

Cost components of period p (currency/yr)::

    purchases      = sum buy_p * buy_price_p
    sales          = -sum sell_p * sell_price_p
    disposal       = sum disp_p * disposal_cost_p
    capex          = sum_i sum_{q <= p} A_iq b_iq        (annualised capex of what is built by p)
    fixed_opex     = sum fixed_opex_lp y_lp + sum fixed_opex_ltp z_ltp
    measure_opex   = sum opex_change_kp x_kp
    link_variable  = sum variable_cost_lp f_lp

CO2e components of period p (tCO2e/yr)::

    purchases      = sum buy_p * buy_emission_factor_p
    sales          = -sum sell_p * sell_emission_factor_p
    disposal       = sum disp_p * disposal_emission_factor_p
    measures       = sum direct_co2_change_kp x_kp
    links          = sum variable_co2_lp f_lp

A_iq = CRF(r, lifetime_iq) capex_iq is the annual payment of item i built in
period q, at the capex and lifetime in force then; it is paid every year the
item operates to the horizon's end (renewed like for like), none after. A
tier uses its link's lifetime; existing items' capex is sunk (0). With
b_iq = x_iq - x_i,q-1 the capex sum is, by parts,
A_ip x_ip - sum_{q < p} (A_i,q+1 - A_iq) x_iq: one term per item, plus the
steps of items whose capex or lifetime has a profile row.

Over the horizon (w_p = sum_{y in p} (1 + r)^-(y - y0), n_p its years)::

    horizon_cost = sum_p w_p annual_cost_p        (present value)
    horizon_co2  = sum_p n_p annual_co2_p         (cumulative tonnes)

One period of one year has w = n = 1: the totals are the annual amounts.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

COST_COMPONENTS = ("purchases", "sales", "disposal", "capex", "fixed_opex", "measure_opex", "link_variable")
CO2_COMPONENTS = ("purchases", "sales", "disposal", "measures", "links")


def add_accounting(m: pyo.ConcreteModel, d) -> None:
    """Add ``cost_<component>[p]``, ``co2_<component>[p]``, ``annual_cost[p]``, ``annual_co2[p]`` and the horizon totals."""
    P = m.periods
    m.cost_purchases = pyo.Expression(P, rule=lambda m, p: sum(m.buy[n, r, p] * m.buy_price[r, p] for n, r in m.buy_nodes))
    m.cost_sales = pyo.Expression(P, rule=lambda m, p: -sum(m.sell[n, r, p] * m.sell_price[r, p] for n, r in m.sell_nodes))
    m.cost_disposal = pyo.Expression(P, rule=lambda m, p: sum(m.dispose[n, r, p] * m.disposal_cost[r, p] for n, r in m.dispose_nodes))
    m.cost_capex = pyo.Expression(P, rule=_capex_rule(d))
    m.cost_fixed_opex = pyo.Expression(
        P,
        rule=lambda m, p: sum(m.link_fixed_opex[l, p] * m.build_link[l, p] for l in m.links)
        + sum(m.tier_fixed_opex[l, t, p] * m.build_tier[l, t, p] for l, t in m.tiers),
    )
    m.cost_measure_opex = pyo.Expression(P, rule=lambda m, p: sum(m.measure_opex_change[k, p] * m.fund_measure[k, p] for k in m.measures))
    m.cost_link_variable = pyo.Expression(P, rule=lambda m, p: sum(m.variable_cost[l, p] * m.flow[l, p] for l in m.links))
    m.annual_cost = pyo.Expression(P, rule=lambda m, p: sum(getattr(m, f"cost_{c}")[p] for c in COST_COMPONENTS))

    m.co2_purchases = pyo.Expression(P, rule=lambda m, p: sum(m.buy[n, r, p] * m.buy_emission_factor[r, p] for n, r in m.buy_nodes))
    m.co2_sales = pyo.Expression(P, rule=lambda m, p: -sum(m.sell[n, r, p] * m.sell_emission_factor[r, p] for n, r in m.sell_nodes))
    m.co2_disposal = pyo.Expression(P, rule=lambda m, p: sum(m.dispose[n, r, p] * m.disposal_emission_factor[r, p] for n, r in m.dispose_nodes))
    m.co2_measures = pyo.Expression(P, rule=lambda m, p: sum(m.measure_direct_co2[k, p] * m.fund_measure[k, p] for k in m.measures))
    m.co2_links = pyo.Expression(P, rule=lambda m, p: sum(m.variable_co2[l, p] * m.flow[l, p] for l in m.links))
    m.annual_co2 = pyo.Expression(P, rule=lambda m, p: sum(getattr(m, f"co2_{c}")[p] for c in CO2_COMPONENTS))

    m.horizon_cost = pyo.Expression(expr=sum(m.discount_weight[p] * m.annual_cost[p] for p in P))
    m.horizon_co2 = pyo.Expression(expr=sum(m.period_years[p] * m.annual_co2[p] for p in P))


def _capex_rule(d):
    """cost_capex[p] = sum_i A_ip x_ip - sum_{q < p} step_iq x_iq (see the module docstring)."""
    order = {p: position for position, p in enumerate(d.sets["periods"])}
    steps = defaultdict(list)  # period q -> (annualised name, step name, item index)
    for decision, annualised in (("fund_measure", "measure"), ("build_link", "link"), ("build_tier", "tier")):
        for key in d.sets[f"{annualised}_annualised_capex_steps"]:
            steps[key[-1]].append((decision, f"{annualised}_annualised_capex_step", key))

    def rule(m, p):
        paid = (
            sum(m.measure_annualised_capex[k, p] * m.fund_measure[k, p] for k in m.measures)
            + sum(m.link_annualised_capex[l, p] * m.build_link[l, p] for l in m.links)
            + sum(m.tier_annualised_capex[l, t, p] * m.build_tier[l, t, p] for l, t in m.tiers)
        )
        for q, changes in steps.items():
            if order[q] < order[p]:
                paid -= sum(getattr(m, step)[key] * getattr(m, decision)[key] for decision, step, key in changes)
        return paid

    return rule


def add_co2_limit(m: pyo.ConcreteModel, d, elastic: bool = False) -> None:
    """The park's CO2e caps: per period where ``constraints.max_co2`` is set (a declining cap from
    profiles is a pathway), and over the horizon where ``constraints.max_co2_total`` is.

    .. math:: annual\\_co2_p \\le CO2^{max}_p, \\qquad horizon\\_co2 \\le CO2^{max}_{total}
    """
    if d.sets["co2_limited"]:
        def rule(m, p):
            slack = m.co2_overrun[p] if elastic else 0
            return m.annual_co2[p] - slack <= m.max_co2[p]

        m.co2_limit = pyo.Constraint(m.co2_limited, rule=rule)
    if d.sets["co2_total_limited"]:
        def total_rule(m, h):
            slack = m.co2_total_overrun[h] if elastic else 0
            return m.horizon_co2 - slack <= m.max_co2_total[h]

        m.co2_total_limit = pyo.Constraint(m.co2_total_limited, rule=total_rule)


def add_objectives(m: pyo.ConcreteModel) -> None:
    """One objective per goal over the horizon, all but one deactivated; and the caps of lexicographic solves.

    - ``objective_cost``: min horizon_cost = sum_p w_p annual_cost_p
    - ``objective_co2``: min horizon_co2 = sum_p n_p annual_co2_p (stage 1 of the ``co2`` objective)
    - ``objective_weighted``: min sum_p w_p (annual_cost_p + carbon_price_p annual_co2_p)
    - ``co2_cap``: horizon_co2 <= co2_cap_value (stage 2 of ``co2``: least cost at least CO2e)
    - ``cost_cap``: horizon_cost <= cost_cap_value (a CO2e tie-break among least-cost solutions)
    """
    m.objective_cost = pyo.Objective(expr=m.horizon_cost, sense=pyo.minimize)
    m.objective_co2 = pyo.Objective(expr=m.horizon_co2, sense=pyo.minimize)
    m.objective_weighted = pyo.Objective(
        expr=sum(m.discount_weight[p] * (m.annual_cost[p] + m.carbon_price[p] * m.annual_co2[p]) for p in m.periods),
        sense=pyo.minimize,
    )
    m.co2_cap_value = pyo.Param(mutable=True, initialize=0.0, within=pyo.Reals)
    m.co2_cap = pyo.Constraint(expr=m.horizon_co2 <= m.co2_cap_value)
    m.co2_cap.deactivate()
    m.cost_cap_value = pyo.Param(mutable=True, initialize=0.0, within=pyo.Reals)
    m.cost_cap = pyo.Constraint(expr=m.horizon_cost <= m.cost_cap_value)
    m.cost_cap.deactivate()
    for name in ("objective_co2", "objective_weighted"):
        getattr(m, name).deactivate()
