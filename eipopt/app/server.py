"""The app's callbacks: load, edit, solve (progress shown), compare with the last run, download.

Every step calls the public API (``load_scenario``, ``Scenario.with_overrides``,
``eipopt.solve``) and the same report modules as the command line, so the app
shows the same numbers and the same located problems.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from eipopt.api import solve
from eipopt.app import layout
from eipopt.app.session import (
    Session,
    Sessions,
    load_upload,
    overrides_from_edits,
    shipped_scenarios,
)
from eipopt.decision import decision_lines, item_names
from eipopt.economics import STATUS_REJECTED
from eipopt.figures import sankey_figure, schedule_figure
from eipopt.html_report import render_html_report
from eipopt.io import load_scenario
from eipopt.model import ScenarioError
from eipopt.park_map import network_map
from eipopt.period_view import period_suffix, result_at, rows_of_period, shown_period, titled
from eipopt.readable import labelled, money, money_scale, number, shown_of
from eipopt.report_tables import readable_tables, short_schedule
from eipopt.result import Result
from eipopt.workbook import write_results_workbook

#: Rows of the portfolio shown on the page before it says how many more the workbook holds.
PAGE_ROWS = 30

DEFAULT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def create_app(scenarios_folder: str | Path | None = None) -> Dash:
    """The Dash app, offering the scenario folders under ``scenarios_folder`` (default: the repository's)."""
    folders = shipped_scenarios(Path(scenarios_folder) if scenarios_folder else DEFAULT_SCENARIOS)
    sessions = Sessions()
    app = Dash(__name__, title="eipopt", serve_locally=True)
    app.layout = lambda: layout.page(list(folders))

    @app.callback(
        Output("load-status", "children"), Output("edits", "children"), Output("solve", "disabled"),
        Input("scenario-choice", "value"), Input("upload", "contents"),
        State("upload", "filename"), State("session", "data"),
        prevent_initial_call=True,
    )
    def open_scenario(choice, contents, filename, token):
        from dash import ctx

        session = sessions.get(token)
        try:
            if ctx.triggered_id == "upload":
                scenario, label = load_upload(contents, filename or "upload.xlsx"), filename
            else:
                scenario, label = load_scenario(folders[choice]), choice
        except ScenarioError as error:
            session.scenario = None
            problems = [str(p) for p in error.problems]
            return layout.problems_list(f"Invalid input ({len(problems)} problem(s)); nothing was loaded:", problems), html.P("Fix the file and load it again."), True
        with session.lock:
            session.scenario, session.label = scenario, label
            session.result = session.previous = session.solved_scenario = None
        counts = ", ".join(f"{len(df)} {name}" for name, df in scenario.tables.items() if len(df))
        return html.P(f"Loaded {label}: {scenario.name} ({counts}).", id="loaded"), layout.edits(scenario), False

    @app.callback(
        Output("results", "children"), Output("figures", "children"),
        Output("download-xlsx-button", "disabled"), Output("download-html-button", "disabled"),
        Input("solve", "n_clicks"),
        State({"type": "budget", "id": ALL}, "value"), State({"type": "budget", "id": ALL}, "id"),
        State({"type": "price", "id": ALL}, "value"), State({"type": "price", "id": ALL}, "id"),
        State("allowed", "value"), State("session", "data"),
        running=[(Output("solve", "disabled"), True, False),
                 (Output("solve-progress", "children"), "Solving with HiGHS... the page stays usable; results appear when done.", "")],
        prevent_initial_call=True,
    )
    def run_solve(_clicks, budget_values, budget_ids, price_values, price_ids, allowed, token):
        session = sessions.get(token)
        if session.scenario is None:
            return html.P("Open a scenario first."), [], True, True
        factor = layout.budget_scale(session.scenario).factor  # limits are typed in the scale shown (bn VND)
        budgets = {i["id"]: _scaled_back(v, factor) for i, v in zip(budget_ids, budget_values, strict=True)}
        prices = {tuple(i["id"].split("|", 1)): v for i, v in zip(price_ids, price_values, strict=True)}
        with session.lock:
            try:
                overrides = overrides_from_edits(session.scenario, budgets, prices, set(allowed or []))
                scenario = session.scenario.with_overrides(overrides) if overrides else session.scenario
            except ScenarioError as error:
                return layout.problems_list("These edits are not valid; nothing was solved:", [str(p) for p in error.problems]), [], True, True
            result = solve(scenario)
            session.previous, session.result, session.solved_scenario = session.result, result, scenario
            return _results(session, overrides), _figures(session), False, False

    @app.callback(Output("download-xlsx", "data"), Input("download-xlsx-button", "n_clicks"), State("session", "data"), prevent_initial_call=True)
    def download_workbook(_clicks, token):
        session = sessions.get(token)
        if session.result is None:
            return no_update
        with tempfile.TemporaryDirectory() as folder:
            path = write_results_workbook(session.result, session.solved_scenario, Path(folder) / "results.xlsx")
            content = path.read_bytes()
        return dcc.send_bytes(content, f"{session.solved_scenario.name}-results.xlsx")

    @app.callback(Output("download-html", "data"), Input("download-html-button", "n_clicks"), State("session", "data"), prevent_initial_call=True)
    def download_report(_clicks, token):
        session = sessions.get(token)
        if session.result is None:
            return no_update
        return {"content": render_html_report(session.result, session.solved_scenario), "filename": f"{session.solved_scenario.name}-report.html"}

    return app


def _scaled_back(text, factor: float):
    """A limit typed in the scale shown, in currency units; text that is no number goes on to validation as typed."""
    if text is None or str(text).strip() == "":
        return None
    try:
        return float(str(text).replace(",", "")) * factor
    except ValueError:
        return text


def _change_text(key: str, value: str, currency: str) -> str:
    """``budgets.fund.limit = 30 bn VND`` for a budget, the typed value otherwise."""
    if not value:
        return f"{key} = (blank)"
    if key.startswith("budgets."):
        try:
            return f"{key} = {money(float(value), currency)}"
        except ValueError:
            pass
    return f"{key} = {value}"


def _results(session: Session, overrides: dict[str, str]) -> list:
    """Decision, what-if against the last run and the portfolio (the figures are in :func:`_figures`)."""
    result, scenario = session.result, session.solved_scenario
    currency = scenario.settings.currency
    children = [html.H3("The decision"), html.Ul([html.Li(line) for line in decision_lines(result, scenario, "all in the workbook")], id="decision")]
    if overrides:
        children.append(html.P("Changed from the file: " + ", ".join(_change_text(k, v, currency) for k, v in overrides.items()), style={"color": "#555"}))
    children += _what_if(session.previous, result, currency)
    if "measures" not in result.tables:
        return children
    children += _schedule(result, scenario)
    children += _portfolio(result, scenario)
    return children


def _figures(session: Session) -> list:
    """The Sankey and the park map of the last run (full page width), or nothing when there is no plan.

    Over periods they show the park at the end of the plan, titled with its period."""
    result, scenario = session.result, session.solved_scenario
    if "measures" not in result.tables:
        return []
    shown, when = result_at(result), period_suffix(result)
    return [dcc.Graph(id="sankey", figure=titled(sankey_figure(shown, scenario), when)),
            dcc.Graph(id="map", figure=titled(network_map(shown, scenario), when))]


def _schedule(result: Result, scenario) -> list:
    """Over periods: what is built when, its capex, annual cost and CO2e per period (nothing for a single year)."""
    periods = readable_tables(result, scenario).get("periods")
    if periods is None or not len(periods):
        return []
    shown = short_schedule(periods)[["years_of_period", "items_built_names", "capex", "annual_cost", "baseline_annual_cost", "annual_co2", "baseline_annual_co2"]]
    return [html.H3("Investment schedule: what to build when"), layout.table(shown, scenario.settings.currency, "schedule"),
            dcc.Graph(id="schedule-chart", figure=schedule_figure(result, scenario))]


def _what_if(previous: Result | None, result: Result, currency: str) -> list:
    """This run against the last one: headline figures and the items added or dropped."""
    if previous is None:
        return [html.P("Solve again after a change to compare with this run.", style={"color": "#555"})]
    keys = [("total_cost", "annual cost", f"{currency}/yr"), ("total_co2", "annual CO2e", "tCO2e/yr"), ("capex_total", "new investment", currency)]
    horizon = result.summary.get("horizon")
    if horizon:  # over periods the totals are present values and cumulative tonnes
        years = horizon["n_years"]
        keys[:2] = [("total_cost", f"cost over {years} years (present value)", currency), ("total_co2", f"CO2e over {years} years", "tCO2e")]
    rows = [{"figure": f"{label} ({unit})", "previous run": previous.summary[key], "this run": result.summary[key]} for key, label, unit in keys]
    frame = pd.DataFrame(rows)
    frame["change"] = frame["this run"] - frame["previous run"]
    money_rows = [r for r, (_, _, unit) in enumerate(keys) if unit.startswith(currency)]
    scale = money_scale(list(frame.loc[money_rows, ["previous run", "this run"]].to_numpy().ravel()), currency)
    texts = [
        [row["figure"].replace(f"({currency}", f"({scale.unit()}")] + [number(scale.scaled(v)) if r in money_rows and v is not None and pd.notna(v) else number(v) for v in (row["previous run"], row["this run"], row["change"])]
        for r, row in frame.iterrows()
    ]
    before = set(previous.summary.get("measures_funded", []) + previous.summary.get("links_built", []) + previous.summary.get("tiers_built", []))
    after = set(result.summary.get("measures_funded", []) + result.summary.get("links_built", []) + result.summary.get("tiers_built", []))
    cell = {"border": "1px solid #d0d7de", "padding": "0.2em 0.5em"}
    table = html.Table([html.Tr([html.Th(h, style=cell) for h in ("figure", "previous run", "this run", "change")])]
                       + [html.Tr([html.Td(t, style=cell) for t in row]) for row in texts], id="what-if")
    return [
        html.H3("What-if: this run against the previous one"), table,
        html.P(f"Added: {', '.join(sorted(after - before)) or 'nothing'}. Dropped: {', '.join(sorted(before - after)) or 'nothing'}."),
    ]


def _portfolio(result: Result, scenario) -> list:
    """Funded measures (with their economics) and built links."""
    currency = scenario.settings.currency
    tables = readable_tables(result, scenario)
    economics = tables["economics"]
    funded = economics[economics["decision"] != STATUS_REJECTED]
    period = shown_period(result)
    at_end = rows_of_period(tables["links"], period)
    when = f" at the end of the plan (period from {period})" if period is not None else ""
    children = [html.H3(f"Portfolio: {len(funded)} measures funded or existing, {int(at_end['built'].sum())} links operating{when}")]
    if len(funded):
        timing = ["build_period"] if "build_period" in funded.columns else []
        shown = funded.sort_values("net_annual_benefit", ascending=False)[["id", "name", "decision", *timing, "capex", "annual_saving", "simple_payback_years", "co2_avoided"]]
        children.append(layout.table(shown.head(PAGE_ROWS), currency, "portfolio-measures"))
        cut = shown_of(min(PAGE_ROWS, len(shown)), len(shown))
        if cut:
            children.append(html.P(cut))
    if at_end["built"].any():
        names = item_names(scenario, "links")
        links = at_end[at_end["built"]]
        timing = ["build_period"] if period is not None else []
        shown = links.assign(name=[labelled(i, names.get(i)) for i in links["id"]])[["name", *timing, "tiers_built", "flow", "unit", "utilisation", "capex"]]
        children.append(layout.table(shown.head(PAGE_ROWS), currency, "portfolio-links"))
        cut = shown_of(min(PAGE_ROWS, len(shown)), len(shown))
        if cut:
            children.append(html.P(cut))
    return children
