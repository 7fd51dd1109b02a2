"""The planners' documents of multi-period, financing and water-quality results, opened back and checked against the Result.

Scenarios (each solved once, module fixture):

- ``khanh_phu`` over two periods, 2025-2029 and 2030-2034 (``--set`` overrides);
- ``deep_c`` over 2025, 2026, 2027 with a tenants' RECP budget per year, written
  into a copy of the scenario here (three budgets, one per period);
- ``geipp_a2f`` (financing: who pays what) and ``hiep_phuoc_water`` (quality limits).

The workbook is read with openpyxl, the HTML report with html.parser and the
plotly JSON decoded, the console output as text; their numbers are compared
with the Result's tables or recomputed from other tables of the same document.
"""

from __future__ import annotations

import base64
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from rich.console import Console

from eipopt import load_scenario, solve
from eipopt.app.server import _results, _what_if
from eipopt.app.session import Session
from eipopt.economics import links_not_built, measure_economics
from eipopt.html_report import write_html_report
from eipopt.report import print_result
from eipopt.workbook import write_results_workbook
from tests.conftest import SCENARIOS
from tests.test_report_documents import _plotly_figures, _same, _sheet_columns

#: deep_c's tenants' RECP budget split into one budget per year of the plan (assumption of this test).
DEEP_C_YEARS = (2025, 2026, 2027)
DEEP_C_RECP_PER_YEAR = 8e9


def _deep_c_yearly_budgets(folder):
    """A copy of deep_c over 2025-2027 whose tenants' RECP budget is 8 bn VND in each year."""
    target = folder / "deep_c_yearly"
    shutil.copytree(SCENARIOS / "deep_c", target)
    settings = yaml.safe_load((target / "scenario.yaml").read_text(encoding="utf-8"))
    settings["periods"] = {"years": list(DEEP_C_YEARS), "end": DEEP_C_YEARS[-1]}
    others = [b for b in settings["budgets"] if b["id"] != "tenant_recp"]
    settings["budgets"] = others + [
        {"id": f"tenant_recp_{year}", "limit": DEEP_C_RECP_PER_YEAR, "applies_to": "measures", "period": year} for year in DEEP_C_YEARS
    ]
    (target / "scenario.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """name -> (scenario, result, workbook, html, console text)."""
    folder = tmp_path_factory.mktemp("period_documents")
    scenarios = {
        "khanh_phu_periods": load_scenario(SCENARIOS / "khanh_phu").with_overrides({"periods.years": "2025;2030", "periods.end": "2034"}),
        "deep_c_yearly": load_scenario(_deep_c_yearly_budgets(folder)),
        "geipp_a2f": load_scenario(SCENARIOS / "geipp_a2f"),
        "hiep_phuoc_water": load_scenario(SCENARIOS / "hiep_phuoc_water"),
    }
    out = {}
    for name, scenario in scenarios.items():
        result = solve(scenario)
        assert result.status == "optimal"
        book = openpyxl.load_workbook(write_results_workbook(result, scenario, folder / f"{name}.xlsx"))
        html = write_html_report(result, scenario, folder / f"{name}.html").read_text(encoding="utf-8")
        console = Console(record=True, width=200)
        print_result(result, scenario, console)
        out[name] = (scenario, result, book, html, console.export_text())
    return out


PERIODS = ("khanh_phu_periods", "deep_c_yearly")


def _values(frame, column) -> list:
    """A column's values as the cells hold them: Python scalars, a missing value (NaN, pd.NA) as None."""
    return [None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in frame[column].tolist()]


def _sheet_equals_table(book, sheet_name: str, frame) -> None:
    """Every column of the Result table is in the sheet, row for row, typed and unscaled."""
    columns = _sheet_columns(book[sheet_name])
    for column in frame.columns:
        if column == "built" and sheet_name == "periods":
            continue  # read as 'built in this period (ids)': checked by the caller
        values = _values(frame, column)
        assert any(_same(cells, values) for cells in columns.values()), f"{sheet_name}.{column} not found in the sheet"


@pytest.mark.parametrize("name", PERIODS)
def test_workbook_periods_sheet_is_the_schedule(documents, name):
    _, result, book, _, _ = documents[name]
    _sheet_equals_table(book, "periods", result.periods)
    columns = _sheet_columns(book["periods"])
    assert [c or "" for c in columns["built in this period (ids)"]] == list(result.periods["built"])
    capex = columns[next(h for h in columns if h.startswith("capex (investment) ("))]
    assert sum(capex) == pytest.approx(result.summary["capex_total"])  # the schedule's capex adds up to the plan's
    assert len(book["periods"]._charts) == 3  # capex, annual cost and CO2e per period against the baseline
    for table in ("links", "flows", "breakdown"):  # tidy: every period's rows are kept
        assert book[table].max_row == len(result.tables[table]) + 1
        _sheet_equals_table(book, table, result.tables[table])


@pytest.mark.parametrize("name", PERIODS)
def test_workbook_summary_says_present_value_and_cumulative_tonnes(documents, name):
    _, result, book, _, _ = documents[name]
    rows = list(book["summary"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:5] == ("figure", "unit", "baseline", "plan", "change"))
    cost, co2 = rows[header + 1], rows[header + 2]
    years = result.summary["horizon"]["n_years"]
    assert cost[0].startswith(f"cost over {years} years (present value)")
    assert cost[3] == pytest.approx(result.summary["total_cost"])
    assert co2[0] == f"CO2e over {years} years"
    assert co2[1] == f"tCO2e over {years} years"
    assert co2[3] == pytest.approx(result.summary["total_co2"])
    titles = [chart.title.tx.rich.p[0].r[0].t for chart in book["summary"]._charts]
    assert titles == [f"Cost over {years} years (present value): baseline and plan", f"CO2e over {years} years (cumulative): baseline and plan"]


def test_per_year_budgets_equal_the_capex_of_the_measures_built_that_year(documents):
    """Each year's RECP budget used = the capex of the measures built in that year (independent sum over the measures sheet)."""
    _, result, book, _, _ = documents["deep_c_yearly"]
    measures = _sheet_columns(book["measures"])
    capex = measures[next(h for h in measures if h.startswith("capex (investment) ("))]
    budgets = _sheet_columns(book["budgets"])
    used = dict(zip(budgets["id"], budgets[next(h for h in budgets if h.startswith("used ("))], strict=True))
    for year in DEEP_C_YEARS:
        built_that_year = sum(c for c, p, new in zip(capex, measures["built in period"], measures["new"], strict=True) if new and p == year)
        assert used[f"tenant_recp_{year}"] == pytest.approx(built_that_year)
        assert used[f"tenant_recp_{year}"] <= DEEP_C_RECP_PER_YEAR * (1 + 1e-9)
    assert sum(1 for year in DEEP_C_YEARS if used[f"tenant_recp_{year}"] > 0) >= 2  # the yearly limit spreads measures over years


class _Sections(HTMLParser):
    """Table cells per section (``h2`` id) of the report."""

    def __init__(self):
        super().__init__()
        self.sections, self._current, self._cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._current = attrs.get("id")
            self.sections[self._current] = []
        elif tag == "tr" and self._current:
            self.sections[self._current].append([])
        elif tag in ("td", "th") and self._current:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._current:
            self.sections[self._current][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _scaled(text: str, header: str) -> float:
    factor = {"": 1, "k": 1e3, "M": 1e6, "bn": 1e9, "tn": 1e12}[re.search(r"[(, ](\w*) ?VND", header).group(1)]
    return float(text.replace(",", "")) * factor


def _array(values) -> list[float]:
    """A plotly JSON array: a list, or a typed array ``{"dtype", "bdata"}`` (base64 of the numbers)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


@pytest.mark.parametrize("name", PERIODS)
def test_html_schedule_sankey_and_map_show_the_end_of_the_plan(documents, name):
    scenario, result, _, html, _ = documents[name]
    horizon = result.summary["horizon"]
    assert f"Cost over {horizon['n_years']} years (present value)" in html
    assert f"tCO2e over {horizon['n_years']} years" in html
    rows = _Sections()
    rows.feed(html)
    schedule = rows.sections["schedule"]
    header = schedule[0]
    capex_col = next(i for i, h in enumerate(header) if h.startswith("capex"))
    assert [r[0] for r in schedule[1:]] == [f"{a}-{b}" if b > a else str(a) for a, b in zip(result.periods["first_year"], result.periods["last_year"], strict=True)]
    shown = sum(_scaled(r[capex_col], header[capex_col]) for r in schedule[1:])
    assert shown == pytest.approx(result.summary["capex_total"], rel=0.01)  # 3 significant digits per period
    figures = _plotly_figures(html)
    capex_bars = next(t for t in figures["figure-schedule"] if t["name"] == "capex in the period")
    factor = _scaled("1", re.search(r"New investment \(capex, [^)]*\)", html).group(0))  # the chart's own scale, in its title
    assert [y * factor for y in _array(capex_bars["y"])] == pytest.approx(list(result.periods["capex"]))
    last = result.periods["period"].max()
    years = schedule[-1][0]
    # the Sankey: flows of the last period only, titled with it
    sankeys = figures["figure-sankey"]
    plan = sankeys[1]
    resource = plan["name"].split(": ", 1)[1]
    flows = result.flows[(result.flows["resource"] == resource) & (result.flows["period"] == last)]
    labels = plan["node"]["label"]
    disposed = sum(v for t, v in zip(plan["link"]["target"], plan["link"]["value"], strict=True) if labels[t] == "disposed of")
    assert disposed == pytest.approx(flows["dispose"].sum())
    assert f"Resource flows in {years}" in html
    assert f"Park network in {years}" in html
    # the map: one line per link built by the end of the plan
    built = [t for t in figures["figure-map"] if t["name"] in ("built (new)", "existing")]
    links = result.links[result.links["period"] == last]
    placed = set(scenario.firms.dropna(subset=["x_km", "y_km"])["id"])
    assert len(built) == int((links["built"] & links["source"].isin(placed) & links["sink"].isin(placed)).sum())


@pytest.mark.parametrize("name", PERIODS)
def test_console_prints_the_schedule_and_the_economics(documents, name):
    scenario, result, _, _, text = documents[name]
    assert "Investment schedule" in text
    assert "present values" in text
    for a, b in zip(result.periods["first_year"], result.periods["last_year"], strict=True):
        assert (f"{a}-{b}" if b > a else str(a)) in text
    economics = measure_economics(result, scenario)
    if len(economics):
        funded = economics[economics["decision"] == "funded"]
        built = dict(zip(result.measures["id"], result.measures["build_period"], strict=True))
        assert list(funded["build_period"]) == [built[i] for i in funded["id"]]
    reasons = links_not_built(result, scenario)
    at_end = result.links[result.links["period"] == result.periods["period"].max()]
    assert set(reasons.index) == set(scenario.links["id"])
    assert all(reasons[i] == "" for i in at_end.loc[at_end["built"], "id"])  # built by the end: no reason given


def test_workbook_and_report_say_who_pays_what(documents):
    scenario, result, book, html, _ = documents["geipp_a2f"]
    _sheet_equals_table(book, "financing", result.financing)
    _sheet_equals_table(book, "firms", result.firms)
    financing = _sheet_columns(book["financing"])
    amount = financing[next(h for h in financing if h.startswith("amount ("))]
    by_item: dict[str, float] = {}
    for item, value in zip(financing["item"], amount, strict=True):
        by_item[item] = by_item.get(item, 0.0) + value
    capex = dict(zip(result.measures["id"], result.measures["capex"], strict=True))
    assert by_item
    assert all(v == pytest.approx(capex[i]) for i, v in by_item.items())
    names = dict(zip(scenario.firms["id"], scenario.firms["name"], strict=True))
    assert financing["owner (name)"] == [names[o] for o in financing["owner"]]
    rows = _Sections()
    rows.feed(html)
    who = rows.sections["who-pays"]
    header = who[0]
    grants = next(i for i, h in enumerate(header) if h.startswith("grants ("))
    involved = result.firms[(result.firms["capex"] > 0) | (result.firms["debt_service"] > 0)]
    assert sum(_scaled(r[grants], header[grants]) for r in who[1:]) == pytest.approx(involved["grants"].sum(), rel=0.01)
    assert "DSCR" in " ".join(header)


def test_workbook_and_report_show_quality_at_the_limited_nodes(documents):
    _, result, book, html, text = documents["hiep_phuoc_water"]
    _sheet_equals_table(book, "quality", result.quality)
    _sheet_equals_table(book, "link_quality", result.link_quality)
    rows = _Sections()
    rows.feed(html)
    quality = rows.sections["quality"]
    limited = result.quality.dropna(subset=["max_inlet"])
    assert len(quality) - 1 == len(limited)
    header = quality[0]
    limit = header.index("inlet limit")
    assert [float(r[limit].replace(",", "")) for r in quality[1:]] == pytest.approx(list(limited["max_inlet"]), rel=1e-3)
    assert "Water quality at the limited nodes" in text


def test_app_shows_the_schedule_and_compares_present_values(documents):
    scenario, result, _, _, _ = documents["khanh_phu_periods"]
    session = Session(scenario=scenario, result=result, solved_scenario=scenario, previous=result)
    page = str(_results(session, {}))
    assert "schedule-chart" in page
    assert "Investment schedule" in page
    what_if = str(_what_if(result, result, scenario.settings.currency))
    years = result.summary["horizon"]["n_years"]
    assert f"cost over {years} years (present value)" in what_if
    assert "annual cost" not in what_if
