"""The results workbook and the HTML report of every shipped scenario, opened back and checked against the Result.

Each scenario is solved once (module fixture). The checks read the written
files independently (openpyxl cells; the HTML parsed with html.parser and the
plotly JSON decoded) and compare with the Result's own tables.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest

from eipopt import load_scenario, solve
from eipopt.html_report import write_html_report
from eipopt.workbook import write_results_workbook
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.yaml"))


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """name -> (scenario, result, workbook, html text), each scenario solved once."""
    folder = tmp_path_factory.mktemp("documents")
    out = {}
    for name in SHIPPED:
        scenario = load_scenario(SCENARIOS / name)
        result = solve(scenario)
        workbook = openpyxl.load_workbook(write_results_workbook(result, scenario, folder / f"{name}.xlsx"))
        html = write_html_report(result, scenario, folder / f"{name}.html").read_text(encoding="utf-8")
        out[name] = (scenario, result, workbook, html)
    return out


def _sheet_columns(sheet) -> dict[str, list]:
    rows = list(sheet.iter_rows(values_only=True))
    return {header: [row[i] for row in rows[1:]] for i, header in enumerate(rows[0])}


def _same(cells: list, values: list) -> bool:
    """Cells equal the values (a missing value or an empty text is an empty cell).

    Numbers to 1e-14 relative: openpyxl writes 16 significant digits, Python's repr up to 17.
    """
    def norm(v):
        return None if v is None or v is pd.NA or v == "" or (isinstance(v, float) and math.isnan(v)) else v

    def equal(cell, value) -> bool:
        cell, value = norm(cell), norm(value)
        if isinstance(value, float) and not isinstance(cell, bool) and isinstance(cell, (int, float)):
            return cell == pytest.approx(value, rel=1e-14, abs=1e-300)
        return cell == value and type(cell) is type(value) if isinstance(value, bool) else cell == value
    return len(cells) == len(values) and all(equal(c, v) for c, v in zip(cells, values, strict=True))


@pytest.mark.parametrize("name", SHIPPED)
def test_workbook_cells_equal_the_result_tables(documents, name):
    scenario, result, book, _ = documents[name]
    assert book.sheetnames[0] == "summary"
    for table, frame in result.tables.items():
        sheet = book[table]
        assert sheet.freeze_panes in ("A2", "B2")
        columns = _sheet_columns(sheet)
        for column in frame.columns:
            values = [v.item() if hasattr(v, "item") else v for v in frame[column].tolist()]
            # every Result column is in the sheet, typed and unscaled, under a readable header
            assert any(_same(cells, values) for cells in columns.values()), f"{table}.{column} not found in the sheet"
    if "budgets" in result.tables and len(result.budgets):
        columns = _sheet_columns(book["budgets"])
        money_header = next(h for h in columns if h.startswith("used ("))
        assert money_header.endswith(f"{scenario.settings.currency})")  # the scale and currency in the header
        used_cell = book["budgets"].cell(2, list(columns).index(money_header) + 1)
        assert used_cell.number_format.startswith("#,##0")
        assert isinstance(used_cell.value, (int, float))


@pytest.mark.parametrize("name", SHIPPED)
def test_workbook_summary_has_baseline_and_plan(documents, name):
    _, result, book, _ = documents[name]
    rows = list(book["summary"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:5] == ("figure", "unit", "baseline", "plan", "change"))
    cost, co2 = rows[header + 1], rows[header + 2]
    assert cost[3] == pytest.approx(result.summary["total_cost"])
    assert co2[3] == pytest.approx(result.summary["total_co2"])
    if result.summary["baseline_cost"] is not None:
        assert cost[2] == pytest.approx(result.summary["baseline_cost"])
        assert len(book["summary"]._charts) == 2


class _Scripts(HTMLParser):
    """Collects inline script texts and table cells of an HTML document."""

    def __init__(self):
        super().__init__()
        self.scripts, self.external, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
            self.external += [v for k, v in attrs if k == "src"]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _plotly_figures(html: str) -> dict[str, list]:
    """div id -> traces of each ``Plotly.newPlot("id", [traces], ...)`` call."""
    parser = _Scripts()
    parser.feed(html)
    assert parser.external == []  # self-contained: nothing fetched
    figures = {}
    decoder = json.JSONDecoder()
    for script in parser.scripts:
        for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', script):
            traces, _ = decoder.raw_decode(script, match.end())
            figures[match.group(1)] = traces
    return figures


@pytest.mark.parametrize("name", SHIPPED)
def test_html_report_has_sankey_and_map_from_the_result(documents, name):
    scenario, result, _, html = documents[name]
    assert "Plotly" in html  # plotly.js inlined
    figures = _plotly_figures(html)
    sankeys = figures["figure-sankey"]
    assert {t["type"] for t in sankeys} == {"sankey"}
    # the visible pair: baseline and plan of the first resource; what the plan disposes of equals the flows table
    baseline, plan = sankeys[0], sankeys[1]
    resource = plan["name"].split(": ", 1)[1]
    flows = result.flows[result.flows["resource"] == resource]
    links = result.links
    if "period" in flows.columns:  # over periods the pictures show the park at the end of the plan
        flows = flows[flows["period"] == flows["period"].max()]
        links = links[links["period"] == links["period"].max()]
    for trace, column in ((plan, "dispose"), (baseline, "baseline_dispose")):
        labels = trace["node"]["label"]
        disposed = sum(v for t, v in zip(trace["link"]["target"], trace["link"]["value"], strict=True) if labels[t] == "disposed of")
        assert disposed == pytest.approx(flows[column].sum())
    map_traces = figures["figure-map"]
    firms = next(t for t in map_traces if t["name"] == "firm")
    placed = scenario.firms.dropna(subset=["x_km", "y_km"])
    assert len(firms["text"]) == len(placed)  # one labelled marker per firm with coordinates
    built = [t for t in map_traces if t["name"] in ("built (new)", "existing")]
    placed_ids = set(placed["id"])
    expected = links[links["built"] & links["source"].isin(placed_ids) & links["sink"].isin(placed_ids)]
    assert len(built) == len(expected)


@pytest.mark.parametrize("name", SHIPPED)
def test_html_report_numbers_equal_the_summary(documents, name):
    scenario, result, _, html = documents[name]
    currency = scenario.settings.currency
    s = result.summary
    if s["baseline_cost"] is None:
        assert "no savings are claimed" in html
        return
    match = re.search(r"new investment ([-\d.,]+) (\w*) ?" + currency, html)
    factor = {"": 1, "k": 1e3, "M": 1e6, "bn": 1e9, "tn": 1e12}[match.group(2)]
    shown = float(match.group(1).replace(",", "")) * factor
    assert shown == pytest.approx(s["capex_total"], rel=0.01, abs=0.5 * factor)  # 3 significant digits


def test_solve_out_xlsx_and_report_commands(khanh_phu_path, tmp_path):
    from click.testing import CliRunner

    from eipopt.cli import main

    def run(*args):
        return CliRunner().invoke(main, list(args))  # in process: the commands' exit codes, without a Python start-up each

    workbook = tmp_path / "results.xlsx"
    assert run("solve", str(khanh_phu_path), "--out", str(workbook)).exit_code == 0
    assert openpyxl.load_workbook(workbook).sheetnames[:2] == ["summary", "economics"]
    done = run("report", str(khanh_phu_path), "--html", str(tmp_path / "r.html"), "--xlsx", str(tmp_path / "r.xlsx"))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r.html").stat().st_size > 1_000_000  # plotly.js inside
    assert run("report", str(khanh_phu_path)).exit_code == 2  # nothing asked for
