"""Firms' operating accounts, and the ``financing`` and ``firms`` result tables.

A firm's operating cost in period p (currency/yr)::

    OC_np = sum_{r} (buy_nrp buy_price_rp - sell_nrp sell_price_rp + disp_nrp disposal_cost_rp)
          + sum_{k of n} opex_change_kp x_kp
          + sum_{l owned by n} (fixed_opex_lp y_lp + sum_t fixed_opex_ltp z_ltp + variable_cost_lp f_lp)
          + sum_{l into n} tau_lp f_lp - sum_{l out of n} tau_lp f_lp

tau_l is the link's ``transfer_price`` (paid by the sink to the source per
unit sent); a link and its tiers belong to its ``owner`` (source or sink).
Summed over firms the transfers cancel: sum_n OC_np = annual_cost_p -
capex_p, the park's cost without annualised capex.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.core as pyo

from eipopt.model.constraints import decision, item_capex
from eipopt.model.financing_checks import OWN_MONEY

TINY = 1e-6  # money below this (solver noise) is not reported as financing


def add_firm_accounts(m: pyo.ConcreteModel, d, elastic: bool = False) -> None:
    """``firm_operating_cost[n, p]`` = OC_np of the module docstring, for every firm (with financing on)."""
    if elastic or not d.sets["financing_on"]:
        return
    terms = defaultdict(list)  # firm -> functions of p
    for market, price, sign in (("buy", "buy_price", 1), ("sell", "sell_price", -1), ("dispose", "disposal_cost", 1)):
        for n, r in d.sets[f"{market}_nodes"]:
            terms[n].append(lambda m, p, n=n, r=r, market=market, price=price, sign=sign: sign * getattr(m, market)[n, r, p] * getattr(m, price)[r, p])
    for k, n in d.sets["measure_firm"]:
        terms[n].append(lambda m, p, k=k: m.measure_opex_change[k, p] * m.fund_measure[k, p])
    owner = dict(d.sets["link_owner"])
    for l, source, _, sink, _ in d.sets["link_endpoints"]:
        terms[owner[l]].append(lambda m, p, l=l: m.link_fixed_opex[l, p] * m.build_link[l, p] + m.variable_cost[l, p] * m.flow[l, p])
        terms[sink].append(lambda m, p, l=l: m.transfer_price[l, p] * m.flow[l, p])
        terms[source].append(lambda m, p, l=l: -m.transfer_price[l, p] * m.flow[l, p])
    for l, t in d.sets["tiers"]:
        terms[owner[l]].append(lambda m, p, l=l, t=t: m.tier_fixed_opex[l, t, p] * m.build_tier[l, t, p])
    firms = list(dict.fromkeys([n for n, _ in d.sets["nodes"]] + [n for _, n in d.sets["link_owner"]] + [n for _, n in d.sets["measure_firm"]]))
    m.account_firms = pyo.Set(initialize=firms, ordered=True)
    m.firm_operating_cost = pyo.Expression(m.account_firms * m.periods, rule=lambda m, n, p: sum(term(m, p) for term in terms[n]))


# --- results ------------------------------------------------------------------------
def _built_period(m, item: str) -> object | None:
    """The period an item is built in (its cumulative binary turns 1), None if never."""
    return next((p for p in m.periods if (decision(m, item, p).value or 0) > 0.5), None)


def financing_table(park, with_periods: bool) -> pd.DataFrame:
    """Item x source: amount and annual instalment; the owner's own money as source ``own``.

    Columns: item, owner, [period], source, kind (grant, loan, equity, own),
    amount (currency), instalment (currency/yr: crf(rate, tenor) x amount for
    loans, 0 otherwise). The amounts of an item sum to its capex.
    """
    m, d = park.model, park.data
    kinds = {f: kind for kind in ("grant", "loan", "equity") for f in d.sets[f"{kind}_sources"]}
    rows = []
    finance = defaultdict(float)
    for (i, f, p), expr in m.finance.items():
        finance[(i, f, p)] = pyo.value(expr, exception=False) or 0.0
    for item, owner in d.sets["item_owner"]:
        p = _built_period(m, item)
        if p is None:
            continue
        capex = pyo.value(item_capex(m, item, p))
        own = capex
        for (i, f, q), amount in finance.items():
            if i == item and q == p and amount > TINY:
                own -= amount
                annual = {"loan": d.params["loan_crf"], "equity": d.params["equity_return"]}.get(kinds[f], {}).get((f, p), 0.0)
                rows.append({"item": item, "owner": owner, "period": p, "source": f, "kind": kinds[f], "amount": amount, "instalment": annual * amount})
        if own > TINY:
            rows.append({"item": item, "owner": owner, "period": p, "source": OWN_MONEY, "kind": "own", "amount": own, "instalment": 0.0})
    columns = ["item", "owner", "period", "source", "kind", "amount", "instalment"]
    table = pd.DataFrame(rows, columns=columns).astype({"amount": float, "instalment": float})
    return table if with_periods else table.drop(columns="period")


def operating_costs(park) -> pd.DataFrame:
    """firm, period, operating_cost (OC_np at the current solution)."""
    m = park.model
    rows = [{"firm": n, "period": p, "operating_cost": pyo.value(expr)} for (n, p), expr in m.firm_operating_cost.items()]
    return pd.DataFrame(rows, columns=["firm", "period", "operating_cost"])


def firms_table(scenario, park, financing: pd.DataFrame, planned: pd.DataFrame, baseline: pd.DataFrame | None) -> pd.DataFrame:
    """Each firm (and period): baseline and planned operating cost, saving, how its new items are paid, DSCR.

    capex, own_money, loans, grants and equity are of the items it owns built
    in the period (the plan without periods); debt_service the instalments of
    its loans still being repaid in the period; dscr = saving / debt_service
    (blank without debt); min_dscr its rule (blank: none).
    """
    d = park.data
    with_periods = scenario.settings.periods is not None
    money = financing if with_periods else financing.assign(period=d.sets["periods"][0])
    repaid = defaultdict(list)
    for f, q, p in d.sets["loan_repaid"]:
        repaid[p].append((f, q))
    names = dict(zip(scenario.firms["id"], scenario.firms["name"], strict=True))
    rules = d.params["min_dscr"]
    table = planned.copy()
    table["name"] = table["firm"].map(names)
    base = baseline.set_index(["firm", "period"])["operating_cost"] if baseline is not None else None
    table["baseline_operating_cost"] = [base.get((n, p), float("nan")) if base is not None else float("nan") for n, p in zip(table["firm"], table["period"], strict=True)]
    table["saving"] = table["baseline_operating_cost"] - table["operating_cost"]
    by_firm_period = money.groupby(["owner", "period", "kind"])["amount"].sum()

    def paid(n, p, kinds) -> float:
        return float(sum(by_firm_period.get((n, p, k), 0.0) for k in kinds))

    table["capex"] = [paid(n, p, ("own", "grant", "loan", "equity")) for n, p in zip(table["firm"], table["period"], strict=True)]
    for column, kind in (("own_money", "own"), ("loans", "loan"), ("grants", "grant"), ("equity", "equity")):
        table[column] = [paid(n, p, (kind,)) for n, p in zip(table["firm"], table["period"], strict=True)]
    service = defaultdict(float)  # (firm, period repaid) -> instalments
    loans = money[money["kind"] == "loan"]
    for n, f, q, instalment in zip(loans["owner"], loans["source"], loans["period"], loans["instalment"], strict=True):
        for p in d.sets["periods"]:
            if (f, q) in repaid[p]:
                service[(n, p)] += instalment
    table["debt_service"] = [service[(n, p)] for n, p in zip(table["firm"], table["period"], strict=True)]
    table["min_dscr"] = [rules.get((n, p), float("nan")) for n, p in zip(table["firm"], table["period"], strict=True)]
    table["dscr"] = (table["saving"] / table["debt_service"].where(table["debt_service"] > TINY)).astype(float)
    columns = ["firm", "name", "period", "baseline_operating_cost", "operating_cost", "saving", "capex", "own_money", "loans", "grants", "equity", "debt_service", "min_dscr", "dscr"]
    table = table[columns]
    return table if with_periods else table.drop(columns="period")
