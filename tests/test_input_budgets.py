"""Budgets mean what they say, for every state of an item: existing, ruled out (allowed=false),
forced and forbidden for one solve, and tiers of an existing link.

Park (tests.tiny, discount rate 0): F buys 100 MWh at 2/MWh (baseline cost 200).
m1 saves 40 MWh for capex 100 (10/yr), m2 saves 60 MWh for capex 300 (30/yr).
m1 alone costs 120 + 10 = 130, m2 alone 80 + 30 = 110, both 0 + 40 = 40.
A measures budget of 350 holds m2 (300) or m1 (100), not both (400).
"""

from __future__ import annotations

import pytest

import eipopt
from eipopt.api import ScenarioSolver
from eipopt.model import ScenarioError
from tests.tiny import electricity, saving, waste_to_feed

BUDGET = {"id": "b", "limit": 350, "applies_to": "measures"}


def _park(m1: dict | None = None, m2: dict | None = None, budget: dict = BUDGET, **tables):
    first, e1 = saving("m1", 40, 100, **(m1 or {}))
    second, e2 = saving("m2", 60, 300, **(m2 or {}))
    return electricity(settings={"budgets": [budget]}, measures=[first, second], effects=[e1, e2], **tables)


def _funded(result) -> set[str]:
    measures = result.tables["measures"]
    return set(measures.loc[measures["funded"].astype(bool), "id"])


def test_new_items_draw_their_capex():
    """Reference: m2 (300) fits, m1 + m2 (400) does not: cost 110, used 300."""
    result = eipopt.solve(_park())
    assert result.summary["total_cost"] == pytest.approx(110)
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(300)


def test_existing_item_draws_nothing():
    """m2 exists (capex sunk): the whole 350 is left for m1 (100): both operate, cost 10, used 100."""
    result = eipopt.solve(_park(m2={"existing": "true"}))
    assert result.summary["total_cost"] == pytest.approx(10)
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(100)


def test_existing_item_in_budget_use_is_invalid():
    """Listed in budget_use it would draw nothing and switch the budget's capex draws off: refused."""
    use = [{"item": "m2", "budget": "b", "amount": 300}]
    with pytest.raises(ScenarioError) as caught:
        _park(m2={"existing": "true"}, budget_use=use)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("budget_use.csv", 2, "item")
    assert "draws nothing from a budget" in problem.message


def test_ruled_out_item_draws_nothing_even_when_listed_in_budget_use():
    """m2 allowed=false with a grant row of 260: only m1 (row 50) is funded: cost 130, used 50."""
    use = [{"item": "m1", "budget": "grant", "amount": 50}, {"item": "m2", "budget": "grant", "amount": 260}]
    result = eipopt.solve(_park(m2={"allowed": "false"}, budget={"id": "grant", "limit": 300}, budget_use=use))
    assert _funded(result) == {"m1"}
    assert result.summary["total_cost"] == pytest.approx(130)
    assert result.summary["budgets"]["grant"]["used"] == pytest.approx(50)


def test_forced_item_draws_its_capex():
    """m1 forced takes 100 of 350; m2 (300) no longer fits: cost 130, used 100."""
    result = ScenarioSolver().solve(_park(), force=["m1"])
    assert _funded(result) == {"m1"}
    assert result.summary["total_cost"] == pytest.approx(130)
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(100)


def test_forced_items_beyond_the_limit_are_infeasible():
    """m1 + m2 forced draw 400 > 350: no plan, exit code 3."""
    result = ScenarioSolver().solve(_park(), force=["m1", "m2"])
    assert result.summary["status"] == "infeasible"
    assert result.exit_code == 3


def test_forbidden_item_draws_nothing():
    """m2 forbidden for this solve: m1 alone, cost 130, used 100."""
    result = ScenarioSolver().solve(_park(), forbid=["m2"])
    assert _funded(result) == {"m1"}
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(100)


@pytest.mark.parametrize(("columns", "forbid", "force"), [({"existing": "true"}, ["m2"], []), ({"allowed": "false"}, [], ["m2"])])
def test_existing_cannot_be_forbidden_nor_ruled_out_forced(columns, forbid, force):
    with pytest.raises(ValueError, match="cannot be"):
        ScenarioSolver().solve(_park(m2=columns), forbid=forbid, force=force)


@pytest.mark.parametrize(("limit", "built", "used"), [(50, False, 0), (150, True, 100)])
def test_tier_of_an_existing_link_draws_its_capex(limit, built, used):
    """The link exists (capex sunk); its tier adds 10 t for capex 100 (10/yr) and saves 154/yr,
    so it is built when the budget holds 100 and not under 50."""
    tiers = [{"link": "L", "tier": "t1", "capacity_added": 10, "capex": 100}]
    result = eipopt.solve(waste_to_feed(settings={"budgets": [{"id": "b", "limit": limit}]}, link={"existing": "true"}, link_tiers=tiers))
    assert bool(result.tables["tiers"]["built"].iloc[0]) is built
    assert result.summary["budgets"]["b"]["used"] == pytest.approx(used)
