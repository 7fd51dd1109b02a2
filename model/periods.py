"""Periods of a planning horizon and the numbers in force in each (``profiles.csv``).

``scenario.yaml`` may carry ``periods: {years: [2025, 2030], end: 2039}``:
period p covers the years from its start to the year before the next start
(the last one to ``end``, by default the last start year). A row of
``profiles.csv`` (key, period, value) is an override in force from its period
on, until the key's next row. A scenario without ``periods`` is one period
of one year: the single-year model is the special case of the same formulation.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from eipopt.model.errors import Problem
from eipopt.model.schema import KEY_SEPARATOR, TABLES, empty_table

SETTINGS_LABEL = "scenario.yaml"

#: Label of the one period of a scenario without ``periods`` (never shown: its tables carry no period column).
SINGLE_PERIOD = 0

#: Settings that may change from a period on; other settings are one value for the horizon.
PROFILE_SETTINGS = ("carbon_price", "hours_per_year", "constraints.max_co2", "constraints.min_symbiosis_links")
_NOT_PROFILED = {
    "discount_rate": "the horizon is discounted at one rate",
    "budgets": "give a budget per period with 'period: YEAR' in scenario.yaml instead",
    "solver": "solver options are not part of the plan",
    "constraints.max_co2_total": "it caps the whole horizon (use constraints.max_co2 for a cap per period)",
}


@dataclass(frozen=True)
class PeriodSettings:
    """``periods`` of scenario.yaml: start years, increasing, and the horizon's last year."""

    years: tuple[int, ...]
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"years": list(self.years), "end": self.end}


@dataclass(frozen=True)
class Period:
    """One period of the horizon.

    ``discount_weight`` = sum over its years y of (1 + r)^-(y - y0), y0 the
    horizon's first year: what one unit of annual cost in this period is worth
    today.
    """

    start: int
    first_year: int
    last_year: int
    discount_weight: float

    @property
    def n_years(self) -> int:
        return self.last_year - self.first_year + 1


def horizon(settings) -> list[Period]:
    """The periods of a scenario's settings (one period of one year without ``periods``)."""
    if settings.periods is None:
        return [Period(SINGLE_PERIOD, SINGLE_PERIOD, SINGLE_PERIOD, 1.0)]
    years, end = settings.periods.years, settings.periods.end
    lasts = [nxt - 1 for nxt in years[1:]] + [end]
    rate = settings.discount_rate
    return [
        Period(start, start, last, sum((1.0 + rate) ** -(y - years[0]) for y in range(start, last + 1)))
        for start, last in zip(years, lasts, strict=True)
    ]


def _whole_number(value: Any) -> int | None:
    """An integer from YAML or text (2030, 2030.0, '2030'); None if it is not one."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def parse_periods(raw: Any, problems: list[Problem]) -> PeriodSettings | None:
    """Validate the ``periods`` mapping of scenario.yaml (years: list or 'Y1;Y2' text, end)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(SETTINGS_LABEL, "must be a mapping {years: [...], end: YEAR}", column="periods"))
        return None
    for key in raw:
        if key not in ("years", "end"):
            problems.append(Problem(SETTINGS_LABEL, "unknown key; expected one of ['end', 'years']", column=f"periods.{key}"))
    given = raw.get("years")
    if isinstance(given, str):  # a workbook cell or --set value: "2025;2030", "2025, 2030" or "[2025, 2030]"
        given = [part for part in given.strip().strip("[]").replace(",", ";").split(";") if part.strip()]
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        given = [given]
    if not isinstance(given, list) or not given:
        problems.append(Problem(SETTINGS_LABEL, "a non-empty list of start years is required", column="periods.years"))
        return None
    years = [_whole_number(y) for y in given]
    bad = [str(g) for g, y in zip(given, years, strict=True) if y is None]
    if bad:
        problems.append(Problem(SETTINGS_LABEL, f"start years must be whole numbers, not {bad}", column="periods.years"))
        return None
    if any(b <= a for a, b in zip(years, years[1:], strict=False)):
        problems.append(Problem(SETTINGS_LABEL, f"start years must be strictly increasing, got {years}", column="periods.years"))
        return None
    end = years[-1] if raw.get("end") in (None, "") else _whole_number(raw["end"])
    if end is None:
        problems.append(Problem(SETTINGS_LABEL, f"'{raw['end']}' is not a whole year", column="periods.end"))
        return None
    if end < years[-1]:
        problems.append(Problem(SETTINGS_LABEL, f"end {end} is before the last period's start {years[-1]}", column="periods.end"))
        return None
    return PeriodSettings(tuple(years), end)


def check_budget_periods(budgets, periods: PeriodSettings | None, problems: list[Problem]) -> None:
    """A budget's ``period`` is one of ``periods.years``."""
    for budget in budgets:
        if budget.period is None:
            continue
        if periods is None:
            problems.append(Problem(SETTINGS_LABEL, "a budget period needs 'periods' in scenario.yaml", column=f"budgets.{budget.id}.period"))
        elif budget.period not in periods.years:
            problems.append(Problem(SETTINGS_LABEL, f"period {budget.period} is not a start year of periods.years {list(periods.years)}", column=f"budgets.{budget.id}.period"))


# --- profiles ------------------------------------------------------------------

def _key_problem(key: str, row_ids, cell) -> str | None:
    """Why ``key`` cannot be a profile key (None: it is a numeric override key).

    A table key names an existing row and a numeric column whose cell is not
    blank where a blank has a meaning (no price: no market; no limit: none),
    so that every period has the same markets and limits to change;
    ``row_ids(table)`` maps a table's row ids to their index.
    """
    head = key.split(".", 1)[0]
    if head in TABLES:
        if key.count(".") < 2:
            return "expected TABLE.ID.COLUMN"
        item, column_name = key.split(".", 1)[1].rsplit(".", 1)
        column = TABLES[head].column_index.get(column_name)
        if column is None:
            return f"table '{head}' has no column '{column_name}'"
        if column.dtype != "float" or column_name in TABLES[head].key:
            return f"'{head}.{column_name}' is not a numeric column"
        if item not in row_ids(head):
            shape = KEY_SEPARATOR.join(k.upper() for k in TABLES[head].key)
            return f"no row '{item}' in {head} (row ids are {shape})"
        if column.default is None and math.isnan(cell(head, row_ids(head)[item], column_name)):
            return f"the cell {head}.{item}.{column_name} is blank (a blank means no market or no limit); give it a value in {head} to change it over time"
        return None
    if key in PROFILE_SETTINGS:
        return None
    reason = _NOT_PROFILED.get(key) or _NOT_PROFILED.get(head)
    if reason:
        return f"'{key}' cannot change over time: {reason}"
    return f"not a numeric override key; expected TABLE.ID.COLUMN or one of {list(PROFILE_SETTINGS)}"


def profile_overrides(scenario) -> dict[int, dict[str, float]]:
    """{period start: {key: value}} of the overrides in force in each period (cumulative)."""
    profiles = scenario.tables["profiles"]
    in_force: dict[str, float] = {}
    by_period: dict[int, dict[str, float]] = {}
    rows = sorted(zip(profiles["period"], profiles["key"], profiles["value"], strict=True), key=lambda r: r[0])
    position = 0
    for period in horizon(scenario.settings):
        while position < len(rows) and rows[position][0] <= period.start:
            in_force[rows[position][1]] = rows[position][2]
            position += 1
        by_period[period.start] = dict(in_force)
    return by_period


def period_scenarios(scenario) -> list[tuple[Period, Any]]:
    """Each period with the scenario of the numbers in force in it.

    A period whose overrides equal the previous period's shares its scenario
    object (so a horizon without profiles derives nothing). The derived
    scenarios carry no profiles (their numbers are already in force).
    """
    periods = horizon(scenario.settings)
    if len(scenario.tables["profiles"]) == 0:
        return [(p, scenario) for p in periods]
    base = _without_profiles(scenario)
    in_force = profile_overrides(scenario)
    rows = _RowIndex(base)
    out, previous, derived = [], None, base
    for period in periods:
        overrides = in_force[period.start]
        if overrides != previous:
            derived = _apply(base, overrides, rows)
            previous = overrides
        out.append((period, derived))
    return out


class _RowIndex:
    """Row id -> DataFrame index of each typed table, built on first use."""

    def __init__(self, scenario):
        self._scenario = scenario
        self._maps: dict[str, dict[str, int]] = {}

    def __call__(self, table: str) -> dict[str, int]:
        if table not in self._maps:
            frame = self._scenario.tables[table]
            keys = map(KEY_SEPARATOR.join, zip(*(frame[k].astype(str) for k in TABLES[table].key), strict=True))
            self._maps[table] = dict(zip(keys, frame.index, strict=True))
        return self._maps[table]


def _apply(base, overrides: dict[str, float], rows: _RowIndex):
    """``base`` with the profile values in force set in its typed tables and settings.

    The profiles were validated with the scenario (:func:`check_profile_values`
    applies them as overrides), so the values are set directly; only the
    tables they change are copied.
    """
    tables, settings = dict(base.tables), base.settings
    for key, value in overrides.items():
        head, rest = key.split(".", 1) if "." in key else (key, "")
        if head in TABLES:
            item, column = rest.rsplit(".", 1)
            if tables[head] is base.tables[head]:
                tables[head] = tables[head].copy()
            tables[head].at[rows(head)[item], column] = float(value)
        elif head == "constraints":
            kind = int if rest == "min_symbiosis_links" else float
            settings = dataclasses.replace(settings, constraints=dataclasses.replace(settings.constraints, **{rest: kind(value)}))
        else:
            settings = dataclasses.replace(settings, **{key: float(value)})
    return type(base)(settings, tables, base.sources)


def _without_profiles(scenario):
    """The scenario with an empty profiles table (its derived scenarios hold the numbers in force)."""
    return type(scenario)(scenario.settings, {**scenario.tables, "profiles": empty_table("profiles")}, scenario.sources)


def check_profiles(scenario) -> list[Problem]:
    """Profile rows name periods that exist and numeric override keys."""
    profiles = scenario.tables["profiles"]
    if len(profiles) == 0:
        return []
    source = scenario.sources["profiles"]
    periods = scenario.settings.periods
    if periods is None:
        return [Problem(source, "profiles need 'periods' in scenario.yaml (periods: {years: [...], end: YEAR})")]
    problems: list[Problem] = []
    row_ids = _RowIndex(scenario)
    for row, key, period in zip(profiles.index, profiles["key"], profiles["period"], strict=True):
        row_problems = []
        if not (math.isfinite(period) and float(period).is_integer() and int(period) in periods.years):
            row_problems.append(Problem(source, f"{period:g} is not a start year of periods.years {list(periods.years)}", row=int(row), column="period"))
        reason = _key_problem(key, row_ids, lambda table, index, column: scenario.tables[table].at[index, column])
        if reason:
            row_problems.append(Problem(source, reason, row=int(row), column="key"))
        problems += row_problems
    return problems


def check_profile_values(scenario) -> list[Problem]:
    """Each period's overrides, applied to an otherwise valid scenario, are valid where the cells would be.

    A problem they raise is reported on the profile row that set the value
    (its message names the cell).
    """
    profiles = scenario.tables["profiles"]
    if len(profiles) == 0 or scenario.settings.periods is None:
        return []
    source = scenario.sources["profiles"]
    problems: list[Problem] = []
    reported: set[str] = set()
    base = _without_profiles(scenario)
    starts = {}
    for row, key, period in zip(profiles.index, profiles["key"], profiles["period"], strict=True):
        starts.setdefault(int(period), []).append((int(row), key))
    rows = _RowIndex(base)
    for period, overrides in profile_overrides(scenario).items():
        if period not in starts:
            continue  # nothing new in force
        for problem in _override_problems(base, overrides, rows):
            if str(problem) not in reported:  # a value in force over several periods is reported once
                reported.add(str(problem))
                problems.append(Problem(source, f"from period {period}: {problem}", row=_row_setting(problem, starts[period]), column="value"))
    return problems


def _override_problems(base, overrides: dict[str, float], rows: _RowIndex) -> list[Problem]:
    """What validation finds in ``base`` with ``overrides`` in force (the values are numbers already).

    Settings are checked by their parser; table cells are set in the typed
    tables and the scenario is checked by every rule of
    :mod:`~eipopt.model.validation`: the same checks as loading, without
    writing and re-reading every table as text.
    """
    from eipopt.model.settings import override_settings, parse_settings
    from eipopt.model.validation import validate

    raw = base.settings.to_dict()
    for key, value in overrides.items():
        if key.split(".", 1)[0] not in TABLES:
            override_settings(raw, key, value)  # profile keys were checked: a settings key
    _, problems = parse_settings(raw)
    if problems:
        return problems
    return validate(_apply(base, overrides, rows))


def _row_setting(problem: Problem, started: list[tuple[int, str]]) -> int:
    """The profile row (of those starting in the period) whose key the problem is about."""
    for row, key in started:
        if problem.column is not None and (problem.column == key or key.endswith(f".{problem.column}")):
            return row
    return started[0][0]
