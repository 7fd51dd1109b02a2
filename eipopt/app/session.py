"""What the app holds for one browser tab: the scenario as loaded, the last runs, and the edits as overrides.

Kept in the server's memory (one process, one planner's computer), keyed by a
random token the page carries. Edits are never applied in place: each solve
derives a scenario with :meth:`Scenario.with_overrides`, so validation is the
same as on the command line.
"""

from __future__ import annotations

import base64
import math
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eipopt.io import load_scenario
from eipopt.model import Problem, Scenario, ScenarioError
from eipopt.result import Result

#: Resource prices a planner can change in the app.
PRICE_COLUMNS = ("buy_price", "sell_price", "disposal_cost")


@dataclass
class Session:
    """One tab's state: the loaded scenario, its label, and the last two results (for the what-if)."""

    scenario: Scenario | None = None
    label: str = ""
    result: Result | None = None
    solved_scenario: Scenario | None = None
    previous: Result | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sessions:
    """Sessions by token (thread-safe: Flask serves requests in threads)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Session:
        with self._lock:
            return self._sessions.setdefault(token, Session())


def shipped_scenarios(folder: Path) -> dict[str, Path]:
    """Scenario folders (those with a scenario.yaml) under ``folder``, by name."""
    if not folder.is_dir():
        return {}
    return {p.parent.name: p.parent for p in sorted(folder.glob("*/scenario.yaml"))}


def load_upload(contents: str, filename: str) -> Scenario:
    """Load an uploaded workbook (a ``data:...;base64,`` string); problems name the uploaded file, not a temporary path."""
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(filename).name
        if suffix not in (".xlsx", ".xlsm"):
            raise ScenarioError([Problem(filename, "not an Excel workbook (.xlsx): upload a workbook written by 'eipopt convert'")])
        try:
            path.write_bytes(base64.b64decode(contents.split(",", 1)[-1]))
        except ValueError:
            raise ScenarioError([Problem(filename, "the upload could not be read")]) from None
        try:
            return load_scenario(path)
        except ScenarioError as error:
            raise ScenarioError([replace(p, file=p.file.replace(f"{folder}/", "")) for p in error.problems]) from None


def overrides_from_edits(scenario: Scenario, budgets: dict[str, Any], prices: dict[tuple[str, str], Any], allowed: set[str]) -> dict[str, str]:
    """The override keys (``budgets.ID.limit``, ``resources.ID.buy_price``, ``measures.ID.allowed`` ...) of what changed.

    A blank budget or price means none (no limit, cannot be bought ...), as in the files.
    """
    overrides: dict[str, str] = {}
    for budget in scenario.settings.budgets:
        if budget.id in budgets and _differs(budgets[budget.id], budget.limit):
            overrides[f"budgets.{budget.id}.limit"] = _text(budgets[budget.id])
    resources = scenario.resources.set_index("id")
    for (resource, column), value in prices.items():
        if resource in resources.index and _differs(value, resources.at[resource, column]):
            overrides[f"resources.{resource}.{column}"] = _text(value)
    for table in ("measures", "links"):
        frame = scenario.tables[table]
        for item, was_allowed, existing in zip(frame["id"], frame["allowed"], frame["existing"], strict=True):
            if not existing and bool(was_allowed) != (item in allowed):
                overrides[f"{table}.{item}.allowed"] = "true" if item in allowed else "false"
    return overrides


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _differs(new, old) -> bool:
    if _missing(new) or _missing(old):
        return _missing(new) != _missing(old)
    try:
        return not math.isclose(float(new), float(old), rel_tol=1e-9)  # limits typed in bn VND round-trip inexactly
    except (TypeError, ValueError):
        return True  # not a number: let validation say so


def _text(value) -> str:
    return "" if _missing(value) else str(value)
