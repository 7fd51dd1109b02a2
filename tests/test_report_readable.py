"""Readable numbers: money scales, units, names beside ids, truncation said; plot axes without offsets."""

from __future__ import annotations

import pandas as pd
import pytest

from eipopt.analysis.pareto import ParetoFront
from eipopt.analysis.plots import front_is_degenerate, pareto_plot, readable_axis
from eipopt.readable import amount, header, labelled, money, money_scale, number, shown_of


def test_money_is_scaled_to_a_readable_unit():
    assert money(412_000_000_000, "VND") == "412 bn VND"
    assert money(-3_140_000, "VND", "yr") == "-3.14 M VND/yr"
    assert money(1_128_369_883_540, "VND", "yr") == "1.13 tn VND/yr"
    assert money(950, "USD") == "950 USD"
    assert money(None, "VND") == "-"


def test_a_column_scale_follows_its_typical_value():
    scale = money_scale([83e6, 0, 1.293e9, 210e6, 16e6], "VND")  # median of the non-zero: 146.5e6
    assert scale.unit("yr") == "M VND/yr"
    assert scale.excel_format == "#,##0.0,,"  # two commas: shown in millions
    assert header("capex", scale) == "capex (investment) (M VND)"
    assert header("baseline_flow") == "flow sent, baseline"


def test_amounts_names_and_truncation():
    assert number(1234567.8) == "1,234,568"
    assert number(0.012345) == "0.0123"
    assert number(-0.0) == "0"
    assert amount(200000, "t") == "200,000 t/yr"
    assert amount(6000, "Nm3/h") == "6,000 Nm3/h"  # a rate as entered keeps its unit
    assert labelled("gas_plant", "Ninh Binh Industrial Gas JSC") == "Ninh Binh Industrial Gas JSC (gas_plant)"
    assert labelled("gas_plant", "") == "gas_plant"
    assert shown_of(25, 194) == "25 of 194 shown, all in the workbook"
    assert shown_of(10, 10) == ""


def _front(costs, co2s, gaps):
    points = pd.DataFrame({
        "point": range(len(costs)), "total_cost": costs, "total_co2": co2s, "mip_gap": gaps,
        "n_measures_funded": 1, "n_links_built": 0, "n_tiers_built": 0,
    })
    return ParetoFront(points, pd.DataFrame())


def test_degenerate_fronts_are_said_in_words():
    assert "one point" in front_is_degenerate(_front([5e11], [1000.0], [0.0]))
    inside_gap = _front([1.000e12, 1.001e12], [2000.0, 1000.0], [0.01, 0.01])  # 0.1 % apart, gap 1 %
    assert "gap" in front_is_degenerate(inside_gap)
    assert front_is_degenerate(_front([1.0e12, 1.2e12], [2000.0, 1000.0], [0.0, 0.0])) == ""
    # costs apart, but CO2e 0.8 t apart of 185,022: 4.3e-6 relative, inside a gap of 6e-5 (as on Amata's front)
    co2_inside_gap = _front([1.0645e12, 1.0662e12], [185_022.0, 185_021.2], [0.0, 6e-5])
    assert "CO2e differ by 0.8" in front_is_degenerate(co2_inside_gap)
    figure = pareto_plot(inside_gap, "VND")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("No trade-off" in t for t in texts)
    assert len(figure.axes[0].lines) == 0  # nothing drawn as a curve


def test_money_axes_have_no_offset_and_carry_the_scale():
    figure = pareto_plot(_front([1.10e12, 1.12e12, 1.20e12], [3000.0, 2000.0, 1000.0], [0.0, 0.0, 0.0]), "VND")
    axis = figure.axes[0]
    figure.canvas.draw()
    labels = [t.get_text() for t in axis.get_yticklabels() if t.get_text()]
    assert labels
    assert all("e" not in label.lower() for label in labels)  # no 1e11 offsets or exponents
    assert axis.yaxis.get_offset_text().get_text() == ""
    assert axis.get_ylabel() == "extra annual cost (bn VND/yr)"  # 20 and 100 bn above the least-cost plan
    assert axis.get_xlabel() == "CO2e avoided beyond the least-cost plan (tCO2e/yr)"


@pytest.mark.parametrize(("values", "unit"), [([2e9, 5e9], "bn VND/yr"), ([2e6], "M VND/yr")])
def test_readable_axis_unit(values, unit):
    from matplotlib.figure import Figure

    axis = Figure().subplots()
    assert readable_axis(axis.yaxis, values, "VND", "yr") == unit
