"""Financing in a solve: the DSCR rule's baseline, and the summary extras of who pays.

Summary extras (only for a scenario with financing input)::

    grant_total, loans_total, equity_total, own_money_total   currency over the plan
    leverage                 = capex_total / grant_total      (all money invested per unit of grant; None without grants)
    co2_reduction_per_grant  = co2_reduction / grant_total    (tCO2e/yr per currency, tCO2e over the horizon with periods)
    financing_warnings       located notes on the input (a DSCR rule with no loan source)
    dscr_rule                "applied", "none" or why it was not applied
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from eipopt.model.financing_checks import financing_warnings


@contextmanager
def debt_service_measured_against(park, base) -> Iterator[None]:
    """Within the block, the DSCR rule compares with the baseline solution ``base`` (a Snapshot).

    Without a baseline solution (it is infeasible) there is nothing to
    measure a saving against: the rule is lifted for the block, and the
    result says so (``dscr_rule``).
    """
    if not park.has_debt_service_rules:
        yield
        return
    rule = park.model.debt_service
    if base is None or base.firm_costs is None:
        rule.deactivate()
        try:
            yield
        finally:
            rule.activate()
        return
    costs = {(n, p): c for n, p, c in zip(base.firm_costs["firm"], base.firm_costs["period"], base.firm_costs["operating_cost"], strict=True)}
    park.set_baseline_operating_costs(costs)
    yield


def financing_summary(scenario, optimum, summary: dict, has_baseline: bool) -> dict:
    """The financing extras of the summary (see the module docstring)."""
    money = optimum.financing.groupby("kind")["amount"].sum()
    grant = float(money.get("grant", 0.0))
    firms = optimum.firms
    has_rules = firms["min_dscr"].notna().any()
    if not has_rules:
        dscr_rule = "none"
    elif firms["baseline_operating_cost"].isna().all():
        dscr_rule = "not applied: the baseline has no solution to measure savings against"
    else:
        dscr_rule = "applied"
    reduction = summary.get("co2_reduction")
    return {
        "grant_total": grant,
        "loans_total": float(money.get("loan", 0.0)),
        "equity_total": float(money.get("equity", 0.0)),
        "own_money_total": float(money.get("own", 0.0)),
        "leverage": summary["capex_total"] / grant if grant > 0 else None,
        "co2_reduction_per_grant": reduction / grant if grant > 0 and reduction is not None and has_baseline else None,
        "dscr_rule": dscr_rule,
        "financing_warnings": [str(w) for w in financing_warnings(scenario)],
    }
