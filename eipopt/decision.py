"""The decision of a solve in a few sentences, and its headline figures, for every document.

The console report, the workbook's summary sheet, the HTML report and the web
app open with these lines, so a planner reads the same words everywhere.
"""

from __future__ import annotations

import math

import pandas as pd

from eipopt.model import Scenario
from eipopt.readable import CO2_UNIT, labelled, money, money_scale, number, shown_of
from eipopt.result import Result

#: How many funded items a summary names before it says how many more there are.
NAMED_ITEMS = 10


def status_line(result: Result) -> str:
    """Solver status said honestly: optimal, or feasible with the gap inside which numbers are not findings."""
    s = result.summary
    status = s["status"]
    gap = s.get("mip_gap")
    if status == "optimal":
        text = "Optimal (proven)"
    elif status == "feasible":
        gap_text = f"{gap:.1%}" if gap is not None and math.isfinite(gap) else "an unknown amount"
        text = (f"Feasible but not proven optimal: the best plan may be up to {gap_text} better; "
                "differences smaller than that are not findings")
    else:
        text = f"No plan: {status}"
    return f"{text} (objective: {s['objective']}; solved in {s['solve_seconds']:.1f} s)"


def decision_lines(result: Result, scenario: Scenario, where: str = "all in the tables below") -> list[str]:
    """The decision in plain sentences: what to fund and build, what it costs, what it saves."""
    s = result.summary
    currency = scenario.settings.currency
    lines = [status_line(result)]
    if "measures" not in result.tables:
        lines += [f"Why: {reason}" for reason in s.get("infeasibility", [])]
        return lines
    measures, links = result.measures, result.links
    n_tiers = len(s.get("tiers_built", []))
    candidates = {"measures": measures.loc[~measures["existing"], "id"].nunique(), "links": links.loc[~links["existing"], "id"].nunique()}  # ids: a multi-period table has a row per period
    actions = [f"{verb} {s[key]} of {candidates[table]} candidate {table}" for verb, key, table in
               (("fund", "n_measures_funded", "measures"), ("build", "n_links_built", "links")) if candidates[table]]
    if n_tiers:
        actions.append(f"{'add' if actions else 'build'} {n_tiers} capacity expansion step(s)")
    what = " and ".join(actions) if actions else "nothing to decide (no candidate measures, links or expansion steps)"
    lines.append(f"{what[0].upper()}{what[1:]}: new investment {money(s['capex_total'], currency)}.")
    if s["baseline_cost"] is None:
        lines.append("No baseline to compare with: without new items the park cannot operate "
                     "(see the baseline problems), so no savings are claimed.")
        lines += [f"Baseline: {reason}" for reason in s.get("baseline_infeasibility", [])]
    else:
        cost_name, co2_name, per, co2_unit = _totals_wording(s)
        lines.append(
            f"{cost_name} {_change(s['cost_savings'])} by {money(abs(s['cost_savings']), currency, per)} "
            f"(from {money(s['baseline_cost'], currency, per)} to {money(s['total_cost'], currency, per)}; "
            "annualised capex included)."
        )
        share = f", {abs(s['co2_reduction']) / abs(s['baseline_co2']):.0%}" if s["baseline_co2"] else ""
        lines.append(
            f"{co2_name} {_change(s['co2_reduction'])} by {number(abs(s['co2_reduction']))} {co2_unit}{share} "
            f"(from {number(s['baseline_co2'])} to {number(s['total_co2'])} {co2_unit})."
        )
    for budget_id, budget in s["budgets"].items():
        limit = budget["limit"]
        limit_text = "no limit" if limit is None or (isinstance(limit, float) and math.isnan(limit)) else money(limit, currency)
        lines.append(f"Budget '{budget_id}': {money(budget['used'], currency)} used of {limit_text}.")
    lines += funded_lines(result, scenario, where)
    return lines


def _totals_wording(summary: dict) -> tuple[str, str, str, str]:
    """How the cost and CO2e totals read: annual for one year; over a horizon, present value
    of cost and cumulative tonnes (cost name, CO2e name, money 'per', CO2e unit)."""
    horizon = summary.get("horizon")
    if not horizon:
        return "Annual cost", "Annual CO2e", "yr", f"{CO2_UNIT}/yr"
    years = horizon["n_years"]
    return (f"Cost over {years} years (present value)", f"CO2e over {years} years", "",
            f"{CO2_UNIT} over {years} years")


def _change(saving: float) -> str:
    return "falls" if saving >= 0 else "rises"


def funded_lines(result: Result, scenario: Scenario, where: str) -> list[str]:
    """Names of what is funded and built, at most :data:`NAMED_ITEMS` each, saying how many more."""
    lines = []
    items = {
        "Measures funded": _named(result.measures[result.measures["new"]], scenario, "measures"),
        "Links built": _named(result.links[result.links["new"]], scenario, "links"),
    }
    for title, named in items.items():
        if named:
            cut = shown_of(min(NAMED_ITEMS, len(named)), len(named), where)
            # "; " between items: a link's name holds a comma ("resource, from -> to")
            lines.append(f"{title}: {'; '.join(named[:NAMED_ITEMS])}" + (f" ({cut})" if cut else "") + ".")
    return lines


def _named(frame: pd.DataFrame, scenario: Scenario, table: str) -> list[str]:
    return [labelled(item, item_names(scenario, table).get(item, "")) for item in frame["id"].drop_duplicates()]


def item_names(scenario: Scenario, table: str) -> dict[str, str]:
    """id -> readable name of measures or links (a link reads as 'resource, from -> to' by firm names)."""
    frame = scenario.tables[table]
    if table != "links":
        return dict(zip(frame["id"], frame["name"], strict=True)) if "name" in frame.columns else {}
    firms = dict(zip(scenario.firms["id"], scenario.firms["name"], strict=True))
    resources = dict(zip(scenario.resources["id"], scenario.resources["name"], strict=True))
    return {
        row.id: f"{resources.get(row.resource) or row.resource}, {firms.get(row.source) or row.source} -> {firms.get(row.sink) or row.sink}"
        for row in frame.itertuples()
    }


def headline(result: Result, scenario: Scenario) -> pd.DataFrame:
    """Baseline, plan and change of annual cost, annual CO2e and new investment (one row each, unscaled)."""
    s = result.summary
    currency = scenario.settings.currency
    cost_name, co2_name, per, co2_unit = _totals_wording(s)
    rows = [
        (f"{_lowercase_first(cost_name)} (annualised capex included)", f"{currency}/{per}" if per else currency, s["baseline_cost"], s["total_cost"]),
        (_lowercase_first(co2_name), co2_unit, s["baseline_co2"], s["total_co2"]),
        ("new investment (capex)", currency, 0.0 if s["capex_total"] is not None else None, s["capex_total"]),
    ]
    frame = pd.DataFrame(rows, columns=["figure", "unit", "baseline", "plan"])
    frame["change"] = frame["plan"] - frame["baseline"]
    return frame


def _lowercase_first(text: str) -> str:
    """``Annual CO2e`` -> ``annual CO2e`` (a sentence's start as a table row); ``CO2e ...`` keeps its case."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def headline_scale(result: Result, scenario: Scenario):
    """The money scale of the headline: that of the decision's figures (savings and investment)."""
    s = result.summary
    values = [s["cost_savings"], s["capex_total"]]
    return money_scale([v for v in values if v is not None], scenario.settings.currency)
