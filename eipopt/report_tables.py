"""The result tables as people read them: names beside ids, units beside amounts, economics added.

The workbook, the HTML report and the web app show these frames. Values are the
Result's own numbers, unscaled (scaling is a display format, see
:mod:`eipopt.readable`); only columns are added, none is changed or dropped,
except that the ``periods`` table's ``built`` (a ``;``-list of ids) reads as
``items_built``, so it is not taken for a yes/no flag. Tables over periods
keep every period's rows (tidy); pictures choose one (:mod:`eipopt.period_view`).
"""

from __future__ import annotations

import pandas as pd

from eipopt.decision import item_names
from eipopt.economics import links_not_built, measure_economics
from eipopt.model import Scenario
from eipopt.period_view import period_labels
from eipopt.readable import labelled, per_unit, shown_of
from eipopt.result import Result

#: Result tables in the order documents show them (any other table follows).
TABLE_ORDER = ("periods", "economics", "measures", "links", "tiers", "budgets", "firms", "financing", "quality", "link_quality",
               "breakdown", "flows", "infeasibility", "baseline_infeasibility")


def names(scenario: Scenario, table: str) -> pd.Series:
    """id -> readable name of a scenario table (firms, measures, links, resources)."""
    frame = scenario.tables[table]
    return frame.set_index("id")["name"] if "name" in frame.columns else pd.Series(dtype=object)


def _insert_after(frame: pd.DataFrame, after: str, column: str, values) -> None:
    frame.insert(frame.columns.get_loc(after) + 1, column, values)


def readable_tables(result: Result, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Every table of ``result`` with names and units added, and ``economics`` (per measure) first."""
    firm_names = names(scenario, "firms")
    resources = scenario.resources.set_index("id")
    annual_unit = resources["unit"].map(per_unit)
    tables: dict[str, pd.DataFrame] = {}
    if "measures" in result.tables:
        tables["economics"] = measure_economics(result, scenario)
    for name, frame in result.tables.items():
        frame = frame.copy()
        if name == "measures":
            _insert_after(frame, "firm", "firm_name", frame["firm"].map(firm_names))
        elif name == "links":
            _add_link_columns(frame, scenario, firm_names, annual_unit)
            frame["why_not_built"] = frame["id"].map(links_not_built(result, scenario)).fillna("")
        elif name == "tiers":
            link_resource = scenario.links.set_index("id")["resource"]
            frame["unit"] = frame["link"].map(link_resource).map(annual_unit)
        elif name == "flows":
            _insert_after(frame, "firm", "firm_name", frame["firm"].map(firm_names))
            _insert_after(frame, "resource", "resource_name", frame["resource"].map(resources["name"]))
            _insert_after(frame, "unit", "annual_unit", frame["resource"].map(annual_unit))
        elif name == "breakdown":
            frame["unit"] = frame["quantity"].map({"cost": f"{scenario.settings.currency}/yr", "co2": "tCO2e/yr"})
        elif name == "periods":
            frame = _schedule(frame, _item_names(scenario))
        elif name == "financing":
            _insert_after(frame, "item", "item_name", frame["item"].map(_item_names(scenario)).fillna(""))
            _insert_after(frame, "owner", "owner_name", frame["owner"].map(firm_names))
        tables[name] = frame
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    return dict(sorted(tables.items(), key=lambda item: order.get(item[0], len(order))))


def _item_names(scenario: Scenario) -> dict[str, str]:
    """Readable names of measures, links and tiers (``LINK:TIER`` reads as the link's name and the tier) by id."""
    named = {**item_names(scenario, "measures"), **item_names(scenario, "links")}
    tiers = scenario.tables.get("link_tiers")
    if tiers is not None and len(tiers):
        for link, tier in zip(tiers["link"], tiers["tier"], strict=True):
            named[f"{link}:{tier}"] = f"expansion step {tier} of link {link}"
    return named


def _schedule(periods: pd.DataFrame, named: dict[str, str]) -> pd.DataFrame:
    """The periods table as the investment schedule: ``built`` as ``items_built`` and their names beside."""
    frame = periods.rename(columns={"built": "items_built"})
    _insert_after(frame, "period", "years_of_period", period_labels(frame))
    readable = [
        "; ".join(labelled(item, named.get(item)) for item in str(ids).split(";") if item) or "nothing new" for ids in frame["items_built"]
    ]
    _insert_after(frame, "items_built", "items_built_names", readable)
    return frame


def _add_link_columns(frame: pd.DataFrame, scenario: Scenario, firm_names: pd.Series, annual_unit: pd.Series) -> None:
    """Names of both ends, the unit of flows and capacity, and the capacity as the user entered it."""
    _insert_after(frame, "source", "source_name", frame["source"].map(firm_names))
    _insert_after(frame, "sink", "sink_name", frame["sink"].map(firm_names))
    entered = scenario.links.set_index("id")
    resource_unit = scenario.resources.set_index("id")["unit"]
    frame["unit"] = frame["resource"].map(annual_unit)
    frame["delivered_unit"] = frame["sink_resource"].map(annual_unit)
    frame["capacity_entered"] = [
        f"{entered.at[link, 'capacity']:,.10g} {entered.at[link, 'capacity_unit'] or per_unit(resource_unit.get(entered.at[link, 'resource'], ''))}"
        for link in frame["id"]
    ]


#: Items a schedule row names in the report and the app before it says how many more the workbook holds.
SCHEDULE_NAMED_ITEMS = 8


def short_schedule(periods: pd.DataFrame, where: str = "all in the workbook's periods sheet") -> pd.DataFrame:
    """The readable ``periods`` table for a page: each period's builds counted, the first few named, the cut said."""
    texts = []
    for ids, named in zip(periods["items_built"], periods["items_built_names"], strict=True):
        items = [i for i in str(ids or "").split(";") if i]
        names = named.split("; ") if items else []
        cut = shown_of(min(SCHEDULE_NAMED_ITEMS, len(items)), len(items), where)
        texts.append(f"{len(items)}: " + "; ".join(names[:SCHEDULE_NAMED_ITEMS]) + (f" ({cut})" if cut else "") if items else "nothing new")
    return periods.assign(items_built_names=texts)
