"""The Sankey and the park map read on paper: names not ids, widths that differ with flow, labels that keep apart.

Park (built here, discount rate 0): firms Alpha (0, 0) and Gamma (0, 1) generate
40 t and 10 t of waste (disposal 10/t); Beta (1, 0) buys 100 t of feed (8/t).
Links L1 Alpha -> Beta and L2 Gamma -> Beta turn waste into feed at yield 1,
free of cost, with capacity enough for all: both are built and carry 40 t and
10 t. Widths by hand (THINNEST 2, THICKEST 12 px, square root of the flow ratio):
L1 = 12; L2 = 2 + 10 * sqrt(10 / 40) = 7.
"""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from eipopt import load_scenario, solve
from eipopt.decision import decision_lines
from eipopt.figures import LINK_COLOUR, breakdown_figure, sankey_figure
from eipopt.park_map import comparable_flows, label_positions, link_widths, network_map, short_label
from eipopt.workbook import write_results_workbook
from tests.conftest import SCENARIOS
from tests.tiny import FEED, WASTE, make_scenario

ALPHA = "Alpha Cement Company With A Very Long Name"


def _park():
    link = {"source": "A", "sink": "B", "resource": "waste", "sink_resource": "feed", "yield": 1, "capacity": 100}
    return make_scenario(
        resources=[WASTE, FEED, {"id": "scrap", "unit": "kg", "kind": "waste", "disposal_cost": 1}],
        firms=[{"id": "A", "name": ALPHA, "x_km": 0, "y_km": 0}, {"id": "B", "name": "Beta Feed Mill", "x_km": 1, "y_km": 0},
               {"id": "C", "name": "Gamma Works", "x_km": 0, "y_km": 1}],
        flows=[{"firm": "A", "resource": "waste", "generation": 40}, {"firm": "C", "resource": "waste", "generation": 10},
               {"firm": "B", "resource": "feed", "demand": 100}],
        links=[{"id": "L1", **link}, {"id": "L2", **link, "source": "C"}],
    )


@pytest.fixture(scope="module")
def park():
    scenario = _park()
    result = solve(scenario)
    assert result.links.set_index("id")["flow"].to_dict() == pytest.approx({"L1": 40, "L2": 10})  # docstring
    return scenario, result


def test_map_line_width_follows_the_flow(park):
    scenario, result = park
    widths = link_widths(result.links, scenario)
    assert dict(zip(result.links["id"], widths, strict=True)) == pytest.approx({"L1": 12.0, "L2": 7.0})
    drawn = {re.search(r"\((L\d)\)", t.hovertemplate).group(1): t.line.width for t in network_map(result, scenario).data if t.mode == "lines"}
    assert drawn == pytest.approx({"L1": 12.0, "L2": 7.0})


def test_map_compares_flows_in_one_unit_per_dimension(park):
    """5,000 kg of scrap is 5 t beside the waste links' tonnes."""
    scenario, _ = park
    links = pd.DataFrame({"resource": ["waste", "waste", "scrap"], "flow": [40.0, 10.0, 5000.0]})
    flows = comparable_flows(links, scenario)
    assert list(flows["group"]) == ["t/yr"] * 3
    assert list(flows["amount"]) == pytest.approx([40, 10, 5])


def test_map_labels_every_firm_and_explains_width(park):
    scenario, result = park
    figure = network_map(result, scenario)
    firms = next(t for t in figure.data if t.name == "firm")
    assert list(firms.text) == ["Alpha Cement Company…", "Beta Feed Mill", "Gamma Works"]
    assert list(firms.customdata) == [ALPHA, "Beta Feed Mill", "Gamma Works"]  # full names on hover
    assert "shortened" in figure.layout.title.text  # the cut is said
    texts = [a.text for a in figure.layout.annotations]
    assert {"40 t/yr", "10 t/yr"} <= set(texts)  # flows written on the links
    assert [s.line.width for s in figure.layout.shapes] == pytest.approx([12.0, 7.0])  # key: widest and a quarter


def test_short_label_cuts_at_a_word_and_says_so():
    assert short_label(ALPHA) == "Alpha Cement Company…"
    assert short_label("Municipal waste-to-energy plant") == "Municipal waste-to-energy…"
    assert short_label("Beta Feed Mill") == "Beta Feed Mill"


def test_close_labels_go_to_different_sides():
    positions, _ = label_positions([0.0, 0.05, 5.0], [0.0, 0.0, 5.0], ["Textile mill", "Dye house", "Far plant"])
    assert positions[0] != positions[1]


def test_sankey_nodes_are_names_not_ids(park):
    scenario, result = park
    plan = next(t for t in sankey_figure(result, scenario, ["waste"]).data if t.name == "plan: waste")
    labels = list(plan.node.label)
    assert set(labels) == {"generated on site", ALPHA, "Gamma Works", "to Beta Feed Mill"}
    hover = [h for h, colour in zip(plan.node.customdata, plan.node.color, strict=True) if colour == LINK_COLOUR]
    assert all(h.startswith("link ") and ("(L1)" in h or "(L2)" in h) for h in hover)  # the id stays on hover


def test_shipped_sankey_labels_carry_no_ids():
    scenario = load_scenario(SCENARIOS / "amata")
    result = solve(scenario)
    ids = set(scenario.firms["id"]) | set(scenario.links["id"])
    figure = sankey_figure(result, scenario)
    for trace in figure.data:
        for label in trace.node.label:
            assert not any(i in label for i in ids), label
    # two diagrams stacked, each full width
    assert figure.data[0].domain.x == (0, 1)
    assert figure.data[0].domain.y[0] > figure.data[1].domain.y[1]
    # picking a resource sets the height its column of firms needs: 15 firms have electricity rows, 2 general waste rows
    heights = {b.label.split(" (")[-1].rstrip(")"): b.args[1]["height"] for b in figure.layout.updatemenus[0].buttons}
    assert heights["electricity"] > heights["general_waste"]
    assert figure.layout.height == figure.layout.updatemenus[0].buttons[0].args[1]["height"]


def test_breakdown_shows_what_the_plan_changes(park):
    """Baseline: 50 t disposed of at 10 (500) and 100 t feed bought at 8 (800); plan: none disposed of, 50 t bought (400).

    The change panel: purchases -400, disposal -500, net -900 VND/yr.
    """
    scenario, result = park
    figure = breakdown_figure(result, scenario, "cost")
    change = next(t for t in figure.data if t.name == "change")
    by_component = dict(zip(change.y, change.x, strict=True))
    assert by_component["purchases"] == pytest.approx(-400)
    assert by_component["disposal"] == pytest.approx(-500)
    assert "net -900 VND/yr" in figure.layout.title.text


def test_decision_lists_items_apart_when_names_hold_commas(park):
    scenario, result = park
    line = next(x for x in decision_lines(result, scenario) if x.startswith("Links built"))
    assert "(L1); " in line or "(L2); " in line  # "resource, from -> to (id); next ..."
    assert next(x for x in decision_lines(result, scenario) if "candidate" in x).startswith("Build 2 of 2 candidate links")  # no "0 of 0 measures"


def test_workbook_breakdown_says_what_the_plan_changes(park, tmp_path):
    """The breakdown sheet's change column is plan - baseline (purchases -400, disposal -500); its charts carry the unit."""
    scenario, result = park
    book = openpyxl.load_workbook(write_results_workbook(result, scenario, tmp_path / "park.xlsx"))
    rows = list(book["breakdown"].iter_rows(values_only=True))
    header = list(rows[0])
    change = {(r[header.index("quantity")], r[header.index("component")]): r[header.index("change, plan - baseline")] for r in rows[1:]}
    assert change[("cost", "purchases")] == pytest.approx(-400)
    assert change[("cost", "disposal")] == pytest.approx(-500)
    charts = book["breakdown"]._charts
    assert len(charts) == 2
    titles = [chart.y_axis.title.tx.rich.p[0].r[0].t for chart in charts]
    assert titles == ["VND/yr", "VND/yr"]  # the unit of the cost rows, not a column header


def test_map_without_coordinates_says_so(park):
    scenario, result = park
    unplaced = scenario.with_overrides({f"firms.{f}.x_km": "" for f in ("A", "B", "C")})
    figure = network_map(result, unplaced)
    assert any("No firm has coordinates" in a.text for a in figure.layout.annotations)
    assert not figure.layout.shapes  # no width key for links that are not drawn
