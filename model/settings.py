"""Scenario settings (``scenario.yaml``): typed, validated, overridable by dotted key."""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from eipopt.model.errors import Problem
from eipopt.model.periods import PeriodSettings, check_budget_periods, parse_periods

SETTINGS_FILE = "scenario.yaml"


class Objective(StrEnum):
    """What the optimisation minimises."""

    COST = "cost"  #: annual cost
    CO2 = "co2"  #: annual CO2e, then annual cost at that CO2e (lexicographic)
    WEIGHTED = "weighted"  #: annual cost + carbon_price * annual CO2e


class AppliesTo(StrEnum):
    """Which new items a budget draws the capex of, by default."""

    ALL = "all"
    MEASURES = "measures"
    LINKS = "links"


@dataclass(frozen=True)
class Budget:
    """A limit on what funded items draw (their capex, or their ``budget_use`` rows)."""

    id: str
    limit: float | None = None  # None: no limit, usage is still reported
    applies_to: AppliesTo = AppliesTo.ALL
    period: int | None = None  # start year of the period whose builds it limits; None: the whole horizon


@dataclass(frozen=True)
class SolverOptions:
    """Options handed to HiGHS; ``None`` keeps the solver's default."""

    time_limit: float | None = None  # seconds
    mip_gap: float | None = None  # relative
    threads: int | None = None


@dataclass(frozen=True)
class Constraints:
    """Park-wide logical requirements."""

    min_symbiosis_links: int = 0  # Decree 35/2022: at least one IS in an EIP
    max_co2: float | None = None  # park CO2e cap, tCO2e/yr (None: no cap); epsilon of trade-off curves
    max_co2_total: float | None = None  # cap on CO2e over the horizon, tCO2e (annual without periods); epsilon of trade-off curves over periods


@dataclass(frozen=True)
class Settings:
    """Everything in ``scenario.yaml``."""

    name: str
    description: str = ""
    currency: str = "VND"
    discount_rate: float = 0.08
    hours_per_year: float = 8760.0
    objective: Objective = Objective.COST
    carbon_price: float = 0.0  # currency per tCO2e, used by the weighted objective
    budgets: tuple[Budget, ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    solver: SolverOptions = field(default_factory=SolverOptions)
    periods: PeriodSettings | None = None  # None: one representative year

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML-ready form (enums as their values)."""
        raw = asdict(self)
        raw["objective"] = self.objective.value
        raw["budgets"] = [
            {"id": b.id, "limit": b.limit, "applies_to": b.applies_to.value, **({"period": b.period} if b.period is not None else {})}
            for b in self.budgets
        ]
        raw["periods"] = None if self.periods is None else self.periods.to_dict()
        return raw

    def budget(self, budget_id: str) -> Budget:
        return next(b for b in self.budgets if b.id == budget_id)


_SCALARS: dict[str, type] = {
    "name": str,
    "description": str,
    "currency": str,
    "discount_rate": float,
    "hours_per_year": float,
    "objective": str,
    "carbon_price": float,
}
_SECTIONS: dict[str, dict[str, type]] = {
    "constraints": {"min_symbiosis_links": int, "max_co2": float, "max_co2_total": float},
    "solver": {"time_limit": float, "mip_gap": float, "threads": int},
}
#: A park's CO2e can be net negative (credits for what it sells), so can its cap.
_MAY_BE_NEGATIVE = {"constraints.max_co2", "constraints.max_co2_total"}
_BUDGET_KEYS: dict[str, type] = {"id": str, "limit": float, "applies_to": str, "period": int}


def _convert(value: Any, kind: type, key: str, problems: list[Problem]) -> Any:
    """Convert a YAML or override value to ``kind``; record a problem if it cannot."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    if kind is str:
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(Problem(SETTINGS_FILE, f"'{value}' is not a number", column=key))
        return None
    if not math.isfinite(number):
        problems.append(Problem(SETTINGS_FILE, f"'{value}' is not a finite number", column=key))
        return None
    if kind is int:
        if not number.is_integer():
            problems.append(Problem(SETTINGS_FILE, f"'{value}' is not a whole number", column=key))
            return None
        return int(number)
    return number


def parse_settings(raw: dict[str, Any] | None) -> tuple[Settings | None, list[Problem]]:
    """Validate a ``scenario.yaml`` mapping; unknown keys are errors (typos must not pass)."""
    raw = copy.deepcopy(raw or {})
    problems: list[Problem] = []
    known = set(_SCALARS) | set(_SECTIONS) | {"budgets", "periods"}
    for key in raw:
        if key not in known:
            problems.append(Problem(SETTINGS_FILE, f"unknown key; expected one of {sorted(known)}", column=str(key)))
    values: dict[str, Any] = {}
    for key, kind in _SCALARS.items():
        if key in raw:
            converted = _convert(raw[key], kind, key, problems)
            if converted is not None:
                values[key] = converted
    if "name" not in values:
        problems.append(Problem(SETTINGS_FILE, "a scenario name is required", column="name"))

    objective = values.pop("objective", Objective.COST.value)
    try:
        values["objective"] = Objective(objective)
    except ValueError:
        problems.append(Problem(SETTINGS_FILE, f"unknown objective '{objective}'; expected one of {[o.value for o in Objective]}", column="objective"))
    if values.get("discount_rate", 0.0) < 0:
        problems.append(Problem(SETTINGS_FILE, "must be >= 0", column="discount_rate"))
    if not 0 < values.get("hours_per_year", 8760.0) <= 8784:
        problems.append(Problem(SETTINGS_FILE, "must be in (0, 8784]", column="hours_per_year"))

    for section, fields in _SECTIONS.items():
        given = raw.get(section) or {}
        if not isinstance(given, dict):
            problems.append(Problem(SETTINGS_FILE, "must be a mapping", column=section))
            continue
        parsed = {}
        for key, value in given.items():
            dotted = f"{section}.{key}"
            if key not in fields:
                problems.append(Problem(SETTINGS_FILE, f"unknown key; expected one of {sorted(fields)}", column=dotted))
                continue
            converted = _convert(value, fields[key], dotted, problems)
            if converted is not None and converted < 0 and dotted not in _MAY_BE_NEGATIVE:
                problems.append(Problem(SETTINGS_FILE, "must be >= 0", column=dotted))
            elif converted is not None:
                parsed[key] = converted
        values[section] = Constraints(**parsed) if section == "constraints" else SolverOptions(**parsed)

    values["budgets"] = tuple(_parse_budgets(raw.get("budgets") or [], problems))
    values["periods"] = parse_periods(raw.get("periods"), problems)
    check_budget_periods(values["budgets"], values["periods"], problems)
    if problems:
        return None, problems
    return Settings(**values), problems


def _parse_budgets(entries: Any, problems: list[Problem]) -> list[Budget]:
    if not isinstance(entries, list):
        problems.append(Problem(SETTINGS_FILE, "must be a list of {id, limit, applies_to}", column="budgets"))
        return []
    budgets, seen = [], set()
    for position, entry in enumerate(entries):
        label = f"budgets[{position}]"
        if not isinstance(entry, dict) or not entry.get("id"):
            problems.append(Problem(SETTINGS_FILE, "each budget needs an id", column=label))
            continue
        label = f"budgets.{entry['id']}"
        for key in entry:
            if key not in _BUDGET_KEYS:
                problems.append(Problem(SETTINGS_FILE, f"unknown key '{key}'; expected one of {sorted(_BUDGET_KEYS)}", column=label))
        budget_id = str(entry["id"])
        if budget_id in seen:
            problems.append(Problem(SETTINGS_FILE, f"duplicate budget id '{budget_id}'", column=label))
        seen.add(budget_id)
        limit = _convert(entry.get("limit"), float, f"{label}.limit", problems)
        if limit is not None and limit < 0:
            problems.append(Problem(SETTINGS_FILE, "must be >= 0", column=f"{label}.limit"))
        applies = str(entry.get("applies_to") or AppliesTo.ALL.value)
        try:
            applies_to = AppliesTo(applies)
        except ValueError:
            problems.append(Problem(SETTINGS_FILE, f"unknown applies_to '{applies}'; expected one of {[a.value for a in AppliesTo]}", column=f"{label}.applies_to"))
            continue
        period = _convert(entry.get("period"), int, f"{label}.period", problems)
        budgets.append(Budget(budget_id, limit, applies_to, period))
    return budgets


def override_settings(raw: dict[str, Any], key: str, value: Any) -> list[Problem]:
    """Set one dotted settings key in a raw settings mapping (in place).

    Keys: top-level scalars (``carbon_price``), ``SECTION.KEY``
    (``solver.time_limit``, ``constraints.min_symbiosis_links``) and
    ``budgets.ID.FIELD`` (``budgets.total.limit``). The result is validated by
    :func:`parse_settings` afterwards.
    """
    parts = key.split(".")
    if parts[0] in _SCALARS and len(parts) == 1:
        raw[key] = value
        return []
    if parts[0] in _SECTIONS and len(parts) == 2:
        raw.setdefault(parts[0], {})
        raw[parts[0]] = dict(raw[parts[0]] or {})
        raw[parts[0]][parts[1]] = value
        return []
    if parts[0] == "periods" and len(parts) == 2:
        raw["periods"] = dict(raw.get("periods") or {})
        raw["periods"][parts[1]] = value  # checked by parse_periods
        return []
    if parts[0] == "budgets" and len(parts) == 3:
        budget_id, field_name = parts[1], parts[2]
        if field_name not in ("limit", "applies_to", "period"):
            return [Problem("override", f"budget field must be limit, applies_to or period, not '{field_name}'", column=key)]
        for entry in raw.get("budgets") or []:
            if str(entry.get("id")) == budget_id:
                entry[field_name] = value
                return []
        known = [str(b.get("id")) for b in raw.get("budgets") or []]
        return [Problem("override", f"unknown budget '{budget_id}'; the scenario has {known}", column=key)]
    return [Problem("override", "not a settings key (name, carbon_price, objective, discount_rate, hours_per_year, solver.*, constraints.*, budgets.ID.limit ...)", column=key)]
