"""Financing families: who pays each new item's capex, within which limits, and which firm can carry its debt.

Symbols (besides those of :mod:`eipopt.model.constraints`; f source of
``financing.csv``, n firm, own(n) the new items firm n owns: its measures,
the links it owns by ``owner`` and their tiers):

=================  ==========================================================
a_ifp              money source f puts into item i built in period p: K_ip sigma_ifp, sigma_ifp in [0, 1]
K_ip               capex of item i in force in period p
b_ip               item i built in period p: x_ip - x_i,p-1
s_f, L_f           max_share of an item's capex, limit over the plan
E_n, R_n           equity limit (own money over the plan), least DSCR of firm n
crf_f              capital recovery factor of loan f: rate, tenor_years
OC_np, OC0_np      operating cost of firm n in period p, planned and baseline
=================  ==========================================================

Financing is a transfer: none of these terms enters the park's cost. A
source may finance item i only where it applies (``applies_to``,
``categories``, ``period``); the index set of a_ifp holds only those.
Every family returns at once when financing is off (no financing input) or
in the elastic diagnosis model (which explains physical and plan
infeasibility; a financing infeasibility is named by the diagnosis).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from eipopt.model.constraints import decision, item_capex
from eipopt.model.data import ModelData
from eipopt.model.firm_accounts import add_firm_accounts


def _off(d: ModelData, elastic: bool) -> bool:
    return elastic or not d.sets["financing_on"]


def built_in(m: pyo.ConcreteModel, item: str, period):
    """b_ip = x_ip - x_i,p-1 (x_ip alone in the first period)."""
    previous = dict(m.period_predecessor)
    earlier = decision(m, item, previous[period]) if period in previous else 0
    return decision(m, item, period) - earlier


def add_financing_split(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """Split each new item's capex between the sources that may finance it; the rest is its owner's own money.

    .. math::
        a_{ifp} = K_{ip} \\sigma_{ifp}, \\qquad
        \\sum_f \\sigma_{ifp} \\le b_{ip}, \\qquad \\sigma_{ifp} \\le s_f b_{ip}

    for every item i, period p (only where f may finance i in p): the money
    ``finance[i, f, p]`` = a_ifp is the share sigma_ifp in [0, 1] of the
    item's capex, so that these rows carry no capex-sized coefficient on a
    binary (HiGHS met wrong "optimal" and "infeasible" answers with
    a_ifp <= s_f K_ip b_ip at VND magnitudes). Equivalently
    sum_f a_ifp <= K_ip b_ip and a_ifp <= s_f K_ip b_ip. The owner's own money
    in item i is K_ip b_ip - sum_f a_ifp >= 0.
    """
    if _off(d, elastic):
        return
    source_period = dict(d.sets["source_periods"])
    index = [(i, f, p) for i, f in d.sets["financing_options"] for p in d.sets["periods"] if source_period.get(f, p) == p]
    m.finance_options = pyo.Set(initialize=index, dimen=3, ordered=True)
    m.finance_share = pyo.Var(m.finance_options, bounds=(0.0, 1.0), doc="share of an item's capex a source pays, built in the period")
    m.finance = pyo.Expression(m.finance_options, rule=lambda m, i, f, p: item_capex(m, i, p) * m.finance_share[i, f, p],
                               doc="money of a source in an item built in the period")
    if not index:
        return
    financed = defaultdict(list)
    for i, f, p in index:
        financed[(i, p)].append(f)
    m.financed_items = pyo.Set(initialize=list(financed), dimen=2, ordered=True)
    m.financing_within_capex = pyo.Constraint(
        m.financed_items,
        rule=lambda m, i, p: sum(m.finance_share[i, f, p] for f in financed[(i, p)]) <= built_in(m, i, p),
    )
    m.financing_share = pyo.Constraint(
        m.finance_options,
        rule=lambda m, i, f, p: m.finance_share[i, f, p] <= m.source_share[f, p] * built_in(m, i, p),
    )


def add_source_limits(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """What each source puts in over the plan stays within its limit (blank limit: none).

    .. math:: \\sum_{i,p} a_{ifp} \\le L_f
    """
    if _off(d, elastic) or not d.sets["limited_sources"]:
        return
    uses = defaultdict(list)
    for key in m.finance_options:
        uses[key[1]].append(key)
    m.source_limit_holds = pyo.Constraint(
        m.limited_sources, rule=lambda m, f: sum(m.finance[key] for key in uses[f]) <= m.source_limit[f]
    )


def own_money(m: pyo.ConcreteModel, items: list[str]):
    """sum over items and periods of K_ip b_ip - sum_f a_ifp: what their owner pays itself."""
    sources = defaultdict(list)
    for i, f, p in m.finance_options:
        sources[(i, p)].append(f)
    return sum(
        item_capex(m, i, p) * built_in(m, i, p) - sum(m.finance[i, f, p] for f in sources[(i, p)])
        for i in items
        for p in m.periods
    )


def add_equity_limits(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """Each firm's own money in its new items, over the plan, within its equity limit (blank: none).

    .. math:: \\sum_{i \\in own(n)} \\sum_p \\Big(K_{ip} b_{ip} - \\sum_f a_{ifp}\\Big) \\le E_n
    """
    if _off(d, elastic) or not d.sets["equity_limited"]:
        return
    owned = defaultdict(list)
    for item, firm in d.sets["item_owner"]:
        owned[firm].append(item)
    m.equity_limit_holds = pyo.Constraint(m.equity_limited, rule=lambda m, n: own_money(m, owned[n]) <= m.equity_limit[n])


def add_debt_service(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """Debt service coverage of every firm with a rule, in every period, for the loans still being repaid.

    .. math::
        OC^0_{np} - OC_{np} \\ge R_{np} \\sum_{i \\in own(n)} \\sum_{f \\in loans} \\sum_{q: f,q \\to p} crf_{fq} \\, a_{ifq}

    where (f, q -> p) are the loans of source f taken in period q whose
    instalments (years q .. q + tenor - 1) fall in period p. OC_np is the
    firm's operating cost (:func:`~eipopt.model.firm_accounts.add_firm_accounts`);
    OC0_np the one of the reported baseline solution, set by the solver layer
    before the plan is solved (``baseline_operating_cost``). A firm with a
    rule and no loan may not pay more to operate than in its baseline. The
    baseline itself is not held to the rule (it is a plan requirement).
    """
    if _off(d, elastic) or not d.sets["dscr_firms"]:
        return
    m.baseline_operating_cost = pyo.Param(m.dscr_firms * m.periods, mutable=True, initialize=0.0, within=pyo.Reals)
    owner = dict(d.sets["item_owner"])
    repaid = defaultdict(list)
    for f, q, p in d.sets["loan_repaid"]:
        repaid[p].append((f, q))
    loans = set(d.sets["loan_sources"])
    instalments = defaultdict(list)  # (firm, p) -> (i, f, q)
    for i, f, q in m.finance_options:
        if f in loans:
            for p in m.periods:
                if (f, q) in repaid[p]:
                    instalments[(owner[i], p)].append((i, f, q))

    def rule(m, n, p):
        service = sum(m.loan_crf[f, q] * m.finance[i, f, q] for i, f, q in instalments[(n, p)])
        return m.baseline_operating_cost[n, p] - m.firm_operating_cost[n, p] >= m.min_dscr[n, p] * service

    m.debt_service = pyo.Constraint(m.dscr_firms * m.periods, rule=rule, doc="saving covers loan instalments")


def add_grant_objective(m: pyo.ConcreteModel, d: ModelData, elastic: bool = False) -> None:
    """The ``grant`` objective (stage 1: least grant money) and its cap (stage 2: least cost under it).

    .. math:: G = \\sum_{f \\in grants} \\sum_{i,p} a_{ifp} \\quad \\text{(nominal, over the plan)}
    """
    if _off(d, elastic):
        return
    grants = set(d.sets["grant_sources"])
    m.grant_money = pyo.Expression(expr=sum(m.finance[i, f, p] for i, f, p in m.finance_options if f in grants))
    m.objective_grant = pyo.Objective(expr=m.grant_money, sense=pyo.minimize)
    m.objective_grant.deactivate()
    m.grant_cap_value = pyo.Param(mutable=True, initialize=0.0, within=pyo.Reals)
    m.grant_cap = pyo.Constraint(expr=m.grant_money <= m.grant_cap_value)
    m.grant_cap.deactivate()


#: The financing families, in build order after the core families (tests check each has a test).
FINANCING_FAMILIES = (add_firm_accounts, add_financing_split, add_source_limits, add_equity_limits, add_debt_service, add_grant_objective)
