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

#: The Sankey figure's title (the menu adds the resource).
SANKEY_TITLE = "Resource flows through the park"

_MARKET = "#7f7f7f"
_FIRM = "#1f77b4"
LINK_COLOUR = "#2ca02c"
_EXIT = "#d62728"


def figure_layout(figure: go.Figure, title: str, height: int = 450) -> go.Figure:
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


def _sankey_trace(result: Result, scenario: Scenario, resource: str, baseline: bool, domain_y: list[float]) -> go.Sankey:
    """Sankey of one resource: market / generation -> firms -> links -> firms -> demand / market / disposal.

    Nodes are labelled by names: firms by their name, a link by where it takes the
    resource ("to <sink firm>") or, when only its delivery is this resource, where
    it comes from ("from <source firm>"); the link's full name and id are on hover.
    """
    prefix = "baseline_" if baseline else ""
    names = firm_names(scenario)
    link_names = item_names(scenario, "links")
    unit = per_unit(str(scenario.resources.set_index("id").at[resource, "unit"]))
    flows = result.flows[result.flows["resource"] == resource]
    nodes: dict[str, tuple[str, str, str]] = {}  # key -> label, colour, hover; only nodes that something flows through
    sources, targets, values = [], [], []
    Node = tuple[str, str, str, str]  # key, label, colour, hover

    def firm(firm_id: str) -> Node:
        return f"firm:{firm_id}", names[firm_id], _FIRM, labelled(firm_id, names[firm_id])

    def add(source: Node, target: Node, value: float) -> None:
        if value > 1e-9:
            for key, label, colour, hover in (source, target):
                nodes.setdefault(key, (label, colour, hover))
            sources.append(list(nodes).index(source[0]))
            targets.append(list(nodes).index(target[0]))
            values.append(value)

    market = {key: (key, label, colour, label) for key, label, colour in (
        ("buy", "bought from the market", _MARKET), ("gen", "generated on site", _MARKET), ("use", "used on site", _EXIT),
        ("sell", "sold to the market", _EXIT), ("dispose", "disposed of", _EXIT))}
    for row in flows.itertuples():
        add(market["buy"], firm(row.firm), getattr(row, f"{prefix}buy"))
        add(market["gen"], firm(row.firm), getattr(row, f"{prefix}generation"))
        add(firm(row.firm), market["use"], getattr(row, f"{prefix}demand") + getattr(row, f"{prefix}link_use"))
        add(firm(row.firm), market["sell"], getattr(row, f"{prefix}sell"))
        add(firm(row.firm), market["dispose"], getattr(row, f"{prefix}dispose"))
    yields = dict(zip(scenario.links["id"], scenario.links["yield"], strict=True))
    for row in result.links.itertuples():
        flow = getattr(row, f"{prefix}flow")
        if not flow or (isinstance(flow, float) and math.isnan(flow)):
            continue
        label = f"to {names[row.sink]}" if row.resource == resource else f"from {names[row.source]}"
        link = (f"link:{row.id}", label, LINK_COLOUR, f"link {labelled(row.id, link_names.get(row.id))}")
        if row.resource == resource:
            add(firm(row.source), link, flow)
        if row.sink_resource == resource:
            add(link, firm(row.sink), flow * yields[row.id])
    return go.Sankey(
        domain={"x": [0, 1], "y": domain_y},
        arrangement="snap",
        valueformat=",.4~g",
        valuesuffix=f" {unit}",
        textfont={"size": 12},
        node={"label": [label for label, _, _ in nodes.values()], "color": [c for _, c, _ in nodes.values()],
              "customdata": [hover for _, _, hover in nodes.values()], "hovertemplate": "%{customdata}<br>%{value}<extra></extra>",
              "pad": 14, "thickness": 16},
        link={"source": sources, "target": targets, "value": values},
        name=f"{'baseline' if baseline else 'plan'}: {resource}",
    )


def firm_names(scenario: Scenario) -> dict[str, str]:
    """Firm id -> its name (the id where the name is blank)."""
    return {fid: (name if isinstance(name, str) and name.strip() else fid) for fid, name in zip(scenario.firms["id"], scenario.firms["name"], strict=True)}


def _sankey_height(result: Result, resource: str) -> int:
    """Height of the figure for one resource: both diagrams tall enough for their most crowded column (firms, or links)."""
    firms = result.flows[result.flows["resource"] == resource]["firm"].nunique()
    links = int(((result.links["resource"] == resource) | (result.links["sink_resource"] == resource)).sum())
    diagram = max(220, 40 + 30 * max(firms, links, 1))
    return round(2 * diagram / (1 - _SANKEY_GAP)) + 150  # the gap for the plan's heading, and the title and menu


#: Share of the plotting area between the baseline (above) and the plan (below).
_SANKEY_GAP = 0.08


def sankey_figure(result: Result, scenario: Scenario, resources: list[str] | None = None) -> go.Figure:
    """Baseline (top) and plan (bottom) Sankey of each resource, each full width; a menu picks the resource.

    One resource at a time, so every figure is in one unit (t/yr, MWh/yr ...).
    Picking a resource also sets the figure's height to what its most crowded
    column needs, so node labels do not collide and a resource of two firms is not stretched.
    """
    figure = go.Figure()
    resources = resources if resources is not None else sankey_resources(result)
    names = dict(zip(scenario.resources["id"], scenario.resources["name"], strict=True))
    units = scenario.resources.set_index("id")["unit"]
    split = 0.5
    buttons = []
    for i, resource in enumerate(resources):
        for baseline, domain in ((True, [split + _SANKEY_GAP / 2, 1.0]), (False, [0.0, split - _SANKEY_GAP / 2])):
            trace = _sankey_trace(result, scenario, resource, baseline, domain)
            trace.visible = i == 0
            figure.add_trace(trace)
        visible = [j // 2 == i for j in range(2 * len(resources))]
        title = f"{SANKEY_TITLE}: {labelled(resource, names.get(resource))} ({per_unit(str(units[resource]))})"
        buttons.append({"label": labelled(resource, names.get(resource)), "method": "update",
                        "args": [{"visible": visible}, {"title.text": title, "height": _sankey_height(result, resource)}]})
    first = buttons[0]["args"][1]["title.text"] if resources else f"{SANKEY_TITLE}: no resource moves"
    height = buttons[0]["args"][1]["height"] if resources else 300
    figure_layout(figure, first, height=height)
    figure.update_layout(
        margin={"l": 20, "r": 20, "t": 130, "b": 20},
        updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "bottom", "pad": {"b": 6},
                      "showactive": True}] if len(buttons) > 1 else [],
        annotations=[
            {"text": "<b>baseline</b> (nothing new funded or built)", "x": 0.0, "y": 1.0, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "left", "yanchor": "bottom"},
            {"text": "<b>plan</b> (optimised)", "x": 0.0, "y": split, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "left", "yanchor": "middle"},
        ],
    )
    return figure


def budget_figure(result: Result, scenario: Scenario) -> go.Figure:
    """Limit and use of each budget, in a readable money scale."""
    budgets = result.tables.get("budgets", pd.DataFrame(columns=["id", "limit", "used"]))
    scale = money_scale(list(budgets["limit"].dropna()) + list(budgets["used"]), scenario.settings.currency)
    figure = go.Figure([
        go.Bar(y=budgets["id"], x=budgets["limit"].map(scale.scaled), name="limit", orientation="h", marker_color="#c7d7ea"),
        go.Bar(y=budgets["id"], x=budgets["used"].map(scale.scaled), name="used", orientation="h", marker_color=_FIRM),
    ])
    figure_layout(figure, "How much of each budget the plan uses", height=max(220, 90 + 60 * len(budgets)))
    figure.update_layout(margin={"l": 40 + 7 * max((len(b) for b in budgets["id"]), default=5)})
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(title=f"{scale.unit()}", tickformat=",~r")
    figure.update_yaxes(title="budget")
    return figure


#: How breakdown components read on a chart.
COMPONENT_LABELS = {"capex": "annualised capex", "sales": "sales (revenue, counted negative)", "fixed_opex": "fixed opex",
                    "measure_opex": "measure opex change", "link_variable": "link variable cost", "measures": "measures (direct)",
                    "links": "links (operation)"}


def breakdown_figure(result: Result, scenario: Scenario, quantity: str) -> go.Figure:
    """Annual cost (``quantity="cost"``) or CO2e (``"co2"``) by component: baseline and plan (left), and the change (right).

    The change has its own axis and scale: beside a park's purchases a saving is
    too small to see on the left, and the right panel answers where it comes from.
    """
    frame = result.tables.get("breakdown", pd.DataFrame(columns=["quantity", "component", "value", "baseline_value"]))
    frame = frame[frame["quantity"] == quantity]
    change = frame["value"] - frame["baseline_value"]
    currency = scenario.settings.currency
    if quantity == "cost":
        level = money_scale(list(frame["value"]) + list(frame["baseline_value"]), currency)
        delta = money_scale(list(change), currency)
        convert, unit, convert_change, change_unit = level.scaled, level.unit("yr"), delta.scaled, delta.unit("yr")
        what = "annual cost"
    else:
        convert = convert_change = float
        unit = change_unit = f"{CO2_UNIT}/yr"
        what = "annual CO2e"
    labels = {**COMPONENT_LABELS, **({"sales": "sales (credit, counted negative)"} if quantity == "co2" else {})}
    components = [labels.get(c, c.replace("_", " ")) for c in frame["component"]]
    figure = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.2,
                           subplot_titles=(f"{what} by component", f"change, plan - baseline (negative: {'saving' if quantity == 'cost' else 'less CO2e'})"))
    figure.add_trace(go.Bar(y=components, x=frame["baseline_value"].map(convert), name="baseline", orientation="h", marker_color="#bbbbbb"), 1, 1)
    figure.add_trace(go.Bar(y=components, x=frame["value"].map(convert), name="plan", orientation="h", marker_color=_FIRM), 1, 1)
    figure.add_trace(go.Bar(y=components, x=change.map(convert_change), name="change", orientation="h", showlegend=False,
                            marker_color=[_EXIT if v > 0 else LINK_COLOUR for v in change],
                            text=[number(convert_change(v)) if v else "" for v in change], textposition="auto"), 1, 2)
    net = change.sum()
    title = f"Where the {what} comes from and what the plan changes: net {number(convert_change(net))} {change_unit}"
    figure_layout(figure, title, height=max(320, 140 + 38 * len(components)))
    figure.update_layout(barmode="group", legend={"orientation": "h", "x": 0, "y": -0.28})
    figure.update_xaxes(title=unit, tickformat=",~r", row=1, col=1)
    figure.update_xaxes(title=change_unit, tickformat=",~r", zeroline=True, zerolinecolor="#444", row=1, col=2)
    figure.update_yaxes(autorange="reversed", row=1, col=1)
    figure.update_yaxes(autorange="reversed", showticklabels=False, row=1, col=2)
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
    figure.add_trace(go.Bar(x=labels, y=periods["capex"].map(scale.scaled), name="capex in the period", marker_color=LINK_COLOUR), row=1, col=1)
    for column, colour, name, col, convert in (
        ("baseline_annual_cost", "#bbbbbb", "baseline (nothing new)", 2, scale.scaled), ("annual_cost", _FIRM, "plan", 2, scale.scaled),
        ("baseline_annual_co2", "#bbbbbb", "baseline (nothing new)", 3, float), ("annual_co2", _FIRM, "plan", 3, float),
    ):
        figure.add_trace(go.Bar(x=labels, y=periods[column].map(convert), name=name, marker_color=colour, legendgroup=name,
                                showlegend=col == 2), row=1, col=col)
    figure_layout(figure, "Investment schedule: what is paid in each period, and the annual cost and CO2e it leads to", height=420)
    figure.update_layout(barmode="group", margin={"t": 100})
    figure.update_yaxes(tickformat=",~r")
    figure.update_xaxes(title="period (years)", type="category")
    return figure
