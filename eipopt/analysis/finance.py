"""Funder analyses: which items need a grant (viability gaps), and what a grant pool buys.

:func:`viability_gaps` asks, for each candidate item alone (with what it
requires, nothing else new), the least grant money that makes it
financeable with the scenario's sources, its owner's own money and its
owner's debt-service rule: the ``grant`` objective on a plan forced to that
item. A gap of 0 means a lender can finance it as it is; no solution means
no grant the sources allow makes it financeable (``financeable`` false).

:func:`grant_response` solves the scenario at a series of limits of one
grant source and reports, per level, the optimum's grant money used, CO2e
reduction and savings, and what each grant unit brings::

    leverage                = capex_total / grant_total     (all money invested per unit of grant)
    co2_reduction_per_grant = co2_reduction / grant_total   (tCO2e/yr per currency)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from eipopt.analysis.portfolio import candidate_items, item_capex, item_kind, prerequisites
from eipopt.analysis.tables import result_row
from eipopt.api import ScenarioSolver
from eipopt.model import Objective, Scenario
from eipopt.model.financing_data import financing_active

SOLVED = ("optimal", "feasible")


@dataclass(frozen=True)
class FinanceAnalysis:
    """``gaps``: one row per candidate item; ``response``: one row per grant pool level."""

    source: str
    objective: str
    gaps: pd.DataFrame
    response: pd.DataFrame


def item_owners(scenario: Scenario) -> dict[str, str]:
    """The firm that owns each item: a measure's firm, a link's owner end (and its tiers')."""
    owners = dict(zip(scenario.measures["id"], scenario.measures["firm"], strict=True))
    links = scenario.links
    link_owner = dict(zip(links["id"], links["source"].where(links["owner"] == "source", links["sink"]), strict=True))
    owners.update(link_owner)
    owners.update({f"{t.link}:{t.tier}": link_owner[t.link] for t in scenario.link_tiers.itertuples()})
    return owners


def grant_source(scenario: Scenario, source: str | None) -> str:
    """The grant source whose limit varies: ``source``, or the scenario's only grant source."""
    sources = scenario.financing
    grants = list(sources.loc[sources["kind"] == "grant", "id"])
    if source is None:
        if len(grants) != 1:
            raise ValueError(f"the scenario has {len(grants)} grant sources {grants}; name one with --source")
        return grants[0]
    if source not in grants:
        raise ValueError(f"'{source}' is not a grant source of financing.csv; grant sources: {grants}")
    return source


def viability_gaps(scenario: Scenario, items: Iterable[str] | None = None, *, solver: ScenarioSolver | None = None) -> pd.DataFrame:
    """The least grant that makes each item financeable alone (see the module docstring).

    Columns: item, kind, name, owner, owner_name, capex, status, financeable,
    viability_gap (currency), gap_share (of capex), own_money, loans, equity,
    saving (the owner's operating saving, currency/yr), debt_service
    (currency/yr), dscr.
    """
    if not financing_active(scenario):
        raise ValueError("the scenario has no financing input (financing.csv, equity_limit or min_dscr): every item is paid by its owner")
    solver = solver or ScenarioSolver()
    candidates = candidate_items(scenario)
    chosen = candidates if items is None else list(items)
    unknown = [i for i in chosen if i not in candidates]
    if unknown:
        raise ValueError(f"not candidate items (new measures, links or tiers): {unknown}")
    capex, owners = item_capex(scenario), item_owners(scenario)
    names = dict(zip(scenario.measures["id"], scenario.measures["name"], strict=True))
    firm_names = dict(zip(scenario.firms["id"], scenario.firms["name"], strict=True))
    rows = []
    for item in chosen:
        needed = prerequisites(scenario, item)
        others = [i for i in candidates if i not in needed]
        result = solver.solve(scenario, Objective.GRANT, force=needed, forbid=others)
        owner = owners[item]
        row = {"item": item, "kind": item_kind(scenario, item), "name": names.get(item, ""), "owner": owner,
               "owner_name": firm_names.get(owner, ""), "capex": capex[item], "status": result.summary["status"]}
        solved = row["status"] in SOLVED
        row["financeable"] = solved
        row["viability_gap"] = result.summary["objective_value"] if solved else math.nan
        row["gap_share"] = row["viability_gap"] / capex[item] if capex[item] > 0 else math.nan
        money = result.tables["financing"] if solved else None
        for column, kind in (("own_money", "own"), ("loans", "loan"), ("equity", "equity")):
            row[column] = float(money.loc[(money["item"] == item) & (money["kind"] == kind), "amount"].sum()) if solved else math.nan
        firm = result.tables["firms"].set_index("firm").loc[owner] if solved else None
        for column in ("saving", "debt_service", "dscr"):
            row[column] = float(firm[column]) if solved else math.nan
        rows.append(row)
    columns = ["item", "kind", "name", "owner", "owner_name", "capex", "status", "financeable", "viability_gap", "gap_share",
               "own_money", "loans", "equity", "saving", "debt_service", "dscr"]
    return pd.DataFrame(rows, columns=columns)


def grant_response(scenario: Scenario, source: str | None, levels: list[float], objective: Objective | str | None = None,
                   *, solver: ScenarioSolver | None = None) -> pd.DataFrame:
    """The optimum at each limit of a grant source (ascending): grant used, CO2e, savings, leverage."""
    source = grant_source(scenario, source)
    objective = Objective(objective or scenario.settings.objective)
    solver = solver or ScenarioSolver()
    rows = []
    for level in sorted(set(levels)):
        result = solver.solve(scenario.with_overrides({f"financing.{source}.limit": level}), objective)
        s = result.summary
        row = {"grant_pool": level, **result_row(result)}
        for key in ("grant_total", "loans_total", "own_money_total", "leverage", "co2_reduction_per_grant"):
            value = s.get(key)
            row[key] = math.nan if value is None else value
        rows.append(row)
    response = pd.DataFrame(rows)
    solved = response["status"].isin(SOLVED)
    response["added"] = ""
    previous: set[str] | None = None
    for index in response.index[solved]:  # what each level buys beyond the previous solved one
        items = {i for column in ("measures_funded", "links_built", "tiers_built") for i in str(response.at[index, column]).split(";") if i and i != "nan"}
        response.at[index, "added"] = "" if previous is None else ";".join(sorted(items - previous))
        previous = items
    return response


def finance_analysis(scenario: Scenario, source: str | None, levels: list[float], objective: Objective | str | None = None,
                     items: Iterable[str] | None = None, *, solver: ScenarioSolver | None = None) -> FinanceAnalysis:
    """Viability gaps and the grant pool response of one scenario, on one built model."""
    solver = solver or ScenarioSolver()
    source = grant_source(scenario, source)
    objective = Objective(objective or scenario.settings.objective)
    gaps = viability_gaps(scenario, items, solver=solver)
    response = grant_response(scenario, source, levels, objective, solver=solver)
    return FinanceAnalysis(source, objective.value, gaps, response)


def default_levels(scenario: Scenario, source: str, steps: int = 6) -> list[float]:
    """``steps`` grant pool levels from 0 to the source's limit (an unlimited source needs levels given)."""
    limit = scenario.financing.set_index("id").at[source, "limit"]
    if math.isnan(limit):
        raise ValueError(f"grant source '{source}' has no limit: give the grant pool levels with --steps")
    return [limit * k / (steps - 1) for k in range(steps)]
