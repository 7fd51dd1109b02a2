"""The app's page: scenario choice and upload, edits, solve, results and downloads.

Components are plain Dash components (no grid or table widget), so the page
reads the same in any browser and a test can drive it by element id.
"""

from __future__ import annotations

import uuid

import pandas as pd
from dash import dcc, html

from eipopt.model import Scenario
from eipopt.readable import MoneyScale, formatted_frame, is_numeric_kind, money_scale

_PANEL = {"padding": "0.8em 1em", "border": "1px solid #d0d7de", "borderRadius": "6px", "marginBottom": "1em", "background": "white"}
_SCROLL = {"maxHeight": "260px", "overflowY": "auto", "border": "1px solid #eee", "padding": "0.3em"}
_TABLE = {"borderCollapse": "collapse", "fontSize": "0.9em", "margin": "0.4em 0"}
_CELL = {"border": "1px solid #d0d7de", "padding": "0.2em 0.5em"}


def page(scenario_names: list[str]) -> html.Div:
    """The whole page; a new token per page load keeps tabs apart."""
    return html.Div(style={"fontFamily": "system-ui, sans-serif", "background": "#f6f8fa", "minHeight": "100vh", "padding": "1em 2em"}, children=[
        dcc.Store(id="session", data=str(uuid.uuid4())),
        html.H1("eipopt: which symbiosis links and measures should the park fund?", style={"fontSize": "1.5em"}),
        html.Div(style={"display": "flex", "gap": "1.5em", "alignItems": "flex-start"}, children=[
            html.Div(style={"flex": "0 0 470px"}, children=[
                html.Div(style=_PANEL, children=[
                    html.H3("1. Open a scenario"),
                    dcc.RadioItems(id="scenario-choice", options=[{"label": f" {n}", "value": n} for n in scenario_names],
                                   labelStyle={"display": "block"}),
                    html.P("or upload a scenario workbook (.xlsx, as written by 'eipopt convert'):", style={"marginBottom": "0.3em"}),
                    dcc.Upload(id="upload", children=html.Div(["Drop a workbook here or ", html.A("choose a file")]),
                               style={"border": "2px dashed #999", "borderRadius": "6px", "padding": "0.8em", "textAlign": "center"}),
                    html.Div(id="load-status", style={"marginTop": "0.6em"}),
                ]),
                html.Div(style=_PANEL, children=[
                    html.H3("2. Change budgets, prices and items"),
                    html.Div(id="edits", children=html.P("Open a scenario first.")),
                ]),
                html.Div(style=_PANEL, children=[
                    html.H3("3. Solve"),
                    html.Button("Solve", id="solve", n_clicks=0, disabled=True, style={"fontSize": "1.1em", "padding": "0.3em 1.5em"}),
                    html.Span(id="solve-progress", style={"marginLeft": "1em", "color": "#a15c00", "fontWeight": "600"}),
                ]),
            ]),
            html.Div(style={"flex": "1 1 auto", "minWidth": "0"}, children=[
                dcc.Loading(type="default", children=html.Div(id="results", style={**_PANEL, "overflowX": "auto"},
                                                               children=html.P("Results appear here after a solve."))),
                html.Div(style=_PANEL, children=[
                    html.H3("4. Take it with you"),
                    html.Button("Download the results workbook (.xlsx)", id="download-xlsx-button", disabled=True, style={"marginRight": "1em"}),
                    html.Button("Download the HTML report", id="download-html-button", disabled=True),
                    dcc.Download(id="download-xlsx"),
                    dcc.Download(id="download-html"),
                ]),
            ]),
        ]),
        # the Sankey and the map take the page's full width: in the results column their labels would collide
        html.Div(id="figures", style={"background": "white"}),
    ])


def edits(scenario: Scenario) -> list:
    """Inputs for every budget limit and resource price, and a checklist of the candidate items."""
    scale = budget_scale(scenario)
    budgets = [
        html.Div([
            html.Label(f"budget '{b.id}' ({b.applies_to.value}), limit in {scale.unit()} (blank: no limit): "),
            dcc.Input(id={"type": "budget", "id": b.id}, type="text", inputMode="numeric", debounce=True, style={"width": "8em"},
                      value="" if b.limit is None else f"{scale.scaled(b.limit):.10g}"),
        ], style={"marginBottom": "0.4em"})
        for b in scenario.settings.budgets
    ]
    prices = [html.Tr([html.Th(h, style=_CELL) for h in ("resource", "unit", "buy price", "sell price", "disposal cost")])]
    for row in scenario.resources.itertuples():
        cells = [html.Td(row.name or row.id, style=_CELL), html.Td(row.unit, style=_CELL)]
        for column in ("buy_price", "sell_price", "disposal_cost"):
            value = getattr(row, column)
            cells.append(html.Td(dcc.Input(id={"type": "price", "id": f"{row.id}|{column}"}, type="text", inputMode="numeric", debounce=True,
                                           value="" if pd.isna(value) else f"{value:.10g}", style={"width": "7em"}), style=_CELL))
        prices.append(html.Tr(cells))
    candidates = []
    for table, kind in (("measures", "measure"), ("links", "link")):
        frame = scenario.tables[table]
        for item, name, existing in zip(frame["id"], frame["name"] if "name" in frame.columns else frame["id"], frame["existing"], strict=True):
            if not existing:
                candidates.append({"label": f" {kind}: {name or item} ({item})" if name and name != item else f" {kind}: {item}", "value": item})
    allowed = [c["value"] for c in candidates if _allowed(scenario, c["value"])]
    return [
        html.H4("Budgets"), *(budgets or [html.P("This scenario has no budgets.")]),
        html.H4(f"Prices ({scenario.settings.currency} per unit; blank: not possible)"),
        html.Div(html.Table(prices, style=_TABLE), style=_SCROLL),
        html.H4(f"Candidate items ({len(candidates)}; untick to rule one out)"),
        html.Div(dcc.Checklist(id="allowed", options=candidates, value=allowed, labelStyle={"display": "block"}), style=_SCROLL),
    ]


def budget_scale(scenario: Scenario) -> MoneyScale:
    """The money scale budgets are typed in (bn VND for limits of billions)."""
    return money_scale([b.limit for b in scenario.settings.budgets if b.limit is not None], scenario.settings.currency)


def _allowed(scenario: Scenario, item: str) -> bool:
    for table in ("measures", "links"):
        frame = scenario.tables[table]
        hit = frame.loc[frame["id"] == item, "allowed"]
        if len(hit):
            return bool(hit.iloc[0])
    return True


def table(frame: pd.DataFrame, currency: str, element_id: str | None = None) -> html.Table:
    """A result frame as a readable HTML table (headers with units, numbers right-aligned)."""
    text = formatted_frame(frame, currency)
    numeric = [is_numeric_kind(c) for c in frame.columns]
    head = html.Tr([html.Th(h, style={**_CELL, "background": "#ddebf7"}) for h in text.columns])
    rows = [
        html.Tr([html.Td(v, style={**_CELL, "textAlign": "right" if num else "left"}) for v, num in zip(row, numeric, strict=True)])
        for row in text.itertuples(index=False)
    ]
    return html.Table([head, *rows], style=_TABLE, **({"id": element_id} if element_id else {}))


def problems_list(title: str, problems: list[str]) -> html.Div:
    return html.Div([html.P(title, style={"color": "#b00020", "fontWeight": "600"}), html.Ul([html.Li(p) for p in problems], id="problems")])
