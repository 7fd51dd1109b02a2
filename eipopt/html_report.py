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
from eipopt.figures import breakdown_figure, budget_figure, sankey_figure
from eipopt.model import Scenario
from eipopt.park_map import MAP_TITLE, network_map
from eipopt.readable import formatted_frame, is_numeric_kind, number, shown_of
from eipopt.report_tables import readable_tables
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
        sections += _result_sections(tables, currency)
    figures = []
    if "flows" in result.tables:
        plots = [
            ("sankey", "Resource flows: baseline and plan", "Pick a resource in the menu: each diagram is in that resource's unit. "
             "Top: the baseline (nothing new funded or built); below: the plan. Links are named by where they take the resource.", sankey_figure(result, scenario)),
            ("map", MAP_TITLE, "Firms at their x_km / y_km; green: new links the plan builds, grey: existing, dotted: candidates left out. "
             "Line width: annual flow, compared among links whose amounts share a unit (the key beside the legend).",
             network_map(result, scenario)),
            ("budget-use", "Budget use", "", budget_figure(result, scenario)),
            ("cost-breakdown", "Annual cost by component", "Capex is annualised over each item's lifetime at the discount rate; sales are revenue and count negative. "
             "The right panel has its own scale, so a change small beside the park's purchases is still seen.",
             breakdown_figure(result, scenario, "cost")),
            ("co2-breakdown", "Annual CO2e by component", "", breakdown_figure(result, scenario, "co2")),
        ]
        figures = [
            {"anchor": anchor, "title": title, "note": note, "html": _figure_html(figure, i == 0, f"figure-{anchor}")}
            for i, (anchor, title, note, figure) in enumerate(plots)
        ]
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
        figures=figures,
        analyses=list(analyses),
    )


def _headline_number(value, is_money: bool, scale) -> str:
    if value is None or pd.isna(value):
        return "-"
    return number(scale.scaled(value)) if is_money else number(value)


def _result_sections(tables: dict[str, pd.DataFrame], currency: str) -> list[dict]:
    """Budgets, built links and per-measure economics, each cut at REPORT_ROWS rows with the cut said."""
    sections = []
    budgets = tables["budgets"]
    if len(budgets):
        sections.append({"anchor": "budgets", "title": "Budgets", "note": "",
                         "table": html_table(budgets.assign(left=budgets["limit"] - budgets["used"]), currency)})
    links = tables["links"]
    if len(links):
        shown = links.sort_values(["built", "flow"], ascending=False)[
            ["id", "source_name", "sink_name", "resource", "built", "existing", "tiers_built", "capacity_entered", "flow", "unit", "utilisation", "capex", "annualised_capex", "why_not_built"]
        ]
        sections.append({"anchor": "links", "title": "Symbiosis links (built first)", "note": shown_of(min(REPORT_ROWS, len(shown)), len(shown)),
                         "table": html_table(shown.head(REPORT_ROWS), currency)})
    economics = tables.get("economics")
    if economics is not None and len(economics):
        order = economics.assign(_funded=economics["decision"] != STATUS_REJECTED).sort_values(["_funded", "net_annual_benefit"], ascending=False)
        shown = order[["id", "name", "firm_name", "decision", "capex", "annual_saving", "annualised_capex", "simple_payback_years",
                       "co2_avoided", "cost_per_tonne", "why_not_funded"]]
        note = "Stand-alone figures: each measure's effects valued at the scenario's market prices. " + shown_of(min(REPORT_ROWS, len(shown)), len(shown))
        sections.append({"anchor": "economics", "title": "Measures: economics and decision (funded first)", "note": note.strip(),
                         "table": html_table(shown.head(REPORT_ROWS), currency)})
    return sections


def write_html_report(result: Result, scenario: Scenario, path: str | Path, analyses: list[AnalysisSection] | tuple = ()) -> Path:
    """Write the report to ``path`` (UTF-8); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(result, scenario, analyses), encoding="utf-8")
    return path
