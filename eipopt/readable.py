"""Numbers for people: one place that formats money, amounts, names and truncation.

The console report, the results workbook, the HTML report and the web app all
read their labels and formats from here, so a figure reads the same everywhere:

- money in the scenario currency, scaled to a readable unit chosen from the
  largest value shown (``bn VND``), the scale in the header or beside the number;
- amounts with their unit per year (``t/yr``, ``MWh/yr``);
- names beside ids (``Ninh Binh Fertilizer Plant (fertilizer_plant)``);
- truncation said in words (``25 of 194 shown, all in the workbook``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

#: Money scales, largest first: factor and the prefix written before the currency.
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k"), (1.0, ""))

CO2_UNIT = "tCO2e"

Kind = Literal["money", "money_yr", "money_per_t", "co2_yr", "amount", "share", "years", "count", "ratio", "text", "bool"]


@dataclass(frozen=True)
class MoneyScale:
    """A currency scaled by a power of 1,000 (``bn VND`` = 1e9 VND)."""

    factor: float
    prefix: str
    currency: str

    def unit(self, per: str = "") -> str:
        """``bn VND``, or ``bn VND/yr`` with ``per="yr"``."""
        text = f"{self.prefix} {self.currency}".strip()
        return f"{text}/{per}" if per else text

    def scaled(self, value: float) -> float:
        return value / self.factor

    def text(self, value: float | None, per: str = "") -> str:
        """The value in this scale with its unit: ``12.3 bn VND``."""
        if _missing(value):
            return "-"
        return f"{number(self.scaled(value))} {self.unit(per)}"

    @property
    def excel_format(self) -> str:
        """An Excel number format that shows the full value divided by the factor (``#,##0.0,,,``).

        The cell keeps the exact value; each trailing comma divides the display by 1,000.
        """
        commas = "," * round(math.log10(self.factor) / 3)
        return f"#,##0.0{commas}" if commas else "#,##0"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def money_scale(values: Iterable[float] | float | None, currency: str) -> MoneyScale:
    """The scale that shows a typical value of ``values`` as at least 1 (``bn`` for 3.4e11).

    Typical = the median of the non-zero absolute values, so that most figures of a
    column read with a few digits; larger ones get thousands separators (1,128.4).
    """
    if values is None or isinstance(values, (int, float)):
        values = [values]
    finite = sorted(abs(float(v)) for v in values if not _missing(v) and math.isfinite(float(v)) and float(v) != 0)
    typical = finite[(len(finite) - 1) // 2] if finite else 0.0
    for factor, prefix in _SCALES:
        if typical >= factor:
            return MoneyScale(factor, prefix, currency)
    return MoneyScale(1.0, "", currency)


def money(value: float | None, currency: str, per: str = "") -> str:
    """One amount of money in its own readable scale: ``412 bn VND``, ``-3.1 M VND/yr``."""
    return money_scale(value, currency).text(value, per)


def number(value: float | None, digits: int = 3) -> str:
    """A number with thousands separators and about ``digits`` significant digits; ``-`` when missing."""
    if _missing(value):
        return "-"
    value = float(value) + 0.0  # no "-0"
    if not math.isfinite(value):
        return "-"
    magnitude = abs(value)
    if magnitude == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(value: float | None, unit: str, per: str = "yr") -> str:
    """A physical amount with its unit: ``200,000 t/yr``."""
    if _missing(value):
        return "-"
    return f"{number(value)} {per_unit(unit, per)}"


def per_unit(unit: str, per: str = "yr") -> str:
    """``t`` -> ``t/yr``; a unit that is already a rate is kept."""
    if not per or "/" in unit:
        return unit
    return f"{unit}/{per}" if unit else f"units/{per}"


def share(value: float | None) -> str:
    return "-" if _missing(value) else f"{float(value):.0%}"


def labelled(item_id: str, name: str | None) -> str:
    """``Name (id)``, or the id alone when there is no other name."""
    if not name or _missing(name) or str(name).strip() in ("", str(item_id)):
        return str(item_id)
    return f"{name} ({item_id})"


def shown_of(shown: int, total: int, where: str = "all in the workbook") -> str:
    """``25 of 194 shown, all in the workbook``; empty when nothing was cut."""
    return "" if shown >= total else f"{shown} of {total} shown, {where}"


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class ColumnLabel:
    """How one result column reads: its header text and the kind of number it holds."""

    title: str
    kind: Kind


#: Readable headers of result columns (shared by every table; units are added by :func:`header`).
COLUMNS: dict[str, ColumnLabel] = {
    # ids and names
    "id": ColumnLabel("id", "text"),
    "name": ColumnLabel("name", "text"),
    "firm": ColumnLabel("firm", "text"),
    "firm_name": ColumnLabel("firm name", "text"),
    "source": ColumnLabel("from", "text"),
    "source_name": ColumnLabel("from (name)", "text"),
    "sink": ColumnLabel("to", "text"),
    "sink_name": ColumnLabel("to (name)", "text"),
    "resource": ColumnLabel("resource", "text"),
    "resource_name": ColumnLabel("resource name", "text"),
    "sink_resource": ColumnLabel("arrives as", "text"),
    "unit": ColumnLabel("unit", "text"),
    "delivered_unit": ColumnLabel("delivered unit", "text"),
    "annual_unit": ColumnLabel("unit of the amounts", "text"),
    "category": ColumnLabel("category", "text"),
    "group": ColumnLabel("group", "text"),
    "kind": ColumnLabel("kind", "text"),
    "link": ColumnLabel("link", "text"),
    "tier": ColumnLabel("tier", "text"),
    "item": ColumnLabel("item", "text"),
    "tiers_built": ColumnLabel("tiers built", "text"),
    "applies_to": ColumnLabel("applies to", "text"),
    "quantity": ColumnLabel("quantity", "text"),
    "component": ColumnLabel("component", "text"),
    "status": ColumnLabel("solver status", "text"),
    "decision": ColumnLabel("decision", "text"),
    "why_not_funded": ColumnLabel("why not funded", "text"),
    "why_not_built": ColumnLabel("why not built", "text"),
    "capacity_entered": ColumnLabel("capacity as entered", "text"),
    # flags
    "existing": ColumnLabel("existing", "bool"),
    "funded": ColumnLabel("funded", "bool"),
    "new": ColumnLabel("new", "bool"),
    "built": ColumnLabel("built", "bool"),
    # money
    "capex": ColumnLabel("capex (investment)", "money"),
    "limit": ColumnLabel("limit", "money"),
    "used": ColumnLabel("used", "money"),
    "left": ColumnLabel("left", "money"),
    "opex_change": ColumnLabel("opex change", "money_yr"),
    "annualised_capex": ColumnLabel("annualised capex", "money_yr"),
    "annual_cost": ColumnLabel("annual cost (annualised capex + opex)", "money_yr"),
    "fixed_opex": ColumnLabel("fixed opex", "money_yr"),
    "variable_cost": ColumnLabel("variable cost", "money_yr"),
    "annual_saving": ColumnLabel("annual saving (stand-alone)", "money_yr"),
    "net_annual_benefit": ColumnLabel("net annual benefit (saving - annualised capex)", "money_yr"),
    "cost_per_tonne": ColumnLabel("cost per tonne CO2e avoided", "money_per_t"),
    "simple_payback_years": ColumnLabel("simple payback", "years"),
    # CO2e
    "direct_co2_change": ColumnLabel("direct CO2e change", "co2_yr"),
    "variable_co2": ColumnLabel("CO2e of operation", "co2_yr"),
    "co2_avoided": ColumnLabel("CO2e avoided (stand-alone)", "co2_yr"),
    # amounts (unit in the row's unit column)
    "capacity": ColumnLabel("base capacity", "amount"),
    "capacity_built": ColumnLabel("capacity built", "amount"),
    "capacity_added": ColumnLabel("capacity added", "amount"),
    "flow": ColumnLabel("flow sent", "amount"),
    "delivered": ColumnLabel("delivered", "amount"),
    "demand": ColumnLabel("demand", "amount"),
    "generation": ColumnLabel("generation", "amount"),
    "link_in": ColumnLabel("received by links", "amount"),
    "link_out": ColumnLabel("sent by links", "amount"),
    "link_use": ColumnLabel("used to run links", "amount"),
    "buy": ColumnLabel("bought", "amount"),
    "sell": ColumnLabel("sold", "amount"),
    "dispose": ColumnLabel("disposed of", "amount"),
    "utilisation": ColumnLabel("utilisation", "share"),
    "value": ColumnLabel("plan", "amount"),
    "change_from_baseline": ColumnLabel("change, plan - baseline", "amount"),
    # analyses
    "point": ColumnLabel("point", "count"),
    "rank": ColumnLabel("rank", "count"),
    "total_cost": ColumnLabel("annual cost", "money_yr"),
    "total_co2": ColumnLabel("annual CO2e", "co2_yr"),
    "capex_total": ColumnLabel("new investment", "money"),
    "cost_savings": ColumnLabel("annual savings", "money_yr"),
    "co2_reduction": ColumnLabel("CO2e reduction", "co2_yr"),
    "n_measures_funded": ColumnLabel("measures funded", "count"),
    "n_links_built": ColumnLabel("links built", "count"),
    "change": ColumnLabel("change from the previous point", "text"),
    "delta_cost": ColumnLabel("annual cost saved (optimum without it: cost higher by)", "money_yr"),
    "delta_co2": ColumnLabel("CO2e avoided (optimum without it: CO2e higher by)", "co2_yr"),
    "budget_used": ColumnLabel("used", "money"),
    # periods (the investment schedule)
    "period": ColumnLabel("period (first year)", "text"),
    "build_period": ColumnLabel("built in period", "text"),
    "years_of_period": ColumnLabel("period", "text"),
    "first_year": ColumnLabel("first year", "text"),
    "last_year": ColumnLabel("last year", "text"),
    "years": ColumnLabel("years", "count"),
    "discount_weight": ColumnLabel("discount weight (present value of 1 per year)", "ratio"),
    "annual_co2": ColumnLabel("annual CO2e", "co2_yr"),
    "annualised_capex_paid": ColumnLabel("annualised capex paid", "money_yr"),
    "items_built": ColumnLabel("built in this period (ids)", "text"),
    "items_built_names": ColumnLabel("built in this period", "text"),
    # financing: who pays what
    "owner": ColumnLabel("owner", "text"),
    "owner_name": ColumnLabel("owner (name)", "text"),
    "item_name": ColumnLabel("item (name)", "text"),
    "amount": ColumnLabel("amount", "money"),
    "instalment": ColumnLabel("annual instalment", "money_yr"),
    "operating_cost": ColumnLabel("operating cost", "money_yr"),
    "saving": ColumnLabel("saving", "money_yr"),
    "own_money": ColumnLabel("own money", "money"),
    "loans": ColumnLabel("loans", "money"),
    "grants": ColumnLabel("grants", "money"),
    "equity": ColumnLabel("outside equity", "money"),
    "debt_service": ColumnLabel("debt service", "money_yr"),
    "dscr": ColumnLabel("DSCR (saving / debt service)", "ratio"),
    "min_dscr": ColumnLabel("required DSCR", "ratio"),
    # water quality (concentrations in the unit column, flows in flow_unit per year)
    "contaminant": ColumnLabel("contaminant", "text"),
    "flow_unit": ColumnLabel("flow unit", "text"),
    "outlet": ColumnLabel("outlet concentration", "amount"),
    "max_inlet": ColumnLabel("inlet limit", "amount"),
    "inflow": ColumnLabel("inflow (flow unit/yr)", "amount"),
    "load": ColumnLabel("load (flow unit x unit per yr)", "amount"),
    "inlet_concentration": ColumnLabel("inlet concentration", "amount"),
    "concentration": ColumnLabel("concentration", "amount"),
    "slack": ColumnLabel("room left below the limit", "amount"),
    "binding": ColumnLabel("at the limit", "bool"),
}


def column_label(column: str) -> ColumnLabel:
    """The label of a result column; ``baseline_X`` reads as ``X, baseline``; unknown columns keep their name."""
    if column.startswith("baseline_"):
        inner = column_label(column.removeprefix("baseline_"))
        title = "baseline" if column == "baseline_value" else f"{inner.title}, baseline"
        return ColumnLabel(title, inner.kind)
    return COLUMNS.get(column, ColumnLabel(column.replace("_", " "), "text"))


def header(column: str, scale: MoneyScale | None = None) -> str:
    """The header text of a result column with its unit: ``capex (investment) (bn VND)``."""
    label = column_label(column)
    unit = unit_of(label.kind, scale)
    return f"{label.title} ({unit})" if unit else label.title


def unit_of(kind: Kind, scale: MoneyScale | None) -> str:
    """The unit written in a header for a kind of number (amounts carry theirs in a unit column)."""
    currency = scale.unit() if scale else "currency"
    return {
        "money": currency,
        "money_yr": f"{currency}/yr",
        "money_per_t": f"{currency}/{CO2_UNIT}",
        "co2_yr": f"{CO2_UNIT}/yr",
        "share": "%",
        "years": "years",
    }.get(kind, "")


def table_money_scale(frame: pd.DataFrame, currency: str) -> MoneyScale:
    """One scale for every money column of a table (cost per tonne aside), so columns compare at a glance."""
    columns = [c for c in frame.columns if column_label(c).kind in ("money", "money_yr")]
    values = pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in columns]) if columns else []
    return money_scale(list(values), currency)


def formatted_frame(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """``frame`` as text for people: readable headers with units, money in one scale, amounts with separators.

    Used for HTML and app tables; the workbook keeps typed cells instead.
    """
    scale = table_money_scale(frame, currency)
    out = {}
    for column in frame.columns:
        label = column_label(column)
        values = frame[column]
        if label.kind in ("money", "money_yr"):
            out[header(column, scale)] = [number(scale.scaled(v)) if not _missing(v) else "-" for v in values]
        elif label.kind == "money_per_t":
            per_t = money_scale(values, currency)
            out[header(column, per_t)] = [number(per_t.scaled(v)) if not _missing(v) else "-" for v in values]
        elif label.kind in ("amount", "co2_yr", "years", "count", "ratio"):
            out[header(column, scale)] = [number(v) for v in values]
        elif label.kind == "share":
            out[header(column, scale)] = [share(v) for v in values]
        elif label.kind == "bool":
            out[header(column, scale)] = ["yes" if bool(v) else "no" for v in values]
        else:
            out[header(column, scale)] = ["" if _missing(v) else str(v) for v in values]
    return pd.DataFrame(out, index=frame.index)


def is_numeric_kind(column: str) -> bool:
    """Whether a result column holds numbers (right-aligned in tables)."""
    return column_label(column).kind not in ("text", "bool")
