"""Interactive figures of one result (plotly): resource Sankey, park network map, budgets, breakdown.

The HTML report and the web app show the same figures. Every figure is built
from the Result's tables and the Scenario (names, units, coordinates), never
from the model. Money is shown in a readable scale (:mod:`eipopt.readable`).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from eipopt.decision import item_names
from eipopt.model import Scenario
from eipopt.period_view import period_labels
from eipopt.readable import CO2_UNIT, labelled, money_scale, number, per_unit
from eipopt.result import Result

#: Trace names the tests and the app look for.
SANKEY_TITLE = "Resource flows through the park"
MAP_TITLE = "Park network"

_MARKET = "#7f7f7f"
_FIRM = "#1f77b4"
_LINK = "#2ca02c"
_EXIT = "#d62728"


def _layout(figure: go.Figure, title: str, height: int = 450) -> go.Figure:
    figure.update_layout(title={"text": title, "x": 0.01}, height=height, margin={"l": 60, "r": 20, "t": 70, "b": 50},
                         template="plotly_white", font={"size": 12})
    return figure


def sankey_resources(result: Result) -> list[str]:
    """Resources that move between firms or through the market: those on most operating links first, then most firms."""
    if "flows" not in result.tables:
        return []
    flows = result.flows
    moved = flows[["buy", "sell", "dispose", "link_in", "link_out", "baseline_buy", "baseline_sell", "baseline_dispose", "baseline_link_out"]].abs().sum(axis=1)
    active = moved.groupby(flows["resource"]).sum()
    active = active[active > 0].index
    operating = result.links[result.links["flow"] > 0]
    on_links = pd.concat([operating["resource"], operating["sink_resource"]]).value_counts()
    firms = flows[moved > 0].groupby("resource")["firm"].nunique()
    return sorted(active, key=lambda r: (-on_links.get(r, 0), -firms.get(r, 0), r))


def _sankey_trace(result: Result, scenario: Scenario, resource: str, baseline: bool, domain_x: list[float]) -> go.Sankey:
    """Sankey of one resource: market / generation -> firms -> links -> firms -> demand / market / disposal."""
    prefix = "baseline_" if baseline else ""
    firm_names = dict(zip(scenario.firms["id"], scenario.firms["name"], strict=True))
    unit = per_unit(str(scenario.resources.set_index("id").at[resource, "unit"]))
    flows = result.flows[result.flows["resource"] == resource]
    nodes: dict[str, tuple[str, str]] = {}
    sources, targets, values = [], [], []

    def node(key: str, label: str, colour: str) -> int:
        if key not in nodes:
            nodes[key] = (label, colour)
        return list(nodes).index(key)

    def add(source: int, target: int, value: float) -> None:
        if value > 1e-9:
            sources.append(source)
            targets.append(target)
            values.append(value)

    for row in flows.itertuples():
        firm = node(f"firm:{row.firm}", firm_names.get(row.firm) or row.firm, _FIRM)
        add(node("buy", "bought from the market", _MARKET), firm, getattr(row, f"{prefix}buy"))
        add(node("gen", "generated on site", _MARKET), firm, getattr(row, f"{prefix}generation"))
        add(firm, node("use", "used on site", _EXIT), getattr(row, f"{prefix}demand") + getattr(row, f"{prefix}link_use"))
        add(firm, node("sell", "sold to the market", _EXIT), getattr(row, f"{prefix}sell"))
        add(firm, node("dispose", "disposed of", _EXIT), getattr(row, f"{prefix}dispose"))
    yields = dict(zip(scenario.links["id"], scenario.links["yield"], strict=True))
    links = result.links
    flow_column = f"{prefix}flow"
    for row in links.itertuples():
        flow = getattr(row, flow_column)
        if not flow or (isinstance(flow, float) and math.isnan(flow)):
            continue
        label = f"link {row.id}"  # the firms either side name it; ids keep the diagram legible
        if row.resource == resource:
            add(node(f"firm:{row.source}", firm_names.get(row.source) or row.source, _FIRM), node(f"link:{row.id}", label, _LINK), flow)
        if row.sink_resource == resource:
            add(node(f"link:{row.id}", label, _LINK), node(f"firm:{row.sink}", firm_names.get(row.sink) or row.sink, _FIRM), flow * yields[row.id])
    return go.Sankey(
        domain={"x": domain_x, "y": [0, 1]},
        arrangement="snap",
        valueformat=",.4~g",
        valuesuffix=f" {unit}",
        node={"label": [label for label, _ in nodes.values()], "color": [c for _, c in nodes.values()], "pad": 12, "thickness": 14},
        link={"source": sources, "target": targets, "value": values},
        name=f"{'baseline' if baseline else 'plan'}: {resource}",
    )


def sankey_figure(result: Result, scenario: Scenario, resources: list[str] | None = None) -> go.Figure:
    """Baseline (left) and plan (right) Sankey of each resource; a menu picks the resource.

    One resource at a time, so every figure is in one unit (t/yr, MWh/yr ...).
    """
    figure = go.Figure()
    resources = resources if resources is not None else sankey_resources(result)
    names = dict(zip(scenario.resources["id"], scenario.resources["name"], strict=True))
    buttons = []
    for i, resource in enumerate(resources):
        for baseline, domain in ((True, [0.0, 0.47]), (False, [0.53, 1.0])):
            trace = _sankey_trace(result, scenario, resource, baseline, domain)
            trace.visible = i == 0
            figure.add_trace(trace)
        visible = [j // 2 == i for j in range(2 * len(resources))]
        unit = per_unit(str(scenario.resources.set_index("id").at[resource, "unit"]))
        buttons.append({"label": labelled(resource, names.get(resource)), "method": "update",
                        "args": [{"visible": visible}, {"title.text": f"{SANKEY_TITLE}: {labelled(resource, names.get(resource))} ({unit})"}]})
    first = f": {buttons[0]['label']} ({per_unit(str(scenario.resources.set_index('id').at[resources[0], 'unit']))})" if resources else ": no resource moves"
    _layout(figure, f"{SANKEY_TITLE}{first}", height=520)
    figure.update_layout(
        updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.13, "yanchor": "top", "showactive": True}] if len(buttons) > 1 else [],
        annotations=[
            {"text": "<b>baseline</b> (nothing new)", "x": 0.0, "y": 1.04, "xref": "paper", "yref": "paper", "showarrow": False, "xanchor": "left"},
            {"text": "<b>plan</b> (optimised)", "x": 0.53, "y": 1.04, "xref": "paper", "yref": "paper", "showarrow": False, "xanchor": "left"},
        ],
    )
    return figure


def network_map(result: Result, scenario: Scenario) -> go.Figure:
    """Firms at (x_km, y_km); links drawn built (width by flow, relative within each resource), existing, or candidate (dotted)."""
    figure = go.Figure()
    firms = scenario.firms.dropna(subset=["x_km", "y_km"])
    position = {row.id: (row.x_km, row.y_km) for row in firms.itertuples()}
    missing = len(scenario.firms) - len(firms)
    links = result.tables.get("links", pd.DataFrame(columns=["id", "source", "sink", "resource", "built", "existing", "flow"]))
    link_names = item_names(scenario, "links")
    units = scenario.resources.set_index("id")["unit"]
    largest = links.groupby("resource")["flow"].max() if len(links) else pd.Series(dtype=float)
    styles = {
        "candidate, not built": {"color": "#bbbbbb", "dash": "dot"},
        "existing": {"color": "#555555", "dash": "solid"},
        "built (new)": {"color": _LINK, "dash": "solid"},
    }
    shown_legend = set()
    unplaced = 0
    for row in links.itertuples():
        if row.source not in position or row.sink not in position:
            unplaced += 1
            continue
        state = "existing" if row.existing else "built (new)" if row.built else "candidate, not built"
        top = largest.get(row.resource, 0.0)
        width = 1.5 if state == "candidate, not built" or not top else 2 + 8 * row.flow / top
        (x0, y0), (x1, y1) = position[row.source], position[row.sink]
        figure.add_trace(go.Scatter(
            x=[x0, x1], y=[y0, y1], mode="lines", line={"width": width, **styles[state]},
            name=state, legendgroup=state, showlegend=state not in shown_legend,
            hovertemplate=f"{labelled(row.id, link_names.get(row.id))}<br>{state}<br>flow {number(row.flow)} {per_unit(str(units.get(row.resource, '')))}<extra></extra>",
        ))
        shown_legend.add(state)
    crowded = len(firms) > 12  # names would overlap: show them on hover only
    figure.add_trace(go.Scatter(
        x=firms["x_km"], y=firms["y_km"], mode="markers" if crowded else "markers+text", name="firm",
        text=[name or fid for fid, name in zip(firms["id"], firms["name"], strict=True)], textposition="top center",
        textfont={"size": 10}, marker={"size": 11, "color": _FIRM, "line": {"width": 1, "color": "white"}},
        hovertemplate="%{text}<br>x %{x:.2f} km, y %{y:.2f} km<extra></extra>",
    ))
    notes = ["firm names on hover"] if crowded else []
    if missing:
        notes.append(f"{missing} of {len(scenario.firms)} firms have no coordinates and are not drawn")
    if unplaced:
        notes.append(f"{unplaced} of {len(links)} links join a firm without coordinates and are not drawn")
    title = MAP_TITLE + ": built and candidate links (line width: flow, relative within each resource)"
    _layout(figure, title + ("<br><sup>" + "; ".join(notes) + "</sup>" if notes else ""), height=560)
    figure.update_xaxes(title="east (km)", zeroline=False, tickformat=",~r")
    figure.update_yaxes(title="north (km)", zeroline=False, scaleanchor="x", scaleratio=1, tickformat=",~r")
    return figure


def budget_figure(result: Result, scenario: Scenario) -> go.Figure:
    """Limit and use of each budget, in a readable money scale."""
    budgets = result.tables.get("budgets", pd.DataFrame(columns=["id", "limit", "used"]))
    scale = money_scale(list(budgets["limit"].dropna()) + list(budgets["used"]), scenario.settings.currency)
    figure = go.Figure([
        go.Bar(y=budgets["id"], x=budgets["limit"].map(scale.scaled), name="limit", orientation="h", marker_color="#c7d7ea"),
        go.Bar(y=budgets["id"], x=budgets["used"].map(scale.scaled), name="used", orientation="h", marker_color=_FIRM),
    ])
    _layout(figure, "How much of each budget the plan uses", height=max(220, 90 + 60 * len(budgets)))
    figure.update_layout(margin={"l": 40 + 7 * max((len(b) for b in budgets["id"]), default=5)})
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(title=f"{scale.unit()}", tickformat=",~r")
    figure.update_yaxes(title="budget")
    return figure


def breakdown_figure(result: Result, scenario: Scenario, quantity: str) -> go.Figure:
    """Annual cost (``quantity="cost"``) or CO2e (``"co2"``) by component, baseline against plan."""
    frame = result.tables.get("breakdown", pd.DataFrame(columns=["quantity", "component", "value", "baseline_value"]))
    frame = frame[frame["quantity"] == quantity]
    if quantity == "cost":
        scale = money_scale(list(frame["value"]) + list(frame["baseline_value"]), scenario.settings.currency)
        convert, unit, title = scale.scaled, scale.unit("yr"), "Where the annual cost comes from"
    else:
        convert, unit, title = float, f"{CO2_UNIT}/yr", "Where the annual CO2e comes from"
    components = frame["component"].str.replace("_", " ")
    figure = go.Figure([
        go.Bar(x=components, y=frame["baseline_value"].map(convert), name="baseline", marker_color="#bbbbbb"),
        go.Bar(x=components, y=frame["value"].map(convert), name="plan", marker_color=_FIRM),
    ])
    _layout(figure, f"{title}: baseline and plan", height=380)
    figure.update_yaxes(title=unit, tickformat=",~r")
    figure.update_xaxes(title="component")
    return figure


def schedule_figure(result: Result, scenario: Scenario) -> go.Figure:
    """The investment schedule over periods: capex per period, and annual cost and CO2e per period against the baseline.

    Periods are labelled by their years (``2025-2029``); every amount is per
    year of the period except capex (paid once, in the period the item is built).
    """
    periods = result.tables.get("periods", pd.DataFrame(columns=["first_year", "last_year", "capex", "annual_cost", "baseline_annual_cost",
                                                                 "annual_co2", "baseline_annual_co2"]))
    labels = period_labels(periods)
    scale = money_scale(list(periods["capex"]) + list(periods["annual_cost"]) + list(periods["baseline_annual_cost"]), scenario.settings.currency)
    figure = make_subplots(rows=1, cols=3, horizontal_spacing=0.09, subplot_titles=(
        f"New investment (capex, {scale.unit()})", f"Annual cost ({scale.unit('yr')})", f"Annual CO2e ({CO2_UNIT}/yr)"))
    figure.add_trace(go.Bar(x=labels, y=periods["capex"].map(scale.scaled), name="capex in the period", marker_color=_LINK), row=1, col=1)
    for column, colour, name, col, convert in (
        ("baseline_annual_cost", "#bbbbbb", "baseline (nothing new)", 2, scale.scaled), ("annual_cost", _FIRM, "plan", 2, scale.scaled),
        ("baseline_annual_co2", "#bbbbbb", "baseline (nothing new)", 3, float), ("annual_co2", _FIRM, "plan", 3, float),
    ):
        figure.add_trace(go.Bar(x=labels, y=periods[column].map(convert), name=name, marker_color=colour, legendgroup=name,
                                showlegend=col == 2), row=1, col=col)
    _layout(figure, "Investment schedule: what is paid in each period, and the annual cost and CO2e it leads to", height=420)
    figure.update_layout(barmode="group", margin={"t": 100})
    figure.update_yaxes(tickformat=",~r")
    figure.update_xaxes(title="period (years)", type="category")
    return figure
