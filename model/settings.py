"""Scenario settings (``scenario.yaml``): typed, validated, overridable by dotted key."""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from eipopt.model.errors import Problem, did_you_mean
from eipopt.model.periods import PeriodSettings, check_budget_periods, parse_periods
from eipopt.model.schema import FALSE_TEXTS, TABLES, TRUE_TEXTS, normalise_header

SETTINGS_FILE = "scenario.yaml"


class Objective(StrEnum):
    """What the optimisation minimises."""

    COST = "cost"  #: annual cost
    CO2 = "co2"  #: annual CO2e, then annual cost at that CO2e (lexicographic)
    WEIGHTED = "weighted"  #: annual cost + carbon_price * annual CO2e
    GRANT = "grant"  #: grant money (nominal, over the plan), then cost at that grant money (lexicographic)


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
    #: each HiGHS run of a built model starts from the last solution of a run of its kind (its first incumbent when feasible)
    warm_start: bool = False


@dataclass(frozen=True)
class Constraints:
    """Park-wide logical requirements."""

    min_symbiosis_links: int = 0  # Decree 35/2022: at least one IS in an EIP
    max_co2: float | None = None  # park CO2e cap, tCO2e/yr (None: no cap); epsilon of trade-off curves
    max_co2_total: float | None = None  # cap on CO2e over the horizon, tCO2e (annual without periods); epsilon of trade-off curves over periods


@dataclass(frozen=True)
class Finance:
    """Park-wide financing rules (used with ``financing.csv``)."""

    min_dscr: float | None = None  # debt service coverage of firms without their own min_dscr (None: no rule)


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
    #: Columns a user adds on purpose, by table: kept as text, not read by the model.
    extra_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    periods: PeriodSettings | None = None  # None: one representative year
    finance: Finance = field(default_factory=Finance)

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML-ready form (enums as their values; no ``extra_columns`` when none)."""
        raw = asdict(self)
        raw["extra_columns"] = {table: list(columns) for table, columns in self.extra_columns.items()}
        if not raw["extra_columns"]:
            del raw["extra_columns"]
        raw["objective"] = self.objective.value
        raw["budgets"] = [
            {"id": b.id, "limit": b.limit, "applies_to": b.applies_to.value, **({"period": b.period} if b.period is not None else {})}
            for b in self.budgets
        ]
        raw["periods"] = None if self.periods is None else self.periods.to_dict()
        return raw

    def budget(self, budget_id: str) -> Budget:
        return next(b for b in self.budgets if b.id == budget_id)


@dataclass(frozen=True)
class Range:
    """Values a setting may take: ``low``..``high``, each end open or closed."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def __str__(self) -> str:
        low = "(" if self.low_open or self.low == -math.inf else "["
        high = ")" if self.high_open or self.high == math.inf else "]"
        return f"{low}{self.low:g}, {self.high:g}{high}"


_NOT_NEGATIVE = Range(0)
#: A year has at most 8784 hours (leap year).
HOURS_OF_A_YEAR = 8784.0
#: Solver time limits beyond a year of seconds are a typo, not a plan.
LONGEST_TIME_LIMIT = 365 * 24 * 3600.0

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
    "solver": {"time_limit": float, "mip_gap": float, "threads": int, "warm_start": bool},
    "finance": {"min_dscr": float},
}
_SECTION_TYPES = {"constraints": Constraints, "solver": SolverOptions, "finance": Finance}
#: Allowed values of numeric settings (dotted keys); a number key not listed may not be
#: negative. A park's CO2e can be net negative (credits for what it sells), so can its cap;
#: a negative carbon price is legal but warned about (see validation).
RANGES: dict[str, Range] = {
    "discount_rate": Range(0, 1, high_open=True),
    "hours_per_year": Range(0, HOURS_OF_A_YEAR, low_open=True),
    "carbon_price": Range(),
    "constraints.max_co2": Range(),
    "constraints.max_co2_total": Range(),
    "constraints.min_symbiosis_links": _NOT_NEGATIVE,
    "finance.min_dscr": _NOT_NEGATIVE,
    "solver.time_limit": Range(0, LONGEST_TIME_LIMIT, low_open=True),
    "solver.mip_gap": Range(0, 1, high_open=True),
    "solver.threads": Range(1, 1024),
    "budgets.ID.limit": _NOT_NEGATIVE,
}
BUDGET_KEYS: dict[str, type] = {"id": str, "limit": float, "applies_to": str, "period": int}
#: Top-level keys of scenario.yaml that are neither scalars nor sections.
_LISTS = ("budgets", "extra_columns", "periods")


def settings_keys() -> list[str]:
    """Every key scenario.yaml may hold, dotted (``solver.threads``), for messages and docs."""
    keys = list(_SCALARS) + [f"{section}.{key}" for section, fields in _SECTIONS.items() for key in fields]
    return keys + [f"budgets.ID.{key}" for key in BUDGET_KEYS if key != "id"] + ["extra_columns.TABLE", "periods.years", "periods.end"]


def _convert(value: Any, kind: type, key: str, problems: list[Problem]) -> Any:
    """Convert a YAML or override value to ``kind``; record a problem if it cannot."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    if kind is bool:
        return _convert_bool(value, key, problems)
    if isinstance(value, bool):  # YAML reads yes/no/on/off as booleans
        expected = "a text" if kind is str else "a number"
        problems.append(Problem(SETTINGS_FILE, f"'{value}' is a true/false value, {expected} is expected (quote it in YAML)", column=key))
        return None
    if isinstance(value, dict | list):
        problems.append(Problem(SETTINGS_FILE, "must be a single value, not a list or mapping", column=key))
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
        number = int(number)
    allowed = RANGES.get(key if not key.startswith("budgets.") else "budgets.ID." + key.rsplit(".", 1)[-1], _NOT_NEGATIVE)
    if number not in allowed:
        problems.append(Problem(SETTINGS_FILE, f"{number:g} is out of range; allowed: {allowed}", column=key))
        return None
    return number


def _convert_bool(value: Any, key: str, problems: list[Problem]) -> bool | None:
    """A true/false setting: a YAML boolean, 1 or 0, or a text a true/false table cell may hold."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in TRUE_TEXTS or text in FALSE_TEXTS - {""}:
        return text in TRUE_TEXTS
    problems.append(Problem(SETTINGS_FILE, f"'{value}' is not true or false", column=key))
    return None


def parse_settings(raw: dict[str, Any] | None) -> tuple[Settings | None, list[Problem]]:
    """Validate a ``scenario.yaml`` mapping; unknown keys are errors (typos must not pass)."""
    raw = copy.deepcopy(raw or {})
    problems: list[Problem] = []
    known = list(_SCALARS) + list(_SECTIONS) + list(_LISTS)
    for key in raw:
        if key not in known:
            problems.append(Problem(SETTINGS_FILE, f"unknown key{did_you_mean(str(key), known)}; expected one of {sorted(known)}", column=str(key)))
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
        problems.append(Problem(SETTINGS_FILE, f"unknown objective '{objective}'{did_you_mean(objective, [o.value for o in Objective])}; expected one of {[o.value for o in Objective]}", column="objective"))

    for section, fields in _SECTIONS.items():
        given = raw.get(section) or {}
        if not isinstance(given, dict):
            problems.append(Problem(SETTINGS_FILE, "must be a mapping", column=section))
            continue
        parsed = {}
        for key, value in given.items():
            dotted = f"{section}.{key}"
            if key not in fields:
                problems.append(Problem(SETTINGS_FILE, f"unknown key{did_you_mean(str(key), fields)}; expected one of {sorted(fields)}", column=dotted))
                continue
            converted = _convert(value, fields[key], dotted, problems)
            if converted is not None:
                parsed[key] = converted
        values[section] = _SECTION_TYPES[section](**parsed)

    values["budgets"] = tuple(_parse_budgets(raw.get("budgets") or [], problems))
    values["extra_columns"] = parse_extra_columns(raw.get("extra_columns"), problems)
    values["periods"] = parse_periods(raw.get("periods"), problems)
    check_budget_periods(values["budgets"], values["periods"], problems)
    if problems:
        return None, problems
    return Settings(**values), problems


def parse_extra_columns(given: Any, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``extra_columns``: {table: [column, ...]} of columns a user adds on purpose.

    A list may also be one text separated by ``;`` (a workbook cell). Names are
    normalised like headers; a name the table already has cannot be declared.
    """
    if given is None:
        return {}
    if not isinstance(given, dict):
        problems.append(Problem(SETTINGS_FILE, "must be a mapping of table: [column, ...]", column="extra_columns"))
        return {}
    declared: dict[str, tuple[str, ...]] = {}
    for table_name, columns in given.items():
        key = f"extra_columns.{table_name}"
        if table_name not in TABLES:
            problems.append(Problem(SETTINGS_FILE, f"unknown table{did_you_mean(str(table_name), TABLES)}; expected one of {list(TABLES)}", column=key))
            continue
        if isinstance(columns, str):
            columns = [c for c in columns.replace(",", ";").split(";") if c.strip()]
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            problems.append(Problem(SETTINGS_FILE, "must be a list of column names", column=key))
            continue
        names = tuple(dict.fromkeys(normalise_header(c) for c in columns))
        for name in names:
            if name in TABLES[table_name].column_index:
                problems.append(Problem(SETTINGS_FILE, f"'{name}' is a column of {table_name} already; declare only columns of your own", column=key))
        declared[table_name] = names
    return declared


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
            if key not in BUDGET_KEYS:
                problems.append(Problem(SETTINGS_FILE, f"unknown key{did_you_mean(str(key), BUDGET_KEYS)}; expected one of {sorted(BUDGET_KEYS)}", column=f"{label}.{key}"))
        budget_id = str(entry["id"])
        if budget_id in seen:
            problems.append(Problem(SETTINGS_FILE, f"duplicate budget id '{budget_id}'", column=label))
        seen.add(budget_id)
        limit = _convert(entry.get("limit"), float, f"{label}.limit", problems)
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
    ``budgets.ID.FIELD`` (``budgets.total.limit``) and ``extra_columns.TABLE``
    (``rank;ease``). The result is validated by
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
        fields = [k for k in BUDGET_KEYS if k != "id"]
        if field_name not in fields:
            return [Problem("override", f"budget field must be one of {fields}, not '{field_name}'{did_you_mean(field_name, fields)}", column=key)]
        for entry in raw.get("budgets") or []:
            if str(entry.get("id")) == budget_id:
                entry[field_name] = value
                return []
        known = [str(b.get("id")) for b in raw.get("budgets") or []]
        return [Problem("override", f"unknown budget '{budget_id}'; the scenario has {known}", column=key)]
    if parts[0] == "extra_columns" and len(parts) == 2:
        raw["extra_columns"] = {**(raw.get("extra_columns") or {}), parts[1]: value}
        return []
    known = settings_keys()
    return [Problem("override", f"not a settings key{did_you_mean(key, known)}; settings keys are {', '.join(known)}", column=key)]
