"""Portfolios: what a solution funds, and the items a scenario could fund.

Every analysis in this package compares portfolios (the new measures, links
and tiers a solution funds) measured by the same model, through
:class:`eipopt.ScenarioSolver`: attribution rules one funded item out
(``forbid``), the greedy comparison imposes a portfolio and lets the model
operate it (``force``), the Pareto front breaks cost ties by CO2e
(``least_co2_at_cost``) — each on one built model.
"""

from __future__ import annotations

from dataclasses import dataclass

from eipopt.model import Scenario
from eipopt.model.data import tier_item
from eipopt.model.validation import split_ids
from eipopt.result import Result


class AnalysisError(RuntimeError):
    """The solve an analysis starts from has no solution; ``result`` says why."""

    def __init__(self, message: str, result: Result):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Portfolio:
    """What a solution funds that is new: measures, links and tiers (``LINK:TIER``)."""

    measures: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: Result) -> Portfolio:
        """The portfolio of a solved result (empty when it has no solution)."""
        s = result.summary
        return cls(tuple(s.get("measures_funded", ())), tuple(s.get("links_built", ())), tuple(s.get("tiers_built", ())))

    @property
    def items(self) -> tuple[str, ...]:
        return self.measures + self.links + self.tiers

    def label(self) -> str:
        """The items joined by ``;`` (a tidy CSV cell); empty for no item."""
        return ";".join(self.items)


def item_kind(scenario: Scenario, item: str) -> str:
    """``measure``, ``link`` or ``tier`` for an item id."""
    if item in set(scenario.measures["id"]):
        return "measure"
    if item in set(scenario.links["id"]):
        return "link"
    return "tier"


def candidate_items(scenario: Scenario) -> list[str]:
    """Items the model may fund: new and allowed measures and links, and every tier."""
    measures = scenario.measures
    links = scenario.links
    new_measures = measures.loc[~measures["existing"].astype(bool) & measures["allowed"].astype(bool), "id"]
    new_links = links.loc[~links["existing"].astype(bool) & links["allowed"].astype(bool), "id"]
    forbidden_links = set(links.loc[~links["allowed"].astype(bool), "id"])
    tiers = [tier_item(t.link, t.tier) for t in scenario.link_tiers.itertuples() if t.link not in forbidden_links]
    return [*new_measures, *new_links, *tiers]


def item_capex(scenario: Scenario) -> dict[str, float]:
    """Capex of every measure, link and tier (``LINK:TIER``), in the scenario currency."""
    capex = dict(zip(scenario.measures["id"], scenario.measures["capex"], strict=True))
    capex.update(zip(scenario.links["id"], scenario.links["capex"], strict=True))
    capex.update({tier_item(t.link, t.tier): t.capex for t in scenario.link_tiers.itertuples()})
    return {item: float(value) for item, value in capex.items()}


def prerequisites(scenario: Scenario, item: str) -> list[str]:
    """``item`` and everything it needs to be funded: ``requires`` (transitively), a tier's link and earlier tiers."""
    direct: dict[str, list[str]] = {}
    for table in (scenario.measures, scenario.links):
        for row in table.itertuples():
            direct[row.id] = split_ids(row.requires)
    previous: dict[str, str] = {}
    for t in scenario.link_tiers.itertuples():
        item_id = tier_item(t.link, t.tier)
        direct[item_id] = [t.link] + ([previous[t.link]] if t.link in previous else [])
        previous[t.link] = item_id
    closure, todo = [], [item]
    while todo:
        current = todo.pop()
        if current in closure:
            continue
        closure.append(current)
        todo.extend(direct.get(current, []))
    return closure
