"""A scenario: validated settings and typed tables, and what-if overrides on them."""

from __future__ import annotations

import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from eipopt.model.errors import Problem, ScenarioError, did_you_mean
from eipopt.model.schema import (
    KEY_SEPARATOR,
    TABLES,
    _coerce_cell,
    coerce_table,
    empty_table,
    format_value,
)
from eipopt.model.settings import (
    SETTINGS_FILE,
    Settings,
    override_settings,
    parse_extra_columns,
    parse_settings,
)


@dataclass(frozen=True)
class Scenario:
    """Validated input of one park model.

    ``tables`` maps each table name of :data:`~eipopt.model.schema.TABLES` to a
    typed DataFrame (defaults filled) indexed by the row number of its source
    file, so that problems found later still point at the right row.
    ``sources`` maps table names to the file (or sheet) they came from.
    ``warnings`` holds what is legal but suspicious (a negative carbon price, a
    unit pint reads as a US short ton), located like problems.
    Build one with :meth:`from_raw` (the loaders do) and derive variants with
    :meth:`with_overrides`; instances are never changed in place.
    """

    settings: Settings
    tables: Mapping[str, pd.DataFrame]
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    #: set by :meth:`from_raw`: every rule was checked, so an override needs only the rules of what it touches
    validated: bool = field(default=False, repr=False, compare=False)
    #: set by :meth:`with_overrides`: the scenario it was made from and what changed
    #: (:class:`~eipopt.model.data_changes.Origin`), so the model data is recomputed for those cells only
    origin: Any = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.settings.name

    def __getattr__(self, name: str) -> pd.DataFrame:
        # scenario.links, scenario.flows ... for readability in the model layer
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @classmethod
    def from_raw(
        cls,
        settings: dict[str, Any],
        raw_tables: Mapping[str, pd.DataFrame],
        sources: Mapping[str, str] | None = None,
        typed_tables: Mapping[str, pd.DataFrame] | None = None,
        touched: Collection[tuple[str, str]] | None = None,
    ) -> Scenario:
        """Type, default and validate raw text tables; raise :class:`ScenarioError` listing every problem.

        A raw table's header row (for messages) is ``raw.attrs["header_row"]`` (default 1).
        ``typed_tables``: tables already typed and defaulted (those of a valid
        scenario, under the same ``extra_columns``), taken as they are where no
        raw table is given; the whole scenario is validated all the same,
        unless ``touched`` lists the only (table, column) cells and
        (``settings``, key) settings that differ from a validated scenario
        with these typed tables: then only the rules reading them run
        (:func:`~eipopt.model.validation_reads.validate_touched`).
        """
        sources = {name: (sources or {}).get(name, TABLES[name].file_name) for name in TABLES}
        parsed, problems = parse_settings(settings)
        # judge columns against the declared extra columns even when other settings are wrong
        extra_columns = parsed.extra_columns if parsed else parse_extra_columns((settings or {}).get("extra_columns"), [])
        tables: dict[str, pd.DataFrame] = {}
        missing_table = False
        for name, table in TABLES.items():
            if name in raw_tables and raw_tables[name] is not None:
                raw = raw_tables[name]
                tables[name], table_problems = coerce_table(
                    name, raw, sources[name], extra_columns.get(name, ()), raw.attrs.get("header_row", 1)
                )
                problems += table_problems
            elif typed_tables is not None and name in typed_tables:
                tables[name] = typed_tables[name]
            elif table.required_table:
                problems.append(Problem(sources[name], "required table is missing"))
                missing_table = True
            else:
                tables[name] = empty_table(name)
        if not missing_table:
            # check references, bounds, units ... even when some cells failed to parse, so
            # that every problem is reported at once (failed cells hold neutral values)
            problems += _semantic_problems(cls(parsed or Settings(name="invalid"), tables, sources), parsed is not None, touched)
        if problems:
            raise ScenarioError(problems)
        scenario = cls(parsed, tables, sources, validated=True)
        return replace(scenario, warnings=tuple(suspicious_values(scenario)))

    def raw_tables(self) -> dict[str, pd.DataFrame]:
        """The tables as text, as a loader reads them (blanks for meaningful NaN)."""
        return {name: _as_text(df) for name, df in self.tables.items()}

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new scenario with settings or table cells changed, validated like the files.

        Keys are dotted: settings (``carbon_price``, ``solver.time_limit``,
        ``constraints.min_symbiosis_links``), budgets (``budgets.ID.limit``) and
        table cells ``TABLE.ID.COLUMN`` where ID is the row's key, composite keys
        joined by ``:`` (``flows.plant:power.demand``, ``link_tiers.co2:t2.capex``).
        Every bad key and every bad value is reported at once, located at the
        override (``override``, column = the key) rather than at the file.

        Only the cells an override touches are typed (by their schema
        column, as loading types a cell); the other cells are taken as they
        are (they were typed under the same settings), unless
        ``extra_columns`` changes: then every table is typed again. Only the
        validation rules that read a touched table column or setting run
        again (a cell may break a rule that spans tables, so such a rule
        runs on every table it reads); on a scenario not made by
        :meth:`from_raw`, or when ``extra_columns`` changes, all of them.
        """
        # late, like validation and model data themselves: they import Pyomo
        from eipopt.model.data_changes import SETTINGS as DATA_SETTINGS
        from eipopt.model.data_changes import Change, Origin
        from eipopt.model.validation_reads import SETTINGS

        settings = self.settings.to_dict()
        retype_all = any(key.split(".", 1)[0] == "extra_columns" for key in overrides)
        tables = _RawTables(self.raw_tables()) if retype_all else _TypedCopies(self.tables, self.sources)
        row_ids = _RowIds(tables)
        problems: list[Problem] = []
        overridden: dict[tuple[str, int | None, str], str] = {}  # (file, row, column) -> key
        touched: set[tuple[str, str]] = set()  # (table, column) and (settings, top-level key) changed
        changes: list[Change] = []
        for key, value in overrides.items():
            table_name = key.split(".", 1)[0]
            if table_name in TABLES:
                cell_problems, index = _override_cell(tables, row_ids, key, value)
                problems += cell_problems
                if index is not None:
                    item, column = key.split(".", 1)[1].rsplit(".", 1)
                    overridden[(self.sources[table_name], index, column)] = key
                    touched.add((table_name, column))
                    changes.append(Change(table_name, index, item, column))
            else:
                problems += override_settings(settings, key, value)
                overridden[(SETTINGS_FILE, None, key)] = key
                parts = key.split(".")
                touched.add((SETTINGS, f"budgets.{parts[-1]}" if table_name == "budgets" and len(parts) == 3 else table_name))
                changes.append(Change(DATA_SETTINGS, None, key, ""))
        # a validated scenario needs only the rules of what changed; another one (or new column types) all of them
        touched_only = self.validated and not retype_all
        problems += [_at_override(p, overridden) for p in tables.cell_problems]
        try:
            if retype_all:
                scenario = Scenario.from_raw(settings, tables, self.sources)
            else:
                scenario = Scenario.from_raw(settings, {}, self.sources, tables.typed(), touched if touched_only else None)
        except ScenarioError as error:
            problems += [_at_override(p, overridden) for p in error.problems]
        if problems:
            raise ScenarioError(problems)
        return scenario if retype_all else replace(scenario, origin=Origin(weakref.ref(self), tuple(changes)))


def _at_override(problem: Problem, overridden: Mapping[tuple[str, int | None, str], str]) -> Problem:
    """The problem located at the override that caused it, if one did."""
    key = overridden.get((problem.file, problem.row, problem.column or ""))
    return problem if key is None else Problem("override", problem.message, column=key)


def suspicious_values(scenario: Scenario) -> list[Problem]:
    """Warnings on a valid scenario (legal values that are likely mistakes)."""
    from eipopt.model.validation import warnings

    return warnings(scenario)


def _semantic_problems(scenario: Scenario, settings_valid: bool, touched: Collection[tuple[str, str]] | None) -> list[Problem]:
    from eipopt.model.validation import validate
    from eipopt.model.validation_reads import validate_touched

    problems = validate(scenario) if touched is None else validate_touched(scenario, touched)
    if not settings_valid:  # budgets are unknown, so references to them cannot be judged
        problems = [p for p in problems if not (p.file == scenario.sources["budget_use"] and p.column == "budget")]
    return problems


def _as_text(table: pd.DataFrame) -> pd.DataFrame:
    return table.map(format_value).astype(object)


class _RawTables(dict):
    """Raw text tables, typed again as a whole by :meth:`Scenario.from_raw`."""

    cell_problems: tuple[Problem, ...] = ()  # reported when the tables are typed

    def set_text(self, name: str, index: int, column: str, text: str) -> None:
        self[name].loc[index, column] = text


class _TypedCopies:
    """The typed tables, with the overridden cells typed one by one in copies of their tables."""

    def __init__(self, typed: Mapping[str, pd.DataFrame], sources: Mapping[str, str]):
        self._typed, self._sources = typed, sources
        self._copies: dict[str, pd.DataFrame] = {}
        self.cell_problems: list[Problem] = []

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._copies.get(name, self._typed[name])

    def set_text(self, name: str, index: int, column: str, text: str) -> None:
        """Type ``text`` as ``coerce_table`` types a cell of the column (a bad one: its problem, and a neutral value)."""
        spec = TABLES[name].column(column)
        value, error = _coerce_cell(spec, text)
        if error is None and spec.required and not text.strip():
            error = "a value is required"
        if error:
            self.cell_problems.append(Problem(self._sources[name], error, row=int(index), column=column))
            value, _ = _coerce_cell(spec, "")
        if name not in self._copies:
            self._copies[name] = self._typed[name].copy()
        self._copies[name].at[index, column] = value

    def typed(self) -> dict[str, pd.DataFrame]:
        return {**self._typed, **self._copies}


class _RowIds:
    """Row id -> index of each table, computed once per table on first use."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        self._tables = tables
        self._maps: dict[str, dict[str, int]] = {}

    def index_of(self, table_name: str, item: str) -> int | None:
        if table_name not in self._maps:
            df = self._tables[table_name]
            # as row_id on the text of the table (a typed 2030.0 reads 2030)
            ids = [KEY_SEPARATOR.join(map(format_value, key)) for key in zip(*(df[k].tolist() for k in TABLES[table_name].key), strict=True)]
            self._maps[table_name] = {i: idx for idx, i in reversed(list(zip(df.index, ids, strict=True)))}
        return self._maps[table_name].get(item)


def _override_cell(tables: _RawTables | _TypedCopies, row_ids: _RowIds, key: str, value: Any) -> tuple[list[Problem], int | None]:
    """Set ``TABLE.ID.COLUMN`` to the text of ``value`` in ``tables``; return problems with the key and the row changed."""
    table_name, rest = key.split(".", 1)
    if "." not in rest:
        return [Problem("override", "expected TABLE.ID.COLUMN", column=key)], None
    item, column = rest.rsplit(".", 1)
    table = TABLES[table_name]
    if column not in table.column_index:
        known = [c.name for c in table.columns]
        return [Problem("override", f"table '{table_name}' has no column '{column}'{did_you_mean(column, known)}", column=key)], None
    if column in table.key:
        return [Problem("override", f"'{column}' is part of the row's id and cannot be overridden", column=key)], None
    index = row_ids.index_of(table_name, item)
    if index is None:
        shape = KEY_SEPARATOR.join(k.upper() for k in table.key)
        return [Problem("override", f"no row '{item}' in {table_name} (row ids are {shape})", column=key)], None
    tables.set_text(table_name, index, column, format_value(value) if not isinstance(value, str) else value)
    return [], index
