"""The input tables: the single source of truth for columns, types and defaults.

Loading, validation, overrides, the writer and ``docs/scenario-format.md`` all
read :data:`TABLES`. A blank cell takes the column's ``default``; a default of
``None`` means the blank itself carries meaning (for example no ``buy_price``:
the resource cannot be bought) and stays NaN / empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from eipopt.model.errors import Problem, did_you_mean

DType = Literal["id", "str", "float", "bool"]

#: Separator of composite row ids in overrides (``flows.FIRM:RESOURCE.demand``).
KEY_SEPARATOR = ":"

#: Texts that spreadsheets and pandas write for a missing value; in a number cell they
#: are refused (a blank cell is the way to say "no value" or "the default").
MISSING_MARKERS = frozenset({"nan", "none", "null", "n/a", "na", "#n/a", "-", "inf", "-inf", "infinity"})

TRUE_TEXTS = {"true", "1", "yes", "y", "t"}
FALSE_TEXTS = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class Column:
    """One input column.

    ``minimum`` / ``positive`` bound numeric values; ``references`` names the
    table (or ``items`` = measures, links and tiers) whose ids the value must be.
    """

    name: str
    dtype: DType
    description: str
    required: bool = False
    default: object = None
    unit: str = ""
    references: str | None = None
    minimum: float | None = None
    positive: bool = False


@dataclass(frozen=True)
class Table:
    """One input table (a CSV file or a workbook sheet of the same name)."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required_table: bool = False
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return self.column_index[name]


_MONEY = "currency"
_T_CO2 = "tCO2e"

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "resources",
            "Every energy carrier, water, material, emission or waste stream.",
            key=("id",),
            required_table=True,
            columns=(
                Column("id", "id", "Resource id.", required=True),
                Column("name", "str", "Readable name.", default=""),
                Column("unit", "str", "Unit of annual amounts (pint syntax: t, MWh, m3, Nm3 ...).", default="t"),
                Column("kind", "str", "energy, water, material, emission or waste.", default="material"),
                Column("buy_price", "float", "Market purchase price; blank = cannot be bought.", unit=f"{_MONEY}/unit"),
                Column("sell_price", "float", "Market sale price; blank = cannot be sold.", unit=f"{_MONEY}/unit"),
                Column("disposal_cost", "float", "Disposal cost; blank = cannot be disposed of.", unit=f"{_MONEY}/unit"),
                Column("buy_emission_factor", "float", "CO2e per unit bought.", default=0.0, unit=f"{_T_CO2}/unit"),
                Column("sell_emission_factor", "float", "CO2e credited per unit sold.", default=0.0, unit=f"{_T_CO2}/unit"),
                Column("disposal_emission_factor", "float", "CO2e per unit disposed of (vented, landfilled ...).", default=0.0, unit=f"{_T_CO2}/unit"),
                Column("density_kg_per_m3", "float", "Density, to convert volume capacities to mass.", unit="kg/m3", positive=True),
            ),
        ),
        Table(
            "firms",
            "Tenants, utilities, hubs and city nodes.",
            key=("id",),
            required_table=True,
            columns=(
                Column("id", "id", "Firm or node id.", required=True),
                Column("name", "str", "Readable name (a sector name for unnamed tenants).", default=""),
                Column("park", "str", "Park the firm belongs to.", default=""),
                Column("sector", "str", "Industrial sector.", default=""),
                Column("x_km", "float", "East coordinate.", unit="km"),
                Column("y_km", "float", "North coordinate.", unit="km"),
                Column("equity_limit", "float", "The firm's own money for new items over the plan (with financing); blank = unlimited.", unit=_MONEY, minimum=0),
                Column("min_dscr", "float", "Least debt service coverage (operating saving / loan instalments); blank = finance.min_dscr in scenario.yaml; both blank = no rule.", minimum=0),
            ),
        ),
        Table(
            "flows",
            "Baseline annual demand and generation of each firm and resource, and market limits.",
            key=("firm", "resource"),
            columns=(
                Column("firm", "id", "Firm id.", required=True, references="firms"),
                Column("resource", "id", "Resource id.", required=True, references="resources"),
                Column("demand", "float", "Annual demand before new measures.", default=0.0, unit="unit/yr", minimum=0),
                Column("generation", "float", "Annual generation (by-product, waste, off-gas) before new measures.", default=0.0, unit="unit/yr", minimum=0),
                Column("sell_limit", "float", "Most the firm can sell a year; blank = no limit.", unit="unit/yr", minimum=0),
                Column("buy_limit", "float", "Most the firm can buy a year; blank = no limit.", unit="unit/yr", minimum=0),
            ),
        ),
        Table(
            "measures",
            "Resource-efficiency and cleaner-production (RECP) measures.",
            key=("id",),
            columns=(
                Column("id", "id", "Measure id.", required=True),
                Column("firm", "id", "Firm that implements it.", required=True, references="firms"),
                Column("name", "str", "Readable name.", default=""),
                Column("category", "str", "Category (energy, water, material ...).", default=""),
                Column("capex", "float", "Investment.", default=0.0, unit=_MONEY, minimum=0),
                Column("opex_change", "float", "Change of annual operating cost (negative = saving).", default=0.0, unit=f"{_MONEY}/yr"),
                Column("lifetime_years", "float", "Economic lifetime; required where capex > 0.", unit="yr", positive=True),
                Column("direct_co2_change", "float", "Change of direct annual emissions not captured by flows.", default=0.0, unit=f"{_T_CO2}/yr"),
                Column("group", "str", "At most one measure per group is funded.", default=""),
                Column("requires", "str", "Measure or link ids (';'-separated) that must be funded too.", default=""),
                Column("existing", "bool", "Already implemented: always on, capex sunk.", default=False),
                Column("allowed", "bool", "false rules the measure out (what-if and attribution).", default=True),
            ),
        ),
        Table(
            "measure_effects",
            "What a funded measure changes in its firm's demand and generation.",
            key=("measure", "resource"),
            columns=(
                Column("measure", "id", "Measure id.", required=True, references="measures"),
                Column("resource", "id", "Resource id.", required=True, references="resources"),
                Column("demand_change", "float", "Change of annual demand (negative = saving).", default=0.0, unit="unit/yr"),
                Column("generation_change", "float", "Change of annual generation.", default=0.0, unit="unit/yr"),
            ),
        ),
        Table(
            "links",
            "Industrial-symbiosis (IS) and urban-symbiosis (UIS) links, candidate or existing.",
            key=("id",),
            columns=(
                Column("id", "id", "Link id.", required=True),
                Column("source", "id", "Firm that sends.", required=True, references="firms"),
                Column("sink", "id", "Firm that receives.", required=True, references="firms"),
                Column("resource", "id", "Resource leaving the source.", required=True, references="resources"),
                Column("sink_resource", "id", "Resource arriving at the sink; blank = same resource.", references="resources"),
                Column("yield", "float", "Units arriving per unit sent.", default=1.0, minimum=0),
                Column("capacity", "float", "Capacity of the base build.", required=True, minimum=0),
                Column("capacity_unit", "str", "Unit of capacity; a rate (m3/h, t/h, kW) is multiplied by operating hours; blank = the resource's annual unit.", default=""),
                Column("operating_hours", "float", "Full-load hours a year for rate capacities; blank = hours_per_year.", unit="h/yr", positive=True),
                Column("capex", "float", "Investment.", default=0.0, unit=_MONEY, minimum=0),
                Column("fixed_opex", "float", "Annual fixed operating cost when built.", default=0.0, unit=f"{_MONEY}/yr", minimum=0),
                Column("variable_cost", "float", "Cost per unit sent.", default=0.0, unit=f"{_MONEY}/unit"),
                Column("variable_co2", "float", "CO2e per unit sent (pumping, liquefaction power, transport).", default=0.0, unit=f"{_T_CO2}/unit"),
                Column("lifetime_years", "float", "Economic lifetime; required where capex > 0 or the link has tiers with capex.", unit="yr", positive=True),
                Column("existing", "bool", "Already operating: always built, capex sunk.", default=False),
                Column("allowed", "bool", "false rules the link out (what-if and attribution).", default=True),
                Column("kind", "str", "IS (between firms) or UIS (with the city).", default="IS"),
                Column("requires", "str", "Measure or link ids (';'-separated) that must be funded too.", default=""),
                Column("owner", "str", "Which end invests in and operates the link (with its tiers): source or sink.", default="sink"),
                Column("transfer_price", "float", "Paid by the sink to the source per unit sent (moves money between firms, not the park's cost).", default=0.0, unit=f"{_MONEY}/unit"),
            ),
        ),
        Table(
            "link_tiers",
            "Capacity expansion steps of a link, built in order and only on a built link.",
            key=("link", "tier"),
            columns=(
                Column("link", "id", "Link id.", required=True, references="links"),
                Column("tier", "id", "Tier id; tiers are built in the order of the table.", required=True),
                Column("capacity_added", "float", "Capacity added, in the link's capacity unit.", required=True, minimum=0),
                Column("capex", "float", "Investment, annualised over the link's lifetime.", default=0.0, unit=_MONEY, minimum=0),
                Column("fixed_opex", "float", "Annual fixed operating cost when built.", default=0.0, unit=f"{_MONEY}/yr", minimum=0),
                Column("allowed", "bool", "false rules the tier out (what-if and attribution).", default=True),
            ),
        ),
        Table(
            "link_inputs",
            "What operating a link consumes per unit sent (liquefaction power, pumping energy, transport fuel).",
            key=("link", "resource"),
            columns=(
                Column("link", "id", "Link id.", required=True, references="links"),
                Column("resource", "id", "Resource consumed.", required=True, references="resources"),
                Column("per_unit_sent", "float", "Amount consumed per unit of the link's resource sent.", required=True, unit="unit/unit", minimum=0),
                Column("at", "str", "Which end consumes it: sink or source.", default="sink"),
            ),
        ),
        Table(
            "budget_use",
            "What an item draws from a budget, where it is not its capex.",
            key=("item", "budget"),
            columns=(
                Column("item", "id", "Measure id, link id, or LINK:TIER of a tier.", required=True, references="items"),
                Column("budget", "id", "Budget id from scenario.yaml.", required=True, references="budgets"),
                Column("amount", "float", "Amount drawn when the item is funded.", required=True, unit=_MONEY),
            ),
        ),
        Table(
            "financing",
            "Sources of money for new items' capex (grant windows, loans, outside equity); the rest is the owner's own money.",
            key=("id",),
            columns=(
                Column("id", "id", "Source id ('own' is reserved for the owner's own money in results).", required=True),
                Column("name", "str", "Readable name.", default=""),
                Column("kind", "str", "grant, loan or equity.", required=True),
                Column("limit", "float", "Most the source provides over the plan; blank = unlimited.", unit=_MONEY, minimum=0),
                Column("rate", "float", "Annual interest rate (loans) or required return (equity), as a fraction (0.05 = 5 %).", default=0.0, unit="1/yr", minimum=0),
                Column("tenor_years", "float", "Loans: years of equal annual instalments.", unit="yr", positive=True),
                Column("max_share", "float", "Largest share of an item's capex the source may finance (0-1).", default=1.0, minimum=0),
                Column("applies_to", "str", "all, measures or links (links include their tiers).", default="all"),
                Column("categories", "str", "';'-separated measure categories or link kinds (IS, UIS) it may finance; blank = any.", default=""),
                Column("period", "float", "With periods: the start year of the only period in which it finances items built; blank = any.", unit="yr"),
            ),
        ),
        Table(
            "quality",
            "Water quality of a firm's node (firm x resource) for one contaminant: what it sends, and the most it accepts.",
            key=("firm", "resource", "contaminant"),
            columns=(
                Column("firm", "id", "Firm id.", required=True, references="firms"),
                Column("resource", "id", "Resource id (the node is firm x resource).", required=True, references="resources"),
                Column("contaminant", "id", "Contaminant id (COD, TDS ...).", required=True),
                Column("outlet", "float", "Concentration of what the node sends on links, sells or disposes of (a treatment plant: what it regenerates to); blank = not known (its links cannot feed a node limited for this contaminant).", unit="contaminant unit", minimum=0),
                Column("max_inlet", "float", "Highest concentration of the mix the node receives from links and the market; blank = no limit.", unit="contaminant unit", minimum=0),
                Column("unit", "str", "Unit of the contaminant's concentrations (ppm, mg/L ...); one unit per contaminant in every row that gives one.", default=""),
            ),
        ),
        Table(
            "market_quality",
            "Concentration of a contaminant in what is bought from the market (a contaminant without a row here is bought at 0).",
            key=("resource", "contaminant"),
            columns=(
                Column("resource", "id", "Resource id.", required=True, references="resources"),
                Column("contaminant", "id", "Contaminant id, as in quality.csv.", required=True),
                Column("concentration", "float", "Concentration of the contaminant in the resource bought.", default=0.0, unit="contaminant unit", minimum=0),
                Column("unit", "str", "Unit of the concentration; the contaminant's unit in quality.csv.", default=""),
            ),
        ),
        Table(
            "profiles",
            "Numbers that change from a period on (with `periods` in scenario.yaml): each row is an override in force from its period until the key's next row.",
            key=("key", "period"),
            columns=(
                Column("key", "str", "A numeric override key: TABLE.ID.COLUMN (links.co2.capacity), carbon_price, hours_per_year, constraints.max_co2 or constraints.min_symbiosis_links.", required=True),
                Column("period", "float", "Start year of the period from which the value holds (one of periods.years).", required=True, unit="yr"),
                Column("value", "float", "The value, in the unit of the cell or setting it replaces.", required=True),
            ),
        ),
    ]
}


def empty_table(name: str) -> pd.DataFrame:
    """A typed table with no rows, for an optional table that is absent."""
    return coerce_table(name, pd.DataFrame(columns=[c.name for c in TABLES[name].columns]), "")[0]


def _blank_meaning(column: Column) -> str:
    if column.default is None:
        return "no value"
    return f"the default ({format_value(column.default) or 'blank'})"


def _coerce_cell(column: Column, text: str) -> tuple[object, str | None]:
    """Convert one cell's text to the column's type; return (value, error)."""
    text = text.strip()
    if column.dtype in ("id", "str"):
        return (text if text else column.default if column.default is not None else ""), None
    if column.dtype == "bool":
        low = text.lower()
        if low in TRUE_TEXTS:
            return True, None
        if low in FALSE_TEXTS:
            return (bool(column.default) if low == "" else False), None
        return None, f"'{text}' is not true/false"
    if text == "":
        return (math.nan if column.default is None else float(column.default)), None
    if text.lower() in MISSING_MARKERS:
        return None, f"'{text}' is not a number; leave the cell blank for {_blank_meaning(column)}"
    try:
        value = float(text)
    except ValueError:
        return None, f"'{text}' is not a number"
    if not math.isfinite(value):
        return None, f"'{text}' is not a finite number"
    return value, None


def normalise_header(name: object) -> str:
    """A header as the schema spells it: surrounding spaces removed, lower case.

    This is the only normalisation of names: ``" Capex "`` reads as ``capex``,
    ``capex_`` or ``capacity_units`` do not.
    """
    return str(name).strip().lower()


def coerce_table(
    name: str,
    raw: pd.DataFrame,
    file_label: str,
    extra_columns: tuple[str, ...] = (),
    header_row: int = 1,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type a raw table of strings against the schema.

    ``raw`` holds text cells (blank = ``""``) and is indexed by the row number to
    report (file line or sheet row); its header is on ``header_row``. Missing
    optional columns take their defaults. A column the schema does not know is
    an error (with the closest known name) unless the scenario declares it in
    ``extra_columns``; declared columns are kept as text. Returns the typed
    table and every problem found.
    """
    table = TABLES[name]
    problems: list[Problem] = []
    raw, header_problems = _named_columns(table, raw, file_label, extra_columns, header_row)
    problems += header_problems
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for col in missing:
        problems.append(Problem(file_label, f"required column '{col}' is missing", row=header_row, column=col))
    out = pd.DataFrame(index=raw.index)
    rows = raw.index.tolist()
    for column in table.columns:
        texts = raw[column.name].astype(str).tolist() if column.name in raw.columns else [""] * len(rows)
        values = []
        for row, text in zip(rows, texts, strict=True):
            value, error = _coerce_cell(column, text)
            if error is None and column.required and not text.strip() and column.name not in missing:
                error = "a value is required"
            if error:
                problems.append(Problem(file_label, error, row=int(row), column=column.name))
                value, _ = _coerce_cell(column, "")  # keep checking the rest with a neutral value
            values.append(value)
        if column.dtype == "float":
            out[column.name] = pd.Series(values, index=raw.index, dtype="float64")
        elif column.dtype == "bool":
            out[column.name] = pd.Series(values, index=raw.index, dtype="bool")
        else:
            out[column.name] = pd.Series(values, index=raw.index, dtype="object")
    for extra in raw.columns:
        if extra not in table.column_index and extra in extra_columns:
            out[extra] = raw[extra].astype(str)
    return out, problems


def _named_columns(
    table: Table, raw: pd.DataFrame, file_label: str, extra_columns: tuple[str, ...], header_row: int
) -> tuple[pd.DataFrame, list[Problem]]:
    """``raw`` with normalised headers, keeping the first of duplicated ones; problems for
    blank, duplicated and unknown headers."""
    problems: list[Problem] = []
    known = [c.name for c in table.columns]
    keep: list[int] = []
    first_seen: dict[str, str] = {}
    names: list[str] = []
    for position, given in enumerate(raw.columns):
        header = normalise_header(given)
        if not header:
            if raw.iloc[:, position].astype(str).str.strip().any():
                problems.append(Problem(file_label, f"column {position + 1} has values but no header", row=header_row))
            continue
        if header in first_seen:
            problems.append(Problem(file_label, f"duplicated column (also written '{first_seen[header]}')", row=header_row, column=header))
            continue
        first_seen[header] = str(given)
        if header not in table.column_index and header not in extra_columns:
            problems.append(Problem(
                file_label,
                f"unknown column{did_you_mean(header, known)}; a column of your own must be declared "
                f"in scenario.yaml under extra_columns: {{{table.name}: [{header}]}}",
                row=header_row, column=header,
            ))
            continue
        keep.append(position)
        names.append(header)
    kept = raw.iloc[:, keep].copy()
    kept.columns = names
    return kept, problems


def format_value(value: object) -> str:
    """Text of a typed cell for writing back to CSV (blank for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def row_id(name: str, row: pd.Series) -> str:
    """The id of a row as used in overrides: its key columns joined by ':'."""
    return KEY_SEPARATOR.join(str(row[k]) for k in TABLES[name].key)
