"""Warnings: values that are legal but likely mistakes, one function per rule.

Each ``warn_*`` takes a valid scenario and returns :class:`~eipopt.model.errors.Problem`
objects located like errors; the command line prints them on stderr and the
scenario keeps them in ``Scenario.warnings``. They never stop a solve.
"""

from __future__ import annotations

from collections.abc import Callable

from eipopt.model.errors import Problem
from eipopt.model.financing_checks import financing_warnings
from eipopt.model.settings import SETTINGS_FILE
from eipopt.model.units import short_ton_warning
from eipopt.model.validation import rows_of, split_ids


def warn_negative_carbon_price(scenario) -> list[Problem]:
    """A negative carbon price rewards emitting under the weighted objective."""
    price = scenario.settings.carbon_price
    if price < 0:
        return [Problem(SETTINGS_FILE, f"carbon_price {price:g} is negative: the weighted objective would reward emitting", column="carbon_price")]
    return []


def warn_short_tons(scenario) -> list[Problem]:
    """``ton`` in a unit is the US short ton (907.185 kg) to pint; parks mean the metric tonne."""
    warnings = []
    for table, column in (("resources", "unit"), ("links", "capacity_unit")):
        for row, cell in rows_of(scenario, table, (column,)):
            message = short_ton_warning(str(cell[column]))
            if message:
                warnings.append(Problem(scenario.sources[table], message, row=int(row), column=column))
    return warnings


def warn_links_that_carry_nothing(scenario) -> list[Problem]:
    """A link of capacity 0 without tiers can never carry anything."""
    tiered = set(scenario.link_tiers["link"])
    return [
        Problem(scenario.sources["links"], "capacity 0 and no tiers: the link can never carry anything", row=int(row), column="capacity")
        for row, link in rows_of(scenario, "links", ("id", "capacity"))
        if link["capacity"] == 0 and link["id"] not in tiered
    ]


def warn_requires_ruled_out(scenario) -> list[Problem]:
    """An item requiring an item with allowed=false can never be funded itself."""
    ruled_out = {
        item
        for name in ("measures", "links")
        for item, allowed in zip(scenario.tables[name]["id"], scenario.tables[name]["allowed"], strict=True)
        if not allowed
    }
    warnings = []
    for name in ("measures", "links"):
        for row, item in rows_of(scenario, name, ("requires", "allowed")):
            blocked = [need for need in split_ids(item["requires"]) if need in ruled_out]
            if blocked and item["allowed"]:
                warnings.append(Problem(scenario.sources[name], f"requires {', '.join(blocked)} (allowed=false): this item can never be funded", row=int(row), column="requires"))
    return warnings


def warn_tiers_that_cannot_help(scenario) -> list[Problem]:
    """A tier that adds no capacity, or whose link is ruled out (allowed=false), is never of use."""
    ruled_out = {link for link, allowed in zip(scenario.links["id"], scenario.links["allowed"], strict=True) if not allowed}
    warnings = []
    for row, tier in rows_of(scenario, "link_tiers", ("link", "capacity_added", "allowed")):
        if tier["capacity_added"] == 0:
            warnings.append(Problem(scenario.sources["link_tiers"], "adds no capacity", row=int(row), column="capacity_added"))
        elif tier["link"] in ruled_out and tier["allowed"]:
            warnings.append(Problem(scenario.sources["link_tiers"], f"link '{tier['link']}' is ruled out (allowed=false): the tier can never be built", row=int(row), column="link"))
    return warnings


WARNINGS: tuple[Callable, ...] = (
    warn_negative_carbon_price,
    warn_short_tons,
    warn_links_that_carry_nothing,
    warn_requires_ruled_out,
    warn_tiers_that_cannot_help,
    financing_warnings,
)
