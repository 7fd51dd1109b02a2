"""The HTML report: one self-contained file a planner can open offline and forward.

Decision summary, baseline against plan, budgets, per-measure economics, the
resource Sankey (baseline and plan), the park network map, the cost and CO2e
breakdown and the analyses that were run. Rendered with a jinja2 template
(``templates/report.html.j2``); figures are plotly with plotly.js inlined
once, so the file needs no network.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go

from eipopt.decision import decision_lines, headline, headline_scale
from eipopt.economics import STATUS_REJECTED
from eipopt.figures import breakdown_figure, budget_figure, sankey_figure, schedule_figure
from eipopt.model import Scenario
from eipopt.park_map import MAP_TITLE, network_map
from eipopt.period_view import period_suffix, result_at, rows_of_period, shown_period, titled
from eipopt.readable import formatted_frame, is_numeric_kind, money, number, shown_of
from eipopt.report_tables import readable_tables, short_schedule
from eipopt.result import Result

#: Rows of a table shown in the report before it says how many more the workbook holds.
REPORT_ROWS = 40

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("eipopt", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
)


@dataclass
class AnalysisSection:
    """One analysis shown in the report: a title, sentences, a figure (PNG) and a table."""

    title: str
    lines: list[str] = field(default_factory=list)
    png: str = ""  # base64
    table: dict | None = None


def html_table(frame: pd.DataFrame, currency: str) -> dict:
    """A DataFrame as the template's table: readable headers and texts, numbers right-aligned."""
    text = formatted_frame(frame, currency)
    numeric = [is_numeric_kind(c) for c in frame.columns]
    return {
        "headers": list(text.columns),
        "rows": [[{"text": value, "num": num} for value, num in zip(row, numeric, strict=True)] for row in text.itertuples(index=False)],
    }


def _figure_html(figure: go.Figure, first: bool, div_id: str) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=first, div_id=div_id, config={"displaylogo": False, "responsive": True})


def figure_png(figure) -> str:
    """A matplotlib figure as base64 PNG, to embed in the report without a separate file."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html_report(result: Result, scenario: Scenario, analyses: list[AnalysisSection] | tuple = ()) -> str:
    """The report of ``result`` (a solve of ``scenario``) as one HTML document."""
    currency = scenario.settings.currency
    tables = readable_tables(result, scenario)
    sections = []
    if "measures" in result.tables:
        sections += _result_sections(tables, currency, shown_period(result))
    sections += _who_pays_and_quality_sections(tables, result, currency)
    schedule = _schedule_section(tables, result, currency)
    if schedule:  # the schedule's chart comes first in the document: it carries plotly.js
        schedule["html"] = _figure_html(schedule_figure(result, scenario), True, "figure-schedule")
    figures = _figures(result, scenario, plotlyjs_included=schedule is not None) if "flows" in result.tables else []
    head = headline(result, scenario)
    scale = headline_scale(result, scenario)
    headline_table = None
    if result.summary["total_cost"] is not None:
        headline_table = {
            "headers": ["figure", "baseline", "plan", "change"],
            "rows": [
                [{"text": f"{row.figure} ({scale.unit(row.unit.partition('/')[2]) if row.unit.startswith(currency) else row.unit})", "num": False}]
                + [{"text": _headline_number(v, row.unit.startswith(currency), scale), "num": True} for v in (row.baseline, row.plan, row.change)]
                for row in head.itertuples()
            ],
        }
    return _ENVIRONMENT.get_template("report.html.j2").render(
        title=scenario.name,
        description=scenario.settings.description.strip(),
        version=version("eipopt"),
        currency=currency,
        proven=result.summary["status"] == "optimal",
        decision=decision_lines(result, scenario, where="all in the tables below and in the workbook"),
        headline=headline_table,
        tables=sections,
        schedule=schedule,
        figures=figures,
        analyses=list(analyses),
    )


def _figures(result: Result, scenario: Scenario, plotlyjs_included: bool) -> list[dict]:
    """The Sankey, map, budget and breakdown figures; over periods, those of the park at the end of the plan, titled with its years."""
    shown, when = result_at(result), period_suffix(result)
    plots = [
        ("sankey", f"Resource flows{when}: baseline and plan", "Pick a resource in the menu: each diagram is in that resource's unit. "
         "Top: the baseline (nothing new funded or built); below: the plan. Links are named by where they take the resource."
         + _period_note(result), titled(sankey_figure(shown, scenario), when)),
        ("map", MAP_TITLE + when, "Firms at their x_km / y_km; green: new links the plan builds, grey: existing, dotted: candidates left out. "
         "Line width: annual flow, compared among links whose amounts share a unit (the key beside the legend)."
         + _period_note(result), titled(network_map(shown, scenario), when)),
        ("budget-use", "Budget use", "", budget_figure(result, scenario)),
        ("cost-breakdown", f"Annual cost by component{when}", "Capex is annualised over each item's lifetime at the discount rate; sales are revenue and count negative. "
         "The right panel has its own scale, so a change small beside the park's purchases is still seen.",
         titled(breakdown_figure(shown, scenario, "cost"), when)),
        ("co2-breakdown", f"Annual CO2e by component{when}", "", titled(breakdown_figure(shown, scenario, "co2"), when)),
    ]
    return [
        {"anchor": anchor, "title": title, "note": note, "html": _figure_html(figure, i == 0 and not plotlyjs_included, f"figure-{anchor}")}
        for i, (anchor, title, note, figure) in enumerate(plots)
    ]


def _headline_number(value, is_money: bool, scale) -> str:
    if value is None or pd.isna(value):
        return "-"
    return number(scale.scaled(value)) if is_money else number(value)


def _result_sections(tables: dict[str, pd.DataFrame], currency: str, period: int | None = None) -> list[dict]:
    """Budgets, built links and per-measure economics, each cut at REPORT_ROWS rows with the cut said.

    Over periods the links are those of the last ``period`` (built by the end of the plan, with their build period).
    """
    sections = []
    budgets = tables["budgets"]
    if "period" in budgets.columns:  # a blank period is a budget over the whole plan: say so
        budgets = budgets.assign(period=[p if pd.notna(p) else "whole plan" for p in budgets["period"]])
    if len(budgets):
        sections.append({"anchor": "budgets", "title": "Budgets", "note": "",
                         "table": html_table(budgets.assign(left=budgets["limit"] - budgets["used"]), currency)})
    links = rows_of_period(tables["links"], period)
    if len(links):
        timing = ["build_period"] if period is not None else []
        shown = links.sort_values(["built", "flow"], ascending=False)[
            ["id", "source_name", "sink_name", "resource", "built", *timing, "existing", "tiers_built", "capacity_entered", "flow", "unit", "utilisation", "capex", "annualised_capex", "why_not_built"]
        ]
        when = f" at the end of the plan (period from {period}; flows per year)" if period is not None else ""
        sections.append({"anchor": "links", "title": f"Symbiosis links{when} (built first)", "note": shown_of(min(REPORT_ROWS, len(shown)), len(shown)),
                         "table": html_table(shown.head(REPORT_ROWS), currency)})
    economics = tables.get("economics")
    if economics is not None and len(economics):
        order = economics.assign(_funded=economics["decision"] != STATUS_REJECTED).sort_values(["_funded", "net_annual_benefit"], ascending=False)
        timing = ["build_period"] if "build_period" in economics.columns else []
        shown = order[["id", "name", "firm_name", "decision", *timing, "capex", "annual_saving", "annualised_capex", "simple_payback_years",
                       "co2_avoided", "cost_per_tonne", "why_not_funded"]]
        note = "Stand-alone figures: each measure's effects valued at the scenario's market prices. " + shown_of(min(REPORT_ROWS, len(shown)), len(shown))
        sections.append({"anchor": "economics", "title": "Measures: economics and decision (funded first)", "note": note.strip(),
                         "table": html_table(shown.head(REPORT_ROWS), currency)})
    return sections


def _period_note(result: Result) -> str:
    period = shown_period(result)
    return "" if period is None else (f" Shown: the park at the end of the plan, the period from {period} (per year);"
                                      " what is built when is in the investment schedule, every period's rows in the workbook.")


def _schedule_section(tables: dict[str, pd.DataFrame], result: Result, currency: str) -> dict | None:
    """The investment schedule over periods (None for a single-year result): what is built when, its capex, cost and CO2e."""
    periods = tables.get("periods")
    if periods is None or not len(periods):
        return None
    horizon = result.summary.get("horizon", {})
    shown = short_schedule(periods)[["years_of_period", "items_built_names", "capex", "annual_cost", "baseline_annual_cost",
                     "annual_co2", "baseline_annual_co2", "annualised_capex_paid", "discount_weight"]]
    note = (f"{horizon.get('n_years', '?')} years from {horizon.get('years', ['?'])[0]} to {horizon.get('end', '?')}; the totals above are present values "
            f"at a discount rate of {horizon.get('discount_rate', 0):.1%} and cumulative tonnes. Capex is paid in the period an item is built; "
            f"capex over the plan {money(result.summary['capex_total'], currency)}.")
    return {"anchor": "schedule", "title": "Investment schedule: what to build when", "note": note, "table": html_table(shown, currency)}


def _who_pays_and_quality_sections(tables: dict[str, pd.DataFrame], result: Result, currency: str) -> list[dict]:
    """Who pays what (firms: grants, loans, own money, DSCR) and water quality at the limited nodes, when the result has them."""
    sections = []
    firms = tables.get("firms")
    if firms is not None and len(firms):
        involved = firms[(firms["capex"] > 0) | (firms["debt_service"] > 0)].sort_values("capex", ascending=False, kind="stable")
        columns = [c for c in ("firm", "name", "period", "capex", "grants", "loans", "equity", "own_money", "saving", "debt_service", "dscr", "min_dscr")
                   if c in involved.columns]
        s = result.summary
        totals = ", ".join(f"{label} {money(s[key], currency)}" for key, label in (
            ("grant_total", "grants"), ("loans_total", "loans"), ("equity_total", "outside equity"), ("own_money_total", "own money")) if key in s)
        leverage = "" if s.get("leverage") is None else f"; all money invested per unit of grant {s['leverage']:,.2f}"
        note = (f"{len(involved)} of {len(firms)} firm rows invest or repay (saving and debt service per year; DSCR = saving / debt service). "
                f"Over the plan: {totals}{leverage}; DSCR rule: {s.get('dscr_rule', '-')}. "
                + shown_of(min(REPORT_ROWS, len(involved)), len(involved)))
        sections.append({"anchor": "who-pays", "title": "Who pays what: grants, loans and own money per firm", "note": note.strip(),
                         "table": html_table(involved[columns].head(REPORT_ROWS), currency)})
    quality = tables.get("quality")
    if quality is not None and len(quality):
        limited = rows_of_period(quality, shown_period(result)).dropna(subset=["max_inlet"])
        columns = [c for c in ("firm", "firm_name", "resource", "contaminant", "unit", "inflow", "flow_unit", "baseline_inlet_concentration",
                               "inlet_concentration", "max_inlet", "binding") if c in limited.columns]
        note = (f"{len(limited)} limited node and contaminant rows: the concentration of what flows in, against the limit (in the unit column); "
                "the outlet concentration of every node and each link's concentration are in the workbook (quality, link_quality)."
                + _period_note(result))
        sections.append({"anchor": "quality", "title": "Water quality at the limited nodes: inlet against limit", "note": note,
                         "table": html_table(limited[columns].head(REPORT_ROWS), currency)})
    return sections


def write_html_report(result: Result, scenario: Scenario, path: str | Path, analyses: list[AnalysisSection] | tuple = ()) -> Path:
    """Write the report to ``path`` (UTF-8); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(result, scenario, analyses), encoding="utf-8")
    return path
