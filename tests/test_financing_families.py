"""Each financing family on a tiny park whose optimum is computed by hand (discount rate 0).

``electricity`` park (:mod:`tests.tiny`): firm F buys 100 MWh at 2/MWh, so its
baseline operating cost is 200/yr. Measure k1 saves 40 MWh (80/yr) for a
capex of 300 over 10 years (30/yr): funded, the park costs 200 - 80 + 30 = 150.
Loans at rate 0 over 5 years: instalment = amount / 5.
"""

from __future__ import annotations

import importlib

import pytest

import eipopt
from eipopt.model.financing import FINANCING_FAMILIES
from tests.tiny import FEED, WASTE, electricity, saving, waste_to_feed

TESTED_FAMILIES = {
    "add_firm_accounts": "test_transfer_price_moves_money_between_firms_not_the_park_cost",
    "add_financing_split": "test_split_between_a_loan_and_own_money",
    "add_source_limits": "test_source_limit",
    "add_equity_limits": "test_equity_limit_without_sources",
    "add_debt_service": "test_dscr_binding_needs_a_grant",
    "add_grant_objective": "test_grant_objective_least_grant_for_a_co2_target",
}

def near(value):
    """pytest.approx within the DSCR rule's numerical slack (baseline costs + 1e-7 relative, see ParkModel)."""
    return pytest.approx(value, rel=1e-5, abs=1e-4)


LOAN = {"id": "bank", "kind": "loan", "rate": 0, "tenor_years": 5}
GRANT = {"id": "window", "kind": "grant", "max_share": 0.5}


def test_every_financing_family_has_a_test():
    names = {family.__name__ for family in FINANCING_FAMILIES}
    assert names == set(TESTED_FAMILIES)
    module = importlib.import_module(__name__)
    assert all(hasattr(module, test) for test in TESTED_FAMILIES.values())


def k1_park(financing=(), firm=None, settings=None, **measure_columns):
    measure, effect = saving("k1", 40, 300, category="energy", **measure_columns)
    return electricity(settings, measures=[measure], effects=[effect], financing=list(financing), firms=[{"id": "F", **(firm or {})}])


def money(result, kind: str) -> float:
    table = result.tables["financing"]
    return float(table.loc[table["kind"] == kind, "amount"].sum())


def test_split_between_a_loan_and_own_money():
    """Equity 50 of capex 300: own money 50, the loan 250 (instalment 250 / 5 = 50/yr); the grant tie-break takes no grant."""
    result = eipopt.solve(k1_park([LOAN, GRANT], firm={"equity_limit": 50}))
    assert result.summary["measures_funded"] == ["k1"]
    assert result.summary["total_cost"] == near(150)
    assert money(result, "own") == near(50)
    assert money(result, "loan") == near(250)
    assert money(result, "grant") == near(0)
    loan = result.tables["financing"].query("kind == 'loan'").iloc[0]
    assert loan["instalment"] == near(50)
    assert result.summary["own_money_total"] == near(50)
    assert result.summary["loans_total"] == near(250)
    assert result.summary["leverage"] is None  # no grant money


def test_max_share_limits_a_source_per_item():
    """Only the grant (at most 50 % = 150 of 300) and equity 100: 150 + 100 < 300, k1 cannot be paid; with equity 150 it can."""
    short = eipopt.solve(k1_park([GRANT], firm={"equity_limit": 100}))
    assert short.summary["measures_funded"] == []
    assert short.summary["total_cost"] == near(200)
    enough = eipopt.solve(k1_park([GRANT], firm={"equity_limit": 150}))
    assert enough.summary["measures_funded"] == ["k1"]
    assert money(enough, "grant") == near(150)
    assert enough.summary["grant_total"] == near(150)
    assert enough.summary["leverage"] == near(300 / 150)
    # CO2e: 100 MWh x 0.5 = 50 t before, 60 x 0.5 = 30 after: 20 t/yr per 150 of grant
    assert enough.summary["co2_reduction_per_grant"] == near(20 / 150)


def test_source_limit():
    """A loan limited to 100: own money >= 200, so equity 200 funds k1 (the loan's 100 used in full) and equity 199 does not."""
    limited = {**LOAN, "limit": 100}
    funded = eipopt.solve(k1_park([limited], firm={"equity_limit": 200}))
    assert funded.summary["measures_funded"] == ["k1"]
    assert money(funded, "loan") == near(100)
    assert money(funded, "own") == near(200)
    assert eipopt.solve(k1_park([limited], firm={"equity_limit": 199})).summary["measures_funded"] == []


def test_equity_limit_without_sources():
    """No source: own money = capex 300; equity 299 cannot pay it (cost stays 200), equity 300 can (cost 150)."""
    assert eipopt.solve(k1_park(firm={"equity_limit": 299})).summary["measures_funded"] == []
    result = eipopt.solve(k1_park(firm={"equity_limit": 300}))
    assert result.summary["total_cost"] == near(150)
    firm = result.tables["firms"].iloc[0]
    assert firm["own_money"] == near(300)
    assert firm["capex"] == near(300)


@pytest.mark.parametrize(
    ("source", "funded"),
    [
        ({"applies_to": "links"}, False),
        ({"applies_to": "measures"}, True),
        ({"categories": "IS"}, False),
        ({"categories": "energy;IS"}, True),
    ],
)
def test_eligibility_by_applies_to_and_categories(source, funded):
    """Equity 50 needs a source for 250 of the 300: only one that may finance an energy measure pays it."""
    scenario = k1_park([{**LOAN, **source}], firm={"equity_limit": 50})
    assert (eipopt.solve(scenario).summary["measures_funded"] == ["k1"]) is funded


def test_a_source_with_a_period_finances_only_items_built_then():
    """Periods 2025-2029 and 2030-2034, equity 50, a loan only in 2030.

    Built in 2025 k1 would save 50/yr for 10 years, in 2030 for 5; without the
    loan's period it is built in 2025, with it in 2030 (the only period in which
    250 of its 300 can be lent).
    """
    settings = {"periods": {"years": [2025, 2030], "end": 2034}}
    free = eipopt.solve(k1_park([LOAN], firm={"equity_limit": 50}, settings=settings))
    assert free.measures.set_index("id").at["k1", "build_period"] == 2025
    late = eipopt.solve(k1_park([{**LOAN, "period": 2030}], firm={"equity_limit": 50}, settings=settings))
    assert late.measures.set_index("id").at["k1", "build_period"] == 2030
    loan = late.tables["financing"].query("kind == 'loan'").iloc[0]
    assert (loan["period"], loan["amount"]) == (2030, near(250))


def test_dscr_not_binding():
    """min_dscr 1.2: the loan of 250 costs 50/yr, saving 80/yr covers it 1.6 times: no grant needed."""
    result = eipopt.solve(k1_park([LOAN, GRANT], firm={"equity_limit": 50, "min_dscr": 1.2}))
    firm = result.tables["firms"].iloc[0]
    assert firm["saving"] == near(80)
    assert firm["debt_service"] == near(50)
    assert firm["dscr"] == near(1.6)
    assert money(result, "grant") == near(0)
    assert result.summary["dscr_rule"] == "applied"


def test_dscr_binding_needs_a_grant():
    """min_dscr 2: instalments <= 80 / 2 = 40/yr, so the loan <= 200; with own money 50 the grant must be >= 50.

    The least-cost plan funds k1, and its least grant is 50: loan 200, own 50, DSCR 80 / 40 = 2.
    """
    result = eipopt.solve(k1_park([LOAN, GRANT], firm={"equity_limit": 50, "min_dscr": 2}))
    assert result.summary["measures_funded"] == ["k1"]
    assert money(result, "grant") == near(50)
    assert money(result, "loan") == near(200)
    assert result.tables["firms"].iloc[0]["dscr"] == near(2)
    without_grant = eipopt.solve(k1_park([LOAN], firm={"equity_limit": 50, "min_dscr": 2}))
    assert without_grant.summary["measures_funded"] == []


def test_scenario_dscr_applies_to_firms_without_their_own():
    """finance.min_dscr 2 in scenario.yaml is F's rule: as in the binding case, the grant is 50."""
    result = eipopt.solve(k1_park([LOAN, GRANT], firm={"equity_limit": 50}, settings={"finance": {"min_dscr": 2}}))
    assert money(result, "grant") == near(50)
    assert result.tables["firms"].iloc[0]["min_dscr"] == 2


def test_grant_objective_least_grant_for_a_co2_target():
    """k1 (40 MWh, capex 300) and k2 (10 MWh, capex 400: 40/yr for 20/yr saved); max_co2 25 t needs both (50 - 20 - 5).

    Saving 50 MWh x 2 = 100/yr; min_dscr 1 -> instalments <= 100/yr -> loan <= 500;
    equity 100 -> grant >= 700 - 500 - 100 = 100, the objective value. Cost
    200 - 100 + 30 + 40 = 170. Leverage 700 / 100 = 7; 25 t/yr per 100 of grant.
    """
    k1, e1 = saving("k1", 40, 300)
    k2, e2 = saving("k2", 10, 400)
    scenario = electricity(
        {"constraints": {"max_co2": 25}}, measures=[k1, k2], effects=[e1, e2],
        financing=[LOAN, {"id": "window", "kind": "grant"}], firms=[{"id": "F", "equity_limit": 100, "min_dscr": 1}],
    )
    result = eipopt.solve(scenario, "grant")
    assert result.summary["objective"] == "grant"
    assert result.summary["objective_value"] == near(100)
    assert result.summary["total_cost"] == near(170)
    assert result.summary["grant_total"] == near(100)
    assert result.summary["loans_total"] == near(500)
    assert result.summary["leverage"] == near(7)
    assert result.summary["co2_reduction_per_grant"] == near(0.25)


def test_grant_objective_without_grant_sources_is_least_cost():
    """No grant source: grant money is 0 and the plan is the least-cost one (cost 150)."""
    result = eipopt.solve(k1_park([LOAN], firm={"equity_limit": 50}), "grant")
    assert result.summary["objective_value"] == 0
    assert result.summary["total_cost"] == near(150)


def test_financing_is_a_transfer_cost_unchanged():
    """Any financing that pays k1 leaves the park's cost at 150 (no interest in the park's cost)."""
    costly_loan = {**LOAN, "rate": 0.2}
    assert eipopt.solve(k1_park([costly_loan])).summary["total_cost"] == near(150)


def waste_park(transfer_price: float, owner: str = "sink", **firm_b):
    """waste_to_feed (tiny.py) with financing on through a large equity limit of A."""
    return waste_to_feed(link={"transfer_price": transfer_price, "owner": owner},
                         firms=[{"id": "A", "equity_limit": 1e6}, {"id": "B", **firm_b}])


def test_transfer_price_moves_money_between_firms_not_the_park_cost():
    """Link A -> B carries 30 t: A disposes of 20 t (200), B buys 60 - 24 = 36 t feed (288).

    The sink owns the link: B pays fixed 30 + variable 30. Park cost 200 + 288 + 60 + 20 capex = 568 at any
    transfer price; at 5/t B pays A 150: A 200 - 150 = 50, B 288 + 60 + 150 = 498. Owned by the source A:
    A 200 + 60 - 150 = 110, B 288 + 150 = 438.
    """
    for price, owner, costs in ((0, "sink", {"A": 200, "B": 348}), (5, "sink", {"A": 50, "B": 498}), (5, "source", {"A": 110, "B": 438})):
        result = eipopt.solve(waste_park(price, owner))
        assert result.summary["total_cost"] == near(568)
        firms = result.tables["firms"].set_index("firm")
        for firm, cost in costs.items():
            assert firms.at[firm, "operating_cost"] == near(cost), (price, owner, firm)
        assert firms.loc[["A", "B"], "baseline_operating_cost"].tolist() == near([500, 480])


def test_dscr_rule_without_loans_keeps_operating_cost_at_baseline():
    """B with min_dscr 0 and no loan: its operating cost may not rise above 480.

    At 5/t it would be 498: the link is not built (cost 980 = 500 + 480). At 4/t it is 288 + 60 + 120 = 468: built.
    """
    blocked = eipopt.solve(waste_park(5, min_dscr=0))
    assert blocked.summary["links_built"] == []
    assert blocked.summary["total_cost"] == near(980)
    assert blocked.summary["financing_warnings"]  # a DSCR rule with no loan source
    assert eipopt.solve(waste_park(4, min_dscr=0)).summary["links_built"] == ["L"]


def test_dscr_per_period_counts_only_loans_still_being_repaid():
    """Periods 2025-2029 and 2030-2034; k1 built in 2025 with a 5-year loan of 250 (instalment 50/yr in 2025-2029).

    In the 2025 period the debt service is 50 and the DSCR 80 / 50 = 1.6; in 2030 the loan is repaid: no debt service.
    """
    settings = {"periods": {"years": [2025, 2030], "end": 2034}}
    result = eipopt.solve(k1_park([LOAN], firm={"equity_limit": 50, "min_dscr": 1.2}, settings=settings))
    firms = result.tables["firms"].set_index("period")
    assert firms.at[2025, "debt_service"] == near(50)
    assert firms.at[2025, "dscr"] == near(1.6)
    assert firms.at[2030, "debt_service"] == 0
    assert firms.at[2030, "saving"] == near(80)


def test_a_plan_that_cannot_be_financed_is_explained():
    """max_co2 30 t needs k1 (50 - 20), but F has own money 100 and no source: infeasible, and the diagnosis names financing."""
    result = eipopt.solve(k1_park(firm={"equity_limit": 100}, settings={"constraints": {"max_co2": 30}}))
    assert result.summary["status"] == "infeasible"
    assert any("financed" in line for line in result.summary["infeasibility"])


def test_outside_equity_pays_without_debt_service():
    """An equity investor (rate 0.1) pays 250 of k1 with own money 50: its required return 25/yr is reported, the DSCR 2 does not count it."""
    investor = {"id": "investor", "kind": "equity", "rate": 0.1}
    result = eipopt.solve(k1_park([investor], firm={"equity_limit": 50, "min_dscr": 2}))
    row = result.tables["financing"].query("kind == 'equity'").iloc[0]
    assert (row["amount"], row["instalment"]) == (near(250), near(25))
    firm = result.tables["firms"].iloc[0]
    assert (firm["equity"], firm["debt_service"]) == (near(250), 0)


def test_dscr_rule_is_lifted_and_said_so_without_a_baseline():
    """Waste A cannot be disposed of (no disposal cost): today's park is infeasible, only the link (capacity 60) takes it.

    There is no baseline operating cost to measure B's saving against: the plan is solved without the DSCR rule and says so.
    """
    no_disposal = {**WASTE, "disposal_cost": ""}
    scenario = waste_to_feed(link={"capacity": 60}, resources=[no_disposal, FEED],
                             firms=[{"id": "A"}, {"id": "B", "min_dscr": 1.5}], financing=[LOAN])
    result = eipopt.solve(scenario)
    assert result.summary["baseline_status"] == "infeasible"
    assert result.summary["links_built"] == ["L"]
    assert result.summary["dscr_rule"].startswith("not applied")
    assert result.tables["firms"]["baseline_operating_cost"].isna().all()
