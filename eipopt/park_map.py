"""The park network map (plotly): firms at their coordinates, links drawn by state, width by annual flow.

Made to be read on paper as well as on screen: every firm carries a short
label placed away from its nearest neighbour, every built link its annual flow,
and the legend says what the width means. Built from the Result's ``links``
table and the Scenario (names, units, coordinates), never from the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from eipopt.decision import item_names
from eipopt.figures import LINK_COLOUR, figure_layout, firm_names
from eipopt.model import Scenario
from eipopt.model.units import UnitError, parse_unit, registry
from eipopt.readable import labelled, number, per_unit
from eipopt.result import Result

MAP_TITLE = "Park network"

#: Firm labels longer than this are shortened at a word boundary (full name on hover and in the tables).
LABEL_CHARACTERS = 26

#: Line widths in pixels: a candidate left out, and the thinnest and thickest operating link.
CANDIDATE_WIDTH, THINNEST, THICKEST = 1.5, 2.0, 12.0

_STYLES = {
    "candidate, not built": {"color": "#bbbbbb", "dash": "dot"},
    "existing": {"color": "#555555", "dash": "solid"},
    "built (new)": {"color": LINK_COLOUR, "dash": "solid"},
}


def short_label(name: str, limit: int = LABEL_CHARACTERS) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis, at a word boundary unless that keeps too little."""
    if len(name) <= limit:
        return name
    head = name[: limit - 1]
    at_word = head.rsplit(" ", 1)[0]
    return (at_word if len(at_word) >= 0.6 * limit else head).rstrip(" ,;-(") + "…"


#: Approximate size of the plotting area of the map in pixels (the report's width less the legend), and of its text.
PLOT_PIXELS = (880, 620)
CHAR_PIXELS, LINE_PIXELS, MARKER_PIXELS = 6.0, 14.0, 10.0

_OFFSETS = {  # text position -> (x offset, y offset) of the label box centre, in label widths and heights
    "top center": (0.0, 0.75), "bottom center": (0.0, -0.75), "middle right": (0.58, 0.0), "middle left": (-0.58, 0.0),
    "top right": (0.55, 0.6), "top left": (-0.55, 0.6), "bottom right": (0.55, -0.6), "bottom left": (-0.55, -0.6),
}


@dataclass(frozen=True)
class Box:
    """A rectangle in km: centre and half sizes."""

    x: float
    y: float
    half_w: float
    half_h: float

    def overlap(self, other: Box) -> float:
        dx = min(self.x + self.half_w, other.x + other.half_w) - max(self.x - self.half_w, other.x - other.half_w)
        dy = min(self.y + self.half_h, other.y + other.half_h) - max(self.y - self.half_h, other.y - other.half_h)
        return max(dx, 0.0) * max(dy, 0.0)


def km_per_pixel(x: list[float], y: list[float]) -> float:
    """The map's scale with equal axes: the larger of the two extents over its side of the plotting area."""
    span_x = (max(x) - min(x)) * 1.1 if x else 1.0
    span_y = (max(y) - min(y)) * 1.1 if y else 1.0
    return max(span_x / PLOT_PIXELS[0], span_y / PLOT_PIXELS[1], 1e-6)


def label_positions(x: list[float], y: list[float], texts: list[str]) -> tuple[list[str], list[Box]]:
    """A text position for each point's label, chosen greedily to overlap markers and earlier labels least.

    Points with the most close neighbours are placed first, while there is room.
    Returns the positions and the label boxes (to keep other text off them).
    """
    scale = km_per_pixel(x, y)
    marker = MARKER_PIXELS / 2 * scale
    markers = [Box(xi, yi, marker, marker) for xi, yi in zip(x, y, strict=True)]

    def crowding(i: int) -> int:
        return sum(math.hypot(x[i] - x[j], y[i] - y[j]) < 120 * scale for j in range(len(x)))

    positions: dict[int, str] = {}
    placed: list[Box] = []
    for i in sorted(range(len(x)), key=crowding, reverse=True):
        half_w, half_h = (CHAR_PIXELS * len(texts[i]) / 2 + 4) * scale, LINE_PIXELS / 2 * scale
        best = None
        for position, (ox, oy) in _OFFSETS.items():
            box = Box(x[i] + ox * 2 * half_w + (marker if ox > 0 else -marker if ox < 0 else 0), y[i] + oy * 2 * half_h + (marker if oy > 0 else -marker if oy < 0 else 0), half_w, half_h)
            clash = sum(box.overlap(other) for other in placed + markers)
            if best is None or clash < best[0]:
                best = (clash, position, box)
        positions[i] = best[1]
        placed.append(best[2])
    return [positions[i] for i in range(len(x))], placed


def free_text_spots(candidates: list[tuple[float, float, str]], taken: list[Box], scale: float) -> list[int]:
    """Indices of the texts (centred at their points) that overlap neither ``taken`` nor each other, in the given order."""
    chosen = []
    taken = list(taken)
    for i, (xi, yi, text) in enumerate(candidates):
        box = Box(xi, yi, (CHAR_PIXELS * 0.9 * len(text) / 2 + 2) * scale, LINE_PIXELS / 2 * scale)
        if all(box.overlap(other) == 0 for other in taken):
            chosen.append(i)
            taken.append(box)
    return chosen


def comparable_flows(links: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Each link's flow in a unit shared by every link of the same dimension (mass, volume, energy ...).

    Columns ``group`` (the shared unit per year, e.g. ``t/yr``) and ``amount``
    (the flow in it). The shared unit is the resource unit most links of that
    dimension use; a unit pint cannot read forms a group of its own.
    """
    units = scenario.resources.set_index("id")["unit"].astype(str)
    ureg = registry()
    dimension = {}
    for unit in set(units.get(r, "") for r in links["resource"]):
        try:
            dimension[unit] = str(ureg.Quantity(1, parse_unit(unit)).dimensionality)
        except UnitError:
            dimension[unit] = unit
    link_units = links["resource"].map(units).fillna("")
    dimensions = link_units.map(dimension)
    shared = {d: link_units[dimensions == d].mode().iloc[0] for d in dimensions.unique()}
    amounts = []
    for flow, unit, dim in zip(links["flow"].fillna(0.0), link_units, dimensions, strict=True):
        target = shared[dim]
        amounts.append(float(flow) if unit == target else float(ureg.Quantity(float(flow), parse_unit(unit)).to(parse_unit(target)).magnitude))
    return pd.DataFrame({"group": [per_unit(shared[d]) for d in dimensions], "amount": amounts}, index=links.index)


def link_widths(links: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Line width of each link: from THINNEST to THICKEST by annual flow relative to the largest flow in the same unit.

    The square root of the ratio sets the width, so a link with a hundredth of the
    largest flow is still seen; a candidate not built is drawn CANDIDATE_WIDTH.
    """
    flows = comparable_flows(links, scenario)
    largest = flows.groupby("group")["amount"].transform("max")
    ratio = (flows["amount"] / largest.where(largest > 0)).fillna(0.0).clip(0, 1)
    width = THINNEST + (THICKEST - THINNEST) * ratio.pow(0.5)
    operating = links["built"].astype(bool) | links["existing"].astype(bool)
    return width.where(operating, CANDIDATE_WIDTH)


def network_map(result: Result, scenario: Scenario) -> go.Figure:
    """Firms at (x_km, y_km) with short name labels; links built (green), existing (grey) or candidate (dotted), width by flow.

    Built and existing links carry their annual flow as text where it does not
    cover a firm's label (larger flows first); the note says how many do.
    """
    figure = go.Figure()
    firms = scenario.firms.dropna(subset=["x_km", "y_km"])
    position = {row.id: (row.x_km, row.y_km) for row in firms.itertuples()}
    links = result.tables.get("links", pd.DataFrame(columns=["id", "source", "sink", "resource", "built", "existing", "flow"]))
    link_names = item_names(scenario, "links")
    names = firm_names(scenario)
    units = scenario.resources.set_index("id")["unit"].astype(str)
    placed = links[links["source"].isin(position) & links["sink"].isin(position)]
    operating = placed["built"].astype(bool) | placed["existing"].astype(bool)
    widths = link_widths(placed, scenario) if len(placed) else pd.Series(dtype=float)
    shown_legend = set()
    for row in placed.assign(_operating=operating).sort_values("_operating", kind="stable").itertuples():  # candidates below
        state = "existing" if row.existing else "built (new)" if row.built else "candidate, not built"
        (x0, y0), (x1, y1) = position[row.source], position[row.sink]
        figure.add_trace(go.Scatter(
            x=[x0, x1], y=[y0, y1], mode="lines", line={"width": widths[row.Index], **_STYLES[state]},
            name=state, legendgroup=state, showlegend=state not in shown_legend,
            hovertemplate=f"{labelled(row.id, link_names.get(row.id))}<br>{state}<br>flow {_flow_text(row, units)}<extra></extra>",
        ))
        shown_legend.add(state)
    full = [names[fid] for fid in firms["id"]]
    short = [short_label(name) for name in full]
    x, y = list(firms["x_km"]), list(firms["y_km"])
    positions, label_boxes = label_positions(x, y, short)
    flowing = placed[operating & (placed["flow"] > 0)].sort_values("flow", ascending=False)
    candidates = [((position[r.source][0] + position[r.sink][0]) / 2, (position[r.source][1] + position[r.sink][1]) / 2, _flow_text(r, units))
                  for r in flowing.itertuples()]
    written = free_text_spots(candidates, label_boxes, km_per_pixel(x, y)) if x else []
    for i in written:  # annotations, for the white background that keeps them readable over a line
        figure.add_annotation(x=candidates[i][0], y=candidates[i][1], text=candidates[i][2], showarrow=False,
                              font={"size": 9, "color": "#1b5e20"}, bgcolor="rgba(255,255,255,0.85)", borderpad=1)
    figure.add_trace(go.Scatter(
        x=x, y=y, mode="markers+text", name="firm", text=short, textposition=positions, customdata=full,
        textfont={"size": 10}, marker={"size": MARKER_PIXELS, "color": "#1f77b4", "line": {"width": 1, "color": "white"}},
        hovertemplate="%{customdata}<br>x %{x:.2f} km, y %{y:.2f} km<extra></extra>",
    ))
    notes = []
    if len(written) < len(flowing):
        notes.append(f"annual flow written on {len(written)} of {len(flowing)} operating links (the others would cover labels; "
                     "all on hover and in the links table)")
    if short != full:
        notes.append(f"firm names longer than {LABEL_CHARACTERS} characters shortened (…); full names on hover and in the tables")
    if len(firms) < len(scenario.firms):
        notes.append(f"{len(scenario.firms) - len(firms)} of {len(scenario.firms)} firms have no coordinates and are not drawn")
    if len(placed) < len(links):
        notes.append(f"{len(links) - len(placed)} of {len(links)} links join a firm without coordinates and are not drawn")
    title = MAP_TITLE + ": links built and left out; line width = annual flow"
    figure_layout(figure, title + ("<br><sup>" + "<br>".join(notes) + "</sup>" if notes else ""), height=PLOT_PIXELS[1] + 80 + 40 + 20 * len(notes))
    figure.update_layout(legend={"title": {"text": "links"}, "x": 1.02, "y": 1.0, "xanchor": "left"},
                         margin={"l": 60, "r": 250, "t": 80 + 20 * len(notes), "b": 60})
    _add_width_key(figure, comparable_flows(flowing, scenario) if len(flowing) else pd.DataFrame(columns=["group", "amount"]))
    if firms.empty:  # an empty frame of axes would read as "nothing built"; say why there is no map
        figure.add_annotation(text="No firm has coordinates (x_km, y_km in firms.csv), so the park cannot be drawn.<br>"
                                   "The links built are in the links table.", x=0.5, y=0.5, xref="paper", yref="paper",
                              showarrow=False, font={"size": 14})
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        figure.update_layout(height=260, showlegend=False)
        return figure
    figure.update_xaxes(title="east (km)", zeroline=False, tickformat=",~r")
    figure.update_yaxes(title="north (km)", zeroline=False, scaleanchor="x", scaleratio=1, tickformat=",~r")
    return figure


def _flow_text(row, units: pd.Series) -> str:
    return f"{number(row.flow)} {per_unit(units.get(row.resource, ''))}"


def _add_width_key(figure: go.Figure, flows: pd.DataFrame) -> None:
    """A key beside the legend: sample lines at the widest flow of each unit and at a quarter of it.

    Drawn as shapes, because plotly's legend draws every line at the same width.
    """
    if flows.empty:
        return
    y = 0.55
    figure.add_annotation(text="<b>line width</b> (compared within a unit)", x=1.02, y=y + 0.06, xref="paper", yref="paper",
                          xanchor="left", showarrow=False, font={"size": 11})
    for group, amounts in flows.groupby("group")["amount"]:
        for share in (1.0, 0.25):
            width = THINNEST + (THICKEST - THINNEST) * share ** 0.5
            figure.add_shape(type="line", x0=1.03, x1=1.09, y0=y, y1=y, xref="paper", yref="paper",
                             line={"width": width, "color": LINK_COLOUR})
            figure.add_annotation(text=f"{number(amounts.max() * share)} {group}", x=1.10, y=y, xref="paper", yref="paper",
                                  xanchor="left", showarrow=False, font={"size": 10})
            y -= 0.06
