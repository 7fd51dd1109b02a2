"""Checks of the financing input: ``financing.csv``, firms' ``equity_limit`` / ``min_dscr``, links' ``owner``.

Errors are :class:`~eipopt.model.errors.Problem` s like every other check;
:func:`financing_warnings` returns located problems that do not stop a solve
(a debt-service rule with no loan to cover is still a rule: a firm's operating
cost may not rise above its baseline).
"""

from __future__ import annotations

import math

from eipopt.model.errors import Problem

SOURCE_KINDS = ("grant", "loan", "equity")
SOURCE_APPLIES_TO = ("all", "measures", "links")
LINK_OWNERS = ("source", "sink")

#: Financing columns a profile row may not change, and why (the others take the value in force in each period).
_NOT_OVER_TIME = {
    ("financing", "limit"): "a source's limit is over the whole plan",
    ("financing", "period"): "it names the period itself",
    ("financing", "tenor_years"): "a loan's repayment years are fixed when it is taken; give a second source for other terms",
    ("firms", "equity_limit"): "a firm's own money is over the whole plan",
}

#: Source id of the owner's own money in the results (reserved in financing.csv).
OWN_MONEY = "own"


def split_categories(text: str) -> list[str]:
    """Categories of a source: ';'-separated (blank: any)."""
    return [part.strip() for part in str(text).split(";") if part.strip()]


def check_financing(scenario) -> list[Problem]:
    """Kinds, rates and shares in range, tenors of loans, categories and periods that exist, link owners."""
    problems: list[Problem] = []
    source = scenario.sources["financing"]
    sources = scenario.tables["financing"]
    measure_categories = set(scenario.measures["category"]) - {""}
    link_kinds = {"IS", "UIS"}  # the link kinds of links.csv
    periods = scenario.settings.periods
    for row, item in zip(sources.index.tolist(), sources.to_dict("records"), strict=True):
        def located(message: str, column: str, row: int = int(row)) -> None:
            problems.append(Problem(source, message, row=row, column=column))

        if item["id"] == OWN_MONEY:
            located(f"'{OWN_MONEY}' is reserved for the owner's own money; choose another id", "id")
        if item["kind"] not in SOURCE_KINDS:
            located(f"unknown kind '{item['kind']}'; expected one of {list(SOURCE_KINDS)}", "kind")
        if item["applies_to"] not in SOURCE_APPLIES_TO:
            located(f"unknown applies_to '{item['applies_to']}'; expected one of {list(SOURCE_APPLIES_TO)}", "applies_to")
        if item["rate"] > 1:
            located(f"rate is a fraction a year (0.05 = 5 %); {item['rate']:g} is above 1", "rate")
        if item["max_share"] > 1:
            located(f"max_share is a share of capex between 0 and 1, got {item['max_share']:g}", "max_share")
        if item["kind"] == "loan" and math.isnan(item["tenor_years"]):
            located("a loan needs tenor_years > 0 (its years of equal instalments)", "tenor_years")
        if item["kind"] == "grant" and item["rate"] > 0:
            located("a grant is not repaid: leave rate blank or 0", "rate")
        known = {"measures": measure_categories, "links": link_kinds, "all": measure_categories | link_kinds}.get(item["applies_to"], set())
        for category in split_categories(item["categories"]):
            if category not in known:
                located(f"category '{category}' is not a measure category or link kind of the items it applies to ({sorted(known)})", "categories")
        if not math.isnan(item["period"]):
            if periods is None:
                located("a source period needs 'periods' in scenario.yaml", "period")
            elif item["period"] not in periods.years:
                located(f"{item['period']:g} is not a start year of periods.years {list(periods.years)}", "period")
    profiles = scenario.tables["profiles"]
    for row, key in profiles["key"].items():
        head, _, rest = key.partition(".")
        column = rest.rsplit(".", 1)[-1]
        if (head, column) in _NOT_OVER_TIME:
            problems.append(Problem(scenario.sources["profiles"], f"'{head}.{column}' cannot change over time: {_NOT_OVER_TIME[(head, column)]}", row=int(row), column="key"))
    for row, owner in scenario.links["owner"].items():
        if owner not in LINK_OWNERS:
            problems.append(Problem(scenario.sources["links"], f"unknown owner '{owner}'; expected source or sink", row=int(row), column="owner"))
    return problems


def financing_warnings(scenario) -> list[Problem]:
    """Located notes that do not stop a solve.

    A debt-service rule (a firm's ``min_dscr`` or ``finance.min_dscr``) with no
    loan source in ``financing.csv``: there is no instalment to cover, so the
    rule only keeps each firm's operating cost at or below its baseline.
    """
    sources = scenario.tables["financing"]
    if (sources["kind"] == "loan").any():
        return []
    warnings = []
    if scenario.settings.finance.min_dscr is not None:
        warnings.append(Problem("scenario.yaml", "a debt-service rule with no loan source in financing.csv: it only keeps each firm's operating cost at or below its baseline", column="finance.min_dscr"))
    for row, value in scenario.firms["min_dscr"].items():
        if not math.isnan(value):
            warnings.append(Problem(scenario.sources["firms"], "a debt-service rule with no loan source in financing.csv: it only keeps this firm's operating cost at or below its baseline", row=int(row), column="min_dscr"))
    return warnings
