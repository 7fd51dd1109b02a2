"""What a solve returns: the stable summary and tidy tables, and writing them out."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: Summary keys other tools rely on; never rename or drop one.
SUMMARY_KEYS = (
    "scenario",
    "status",
    "objective",
    "objective_value",
    "total_cost",
    "total_co2",
    "baseline_cost",
    "baseline_co2",
    "cost_savings",
    "co2_reduction",
    "capex_total",
    "mip_gap",
    "solve_seconds",
    "n_measures_funded",
    "n_links_built",
    "budgets",
)


@dataclass
class Result:
    """Outcome of :func:`eipopt.solve`.

    ``summary`` holds every key of :data:`SUMMARY_KEYS` (None where there is no
    solution, or no baseline to compare with) plus descriptive extras.
    ``tables``: ``measures``, ``links``, ``tiers``, ``flows`` (firm x resource,
    optimised and ``baseline_*`` columns), ``budgets``, ``breakdown`` (cost and
    CO2e by component, baseline and optimised) and, when the scenario is
    infeasible, ``infeasibility`` (what cannot be met). With ``periods`` the
    totals are present values and cumulative tonnes over the horizon, the
    summary adds ``horizon``, ``links``, ``flows`` and ``breakdown`` have one
    row per period, and a ``periods`` table gives each period's totals.
    """

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.summary["status"]

    @property
    def exit_code(self) -> int:
        return int(self.summary["exit_code"])

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def to_json(self, indent: int | None = 2) -> str:
        """The summary as one JSON object (NaN and infinities become null)."""
        return json.dumps(_jsonable(self.summary), indent=indent, allow_nan=False)

    def write(self, out_dir: str | Path) -> Path:
        """Write ``summary.json`` and one CSV per table into ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(self.to_json() + "\n", encoding="utf-8")
        for name, table in self.tables.items():
            table.to_csv(out / f"{name}.csv", index=False)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
