"""Every firm's account and DSCR of the shipped financing scenario, recomputed from the result tables with pandas.

Operating cost of a firm = what it buys - sells + disposes of at the market
prices of resources.csv (flows table), plus the opex_change of its funded
measures (geipp_a2f has no links). Instalments are recomputed with the
annuity formula r (1 + r)^n / ((1 + r)^n - 1); the limits of financing.csv
and firms.csv are checked on the financing table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import eipopt

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "geipp_a2f"
TOLERANCE = 1e-3  # VND


@pytest.fixture(scope="module")
def solved():
    scenario = eipopt.load_scenario(SCENARIO)
    return scenario, eipopt.solve(scenario)


def operating_costs(scenario, result, prefix: str) -> pd.Series:
    prices = scenario.resources.set_index("id")[["buy_price", "sell_price", "disposal_cost"]].fillna(0.0)
    flows = result.flows.join(prices, on="resource")
    market = flows[f"{prefix}buy"] * flows["buy_price"] - flows[f"{prefix}sell"] * flows["sell_price"] + flows[f"{prefix}dispose"] * flows["disposal_cost"]
    cost = market.groupby(flows["firm"]).sum()
    if not prefix:  # measures' opex changes of the plan (no existing measures in this scenario)
        measures = result.measures[result.measures["funded"]]
        cost = cost.add(measures.groupby("firm")["opex_change"].sum(), fill_value=0.0)
    return cost


def test_operating_costs_and_savings_recompute(solved):
    scenario, result = solved
    firms = result.tables["firms"].set_index("firm")
    planned, baseline = operating_costs(scenario, result, ""), operating_costs(scenario, result, "baseline_")
    assert firms["operating_cost"].to_dict() == pytest.approx(planned.reindex(firms.index, fill_value=0.0).to_dict(), abs=TOLERANCE)
    assert firms["baseline_operating_cost"].to_dict() == pytest.approx(baseline.reindex(firms.index, fill_value=0.0).to_dict(), abs=TOLERANCE)
    assert (firms["saving"] - (firms["baseline_operating_cost"] - firms["operating_cost"])).abs().max() < TOLERANCE


def test_financing_pays_each_funded_item_exactly_within_the_sources_rules(solved):
    scenario, result = solved
    money = result.tables["financing"]
    sources = scenario.financing.set_index("id")
    measures = result.measures.set_index("id")
    new = measures[measures["new"]]
    paid = money.groupby("item")["amount"].sum()
    assert paid.to_dict() == pytest.approx(new["capex"][new["capex"] > 0].to_dict(), rel=1e-9)
    external = money[money["kind"] != "own"]
    share = external["amount"] / external["item"].map(measures["capex"])
    assert (share <= external["source"].map(sources["max_share"]) + 1e-9).all()
    used = external.groupby("source")["amount"].sum()
    for source, limit in sources["limit"].dropna().items():
        assert used.get(source, 0.0) <= limit * (1 + 1e-9)
    green = external[external["source"] == "green_credit"]
    assert set(green["item"].map(measures["category"])) <= {"energy", "fuel"}
    own = money[money["kind"] == "own"].groupby("owner")["amount"].sum()
    limits = scenario.firms.set_index("id")["equity_limit"]
    assert (own <= own.index.map(limits) * (1 + 1e-9) + TOLERANCE).all()


def test_instalments_firm_totals_and_dscr_recompute(solved):
    scenario, result = solved
    money = result.tables["financing"]
    sources = scenario.financing.set_index("id")
    loans = money[money["kind"] == "loan"]
    rate, years = loans["source"].map(sources["rate"]), loans["source"].map(sources["tenor_years"])
    annuity = rate * (1 + rate) ** years / ((1 + rate) ** years - 1)
    assert (loans["instalment"] - annuity * loans["amount"]).abs().max() < TOLERANCE
    firms = result.tables["firms"].set_index("firm")
    by_kind = money.pivot_table(index="owner", columns="kind", values="amount", aggfunc="sum").reindex(firms.index).fillna(0.0)
    for column, kind in (("own_money", "own"), ("loans", "loan"), ("grants", "grant")):
        assert firms[column].to_dict() == pytest.approx(by_kind.get(kind, 0.0 * by_kind["own"]).to_dict(), abs=TOLERANCE)
    assert firms["capex"].to_dict() == pytest.approx(by_kind.sum(axis=1).to_dict(), abs=TOLERANCE)
    service = loans.groupby("owner")["instalment"].sum().reindex(firms.index, fill_value=0.0)
    assert firms["debt_service"].to_dict() == pytest.approx(service.to_dict(), abs=TOLERANCE)
    indebted = firms[service > 0]
    assert (indebted["dscr"] - indebted["saving"] / service[indebted.index]).abs().max() < 1e-9
    assert (indebted["saving"] >= 1.3 * service[indebted.index] - TOLERANCE).all()  # finance.min_dscr 1.3


def test_summary_extras_are_the_table_totals(solved):
    _, result = solved
    s = result.summary
    money = result.tables["financing"].groupby("kind")["amount"].sum()
    assert s["grant_total"] == pytest.approx(money["grant"])
    assert s["loans_total"] == pytest.approx(money["loan"])
    assert s["own_money_total"] == pytest.approx(money["own"])
    assert s["grant_total"] + s["loans_total"] + s["own_money_total"] + s["equity_total"] == pytest.approx(s["capex_total"])
    assert s["leverage"] == pytest.approx(s["capex_total"] / s["grant_total"])
    assert s["co2_reduction_per_grant"] == pytest.approx(s["co2_reduction"] / s["grant_total"])
