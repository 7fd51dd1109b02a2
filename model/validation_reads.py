"""What each check of :mod:`eipopt.model.validation` reads, and the checks a what-if must run again.

A scenario made from a valid one by changing a few cells (an override) can
only break a check that reads one of them: :func:`validate_touched` runs
those alone and reports exactly what :func:`~eipopt.model.validation.validate`
would (``tests/test_validation_touched.py`` compares both on every shipped
scenario).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

from eipopt.model.errors import Problem
from eipopt.model.schema import TABLES
from eipopt.model.validation import (
    CHECKS,
    check_allowed,
    check_annualised_capex,
    check_bounds,
    check_budget_use,
    check_categories,
    check_financing,
    check_lifetimes,
    check_links,
    check_measure_effects,
    check_profile_values,
    check_profiles,
    check_quality,
    check_references,
    check_requires,
    check_unique_keys,
    check_units,
    run_checks,
)

#: A table of :data:`READS` standing for the settings (its "columns" are top-level keys: ``hours_per_year`` ...,
#: and ``budgets.FIELD`` for a field of a budget: an override changes a budget's limit, period ..., never its id).
SETTINGS = "settings"
#: Any table, or any column of a table, in :data:`READS`.
ANY = "*"


def _cells(tables, *columns: str) -> frozenset[tuple[str, str]]:
    return frozenset((table, column) for table in ((tables,) if isinstance(tables, str) else tables) for column in columns)


def _schema_cells(keep: Callable) -> frozenset[tuple[str, str]]:
    """(table, column) of every schema column for which ``keep(table, column)`` holds."""
    return frozenset((name, column.name) for name, table in TABLES.items() for column in table.columns if keep(table, column))


_ITEMS = ("measures", "links")
_SCENARIO_NODES = (_cells("flows", "firm", "resource") | _cells("links", "source", "resource", "sink", "sink_resource")
                   | _cells("measures", "id", "firm") | _cells("measure_effects", "measure", "resource") | _cells("link_inputs", ANY))

#: What each check reads: (table, column) pairs, ``ANY`` for every table or column, settings as
#: (``SETTINGS``, top-level key). A check that reads none of the cells an override changes finds on
#: the changed scenario what it found on the valid one: nothing (:func:`validate_touched`).
#: Keep each entry a superset of what its check reads; ``tests/test_validation_touched.py`` compares with full validation.
READS: dict[Callable, frozenset[tuple[str, str]]] = {
    check_unique_keys: _schema_cells(lambda table, column: column.name in table.key) | _cells(_ITEMS, "id"),
    check_references: (_schema_cells(lambda _, column: column.references is not None)
                       | _cells(("firms", "resources", *_ITEMS), "id") | _cells("link_tiers", "link", "tier") | _cells(SETTINGS, "budgets.id")),
    check_bounds: _schema_cells(lambda _, column: column.dtype == "float"),
    check_lifetimes: _cells(_ITEMS, "id", "capex", "existing", "lifetime_years") | _cells("link_tiers", "link", "capex"),
    check_allowed: _cells(_ITEMS, "existing", "allowed"),
    check_measure_effects: (_cells("measures", "id", "firm") | _cells("flows", "firm", "resource", "demand", "generation")
                            | _cells("measure_effects", "measure", "resource", "demand_change", "generation_change")),
    check_categories: _cells("resources", "kind") | _cells("link_inputs", "at") | _cells("links", "kind"),
    check_units: _cells("resources", "id", "unit", "density_kg_per_m3") | _cells("links", "resource", "capacity_unit") | _cells(SETTINGS, "hours_per_year"),
    check_requires: _cells(_ITEMS, "id", "requires"),
    check_links: _cells("links", "source", "sink", "operating_hours") | _cells("link_tiers", "tier") | _cells(SETTINGS, "hours_per_year"),
    check_annualised_capex: (_cells(_ITEMS, "id", "capex", "lifetime_years", "existing") | _cells("link_tiers", "link", "capex")
                             | _cells(SETTINGS, "discount_rate")),
    check_budget_use: _cells(_ITEMS, "id", "existing") | _cells("budget_use", "item"),
    check_quality: (_SCENARIO_NODES | _cells(("quality", "market_quality"), ANY) | _cells("firms", "id") | _cells("resources", "id", "buy_price")
                    | _cells("links", "id")),
    check_profiles: _cells(ANY, ANY),  # a profile key names any cell
    check_financing: (_cells("financing", ANY) | _cells("measures", "category") | _cells("profiles", "key") | _cells("links", "owner")
                      | _cells(SETTINGS, "periods")),
    check_profile_values: _cells(ANY, ANY),  # applies profile values to every table and setting
}


#: Checks that judge each table alone (a ``tables`` argument limits them to the touched ones).
PER_TABLE = frozenset({check_bounds})


def validate_touched(scenario, touched: Collection[tuple[str, str]]) -> list[Problem]:
    """The problems :func:`~eipopt.model.validation.validate` finds, for a scenario made from a valid one by changing ``touched`` only.

    ``touched``: (table, column) of every changed cell and (``SETTINGS``, top-level key) of every
    changed setting. Only the checks whose :data:`READS` meet a touched cell run: the others read
    what was valid before and find nothing. A touched key of a table (never changed by an
    override) or a new table runs the checks reading it like any other cell.
    """
    touched_tables = {table for table, _ in touched}
    checks = [
        functools.partial(check, tables=touched_tables) if check in PER_TABLE else check
        for check in CHECKS
        if _meets(READS[check], touched)
    ]
    return run_checks(scenario, checks, profile_values=_meets(READS[check_profile_values], touched))


def _meets(reads: frozenset[tuple[str, str]], touched: Collection[tuple[str, str]]) -> bool:
    return any(
        (table, column) in reads or (table, ANY) in reads or (ANY, ANY) in reads or (ANY, column) in reads
        for table, column in touched
    )
