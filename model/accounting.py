"""Annual cost and CO2e of a park, as named Pyomo expressions by component.

Cost components (currency/yr)::

    purchases      = sum buy * buy_price
    sales          = -sum sell * sell_price
    disposal       = sum disp * disposal_cost
    capex          = sum CRF_k capex_k x_k + sum CRF_l capex_l y_l + sum CRF_l capex_lt z_lt   (new items only)
    fixed_opex     = sum fixed_opex_l y_l + sum fixed_opex_lt z_lt
    measure_opex   = sum opex_change_k x_k
    link_variable  = sum variable_cost_l f_l

CO2e components (tCO2e/yr)::

    purchases      = sum buy * buy_emission_factor
    sales          = -sum sell * sell_emission_factor
    disposal       = sum disp * disposal_emission_factor
    measures       = sum direct_co2_change_k x_k
    links          = sum variable_co2_l f_l

CRF is the capital recovery factor of the discount rate and the item's
lifetime; a tier uses its link's lifetime; existing items' capex is sunk (0).
"""

from __future__ import annotations

import pyomo.environ as pyo

COST_COMPONENTS = ("purchases", "sales", "disposal", "capex", "fixed_opex", "measure_opex", "link_variable")
CO2_COMPONENTS = ("purchases", "sales", "disposal", "measures", "links")


def add_accounting(m: pyo.ConcreteModel) -> None:
    """Add ``cost_<component>``, ``co2_<component>``, ``annual_cost`` and ``annual_co2``."""
    m.cost_purchases = pyo.Expression(expr=sum(m.buy[n, r] * m.buy_price[r] for n, r in m.buy_nodes))
    m.cost_sales = pyo.Expression(expr=-sum(m.sell[n, r] * m.sell_price[r] for n, r in m.sell_nodes))
    m.cost_disposal = pyo.Expression(expr=sum(m.dispose[n, r] * m.disposal_cost[r] for n, r in m.dispose_nodes))
    m.cost_capex = pyo.Expression(
        expr=sum(m.measure_annualised_capex[k] * m.fund_measure[k] for k in m.measures)
        + sum(m.link_annualised_capex[l] * m.build_link[l] for l in m.links)
        + sum(m.tier_annualised_capex[t] * m.build_tier[t] for t in m.tiers)
    )
    m.cost_fixed_opex = pyo.Expression(
        expr=sum(m.link_fixed_opex[l] * m.build_link[l] for l in m.links)
        + sum(m.tier_fixed_opex[t] * m.build_tier[t] for t in m.tiers)
    )
    m.cost_measure_opex = pyo.Expression(expr=sum(m.measure_opex_change[k] * m.fund_measure[k] for k in m.measures))
    m.cost_link_variable = pyo.Expression(expr=sum(m.variable_cost[l] * m.flow[l] for l in m.links))
    m.annual_cost = pyo.Expression(expr=sum(getattr(m, f"cost_{c}") for c in COST_COMPONENTS))

    m.co2_purchases = pyo.Expression(expr=sum(m.buy[n, r] * m.buy_emission_factor[r] for n, r in m.buy_nodes))
    m.co2_sales = pyo.Expression(expr=-sum(m.sell[n, r] * m.sell_emission_factor[r] for n, r in m.sell_nodes))
    m.co2_disposal = pyo.Expression(expr=sum(m.dispose[n, r] * m.disposal_emission_factor[r] for n, r in m.dispose_nodes))
    m.co2_measures = pyo.Expression(expr=sum(m.measure_direct_co2[k] * m.fund_measure[k] for k in m.measures))
    m.co2_links = pyo.Expression(expr=sum(m.variable_co2[l] * m.flow[l] for l in m.links))
    m.annual_co2 = pyo.Expression(expr=sum(getattr(m, f"co2_{c}") for c in CO2_COMPONENTS))


def add_co2_limit(m: pyo.ConcreteModel, d, elastic: bool = False) -> None:
    """The park's CO2e cap, where ``constraints.max_co2`` is set (the epsilon of a trade-off curve).

    .. math:: annual\\_co2 \\le CO2^{max}
    """
    if not d.sets["co2_limited"]:
        return
    slack = m.co2_overrun if elastic else 0
    m.co2_limit = pyo.Constraint(expr=m.annual_co2 - slack <= m.max_co2)


def add_objectives(m: pyo.ConcreteModel) -> None:
    """One objective per goal, all but one deactivated; and the CO2e cap of lexicographic solves.

    - ``objective_cost``: min annual_cost
    - ``objective_co2``: min annual_co2 (stage 1 of the ``co2`` objective)
    - ``objective_weighted``: min annual_cost + carbon_price * annual_co2
    - ``co2_cap``: annual_co2 <= co2_cap_value (stage 2 of ``co2``: least cost at least CO2e)
    - ``cost_cap``: annual_cost <= cost_cap_value (a CO2e tie-break among least-cost solutions)
    """
    m.objective_cost = pyo.Objective(expr=m.annual_cost, sense=pyo.minimize)
    m.objective_co2 = pyo.Objective(expr=m.annual_co2, sense=pyo.minimize)
    m.objective_weighted = pyo.Objective(expr=m.annual_cost + m.carbon_price * m.annual_co2, sense=pyo.minimize)
    m.co2_cap_value = pyo.Param(mutable=True, initialize=0.0, within=pyo.Reals)
    m.co2_cap = pyo.Constraint(expr=m.annual_co2 <= m.co2_cap_value)
    m.co2_cap.deactivate()
    m.cost_cap_value = pyo.Param(mutable=True, initialize=0.0, within=pyo.Reals)
    m.cost_cap = pyo.Constraint(expr=m.annual_cost <= m.cost_cap_value)
    m.cost_cap.deactivate()
    for name in ("objective_co2", "objective_weighted"):
        getattr(m, name).deactivate()
