"""The sweep's output table: one row per case, in case order, flattened for CSV.

Columns: ``case``; one per varied key; every key of
:data:`eipopt.SUMMARY_KEYS`, with ``budgets`` flattened into
``budget.<id>.limit`` and ``budget.<id>.used``; ``measures_funded``,
``links_built`` and ``tiers_built`` as ';'-joined ids; ``error`` ('' unless the
case failed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from eipopt.model import Scenario
from eipopt.result import SUMMARY_KEYS
from eipopt.sweep.cases import Case

#: List-valued summary extras, written as ';'-joined ids.
ID_LISTS = ("measures_funded", "links_built", "tiers_built")
#: Whole-number summary keys (nullable: a failed case has none).
COUNTS = ("n_measures_funded", "n_links_built")


def sweep_frame(scenario: Scenario, cases: Sequence[Case], varied: Sequence[str], records: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The output table of ``cases`` from their stored ``records`` (by case key)."""
    budget_ids = _budget_ids(scenario, cases, records)
    columns = output_columns(varied, budget_ids)
    rows = []
    for case in cases:
        record = records.get(case.key)
        row = {"case": case.id, **{key: case.overrides.get(key) for key in varied}}
        summary = (record or {}).get("summary")
        if summary is None:  # failed: no result
            row.update(scenario=scenario.name, status=record["status"] if record else None, **dict.fromkeys(ID_LISTS, ""))
            if row.get("objective") is None:
                row["objective"] = (record or {}).get("objective") or scenario.settings.objective.value
        else:
            row.update({key: summary.get(key) for key in SUMMARY_KEYS if key != "budgets" and key not in varied})
            row.update({key: summary[key] for key in varied if row[key] is None and key in summary})
            for budget_id, budget in (summary.get("budgets") or {}).items():
                row[f"budget.{budget_id}.limit"] = budget.get("limit")
                row[f"budget.{budget_id}.used"] = budget.get("used")
            row.update({key: ";".join(summary.get(key) or []) for key in ID_LISTS})
        row["error"] = record["error"] if record else "not run"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({key: "Int64" for key in COUNTS if key in frame.columns})


def output_columns(varied: Sequence[str], budget_ids: Sequence[str]) -> list[str]:
    """Column names in order.

    A varied key that is also a summary key (``objective``) appears once, at
    the varied keys: the case's value, or the summary's where the case leaves it.
    """
    columns = ["case", *varied]
    for key in SUMMARY_KEYS:
        if key == "budgets":
            columns += [f"budget.{b}.{part}" for b in budget_ids for part in ("limit", "used")]
        elif key not in varied:
            columns.append(key)
    return columns + [*ID_LISTS, "error"]


def _budget_ids(scenario: Scenario, cases: Sequence[Case], records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    ids = [b.id for b in scenario.settings.budgets]
    for case in cases:
        summary = (records.get(case.key) or {}).get("summary") or {}
        ids += [b for b in summary.get("budgets") or {} if b not in ids]
    return ids
