"""The financing input: located errors (file, row, column; exit 2), the warning channel, and no financing = today's model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from eipopt.cli import main
from eipopt.model import ScenarioError
from eipopt.model.financing_checks import financing_warnings
from tests.tiny import electricity, saving

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def park(financing, firm=None, settings=None, links=(), profiles=()):
    measure, effect = saving("k1", 40, 300, category="energy")
    return electricity(settings, measures=[measure], effects=[effect], financing=financing, firms=[{"id": "F", **(firm or {})}],
                       links=list(links), profiles=list(profiles))


def problems_of(**kwargs) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        park(**kwargs)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({"id": "x", "kind": "gift"}, "kind", "unknown kind 'gift'"),
        ({"id": "x", "kind": "loan", "rate": 0.05}, "tenor_years", "a loan needs tenor_years > 0"),
        ({"id": "x", "kind": "loan", "rate": 0.05, "tenor_years": 0}, "tenor_years", "must be > 0"),
        ({"id": "x", "kind": "loan", "rate": 5, "tenor_years": 5}, "rate", "above 1"),
        ({"id": "x", "kind": "loan", "rate": -0.1, "tenor_years": 5}, "rate", "must be >= 0"),
        ({"id": "x", "kind": "grant", "max_share": 1.5}, "max_share", "between 0 and 1"),
        ({"id": "x", "kind": "grant", "limit": -1}, "limit", "must be >= 0"),
        ({"id": "x", "kind": "grant", "applies_to": "firms"}, "applies_to", "unknown applies_to 'firms'"),
        ({"id": "x", "kind": "grant", "categories": "solar"}, "categories", "category 'solar'"),
        ({"id": "x", "kind": "grant", "period": 2030}, "period", "needs 'periods'"),
        ({"id": "own", "kind": "grant"}, "id", "reserved"),
        ({"id": "x", "kind": "grant", "rate": 0.02}, "rate", "not repaid"),
    ],
)
def test_bad_financing_rows_are_located(row, column, message):
    found = problems_of(financing=[row])
    assert any(f"financing.csv, row 2, column '{column}'" in p and message in p for p in found), found


def test_firm_columns_are_checked():
    found = problems_of(financing=[], firm={"equity_limit": -5, "min_dscr": -1})
    assert any("firms.csv, row 2, column 'equity_limit'" in p for p in found)
    assert any("firms.csv, row 2, column 'min_dscr'" in p for p in found)


def test_link_owner_is_source_or_sink():
    link = {"id": "L", "source": "F", "sink": "F", "resource": "elec", "capacity": 1, "owner": "city"}
    found = problems_of(financing=[], links=[link])
    assert any("links.csv, row 2, column 'owner'" in p and "unknown owner 'city'" in p for p in found)


def test_a_dscr_rule_with_no_loan_source_is_a_located_warning():
    scenario = park([{"id": "g", "kind": "grant"}], firm={"min_dscr": 1.2}, settings={"finance": {"min_dscr": 1.5}})
    warnings = [str(w) for w in financing_warnings(scenario)]
    assert any("scenario.yaml, column 'finance.min_dscr'" in w for w in warnings)
    assert any("firms.csv, row 2, column 'min_dscr'" in w for w in warnings)
    assert financing_warnings(park([{"id": "b", "kind": "loan", "tenor_years": 5}], firm={"min_dscr": 1.2})) == []


def test_cli_exits_2_on_bad_financing_and_warns_on_stderr(tmp_path):
    folder = tmp_path / "kp"
    shutil.copytree(SCENARIOS / "khanh_phu", folder)
    (folder / "financing.csv").write_text("id,kind,rate,tenor_years\nbank,loan,0.07,\n", encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(main, ["solve", str(folder), "--json"])
    assert bad.exit_code == 2
    assert "financing.csv, row 2, column 'tenor_years'" in json.loads(bad.output)["problems"][0]
    (folder / "financing.csv").write_text("id,kind\nwindow,grant\n", encoding="utf-8")
    warned = runner.invoke(main, ["validate", str(folder), "--set", "finance.min_dscr=1.2"])
    assert warned.exit_code == 0
    assert "Warning: " in warned.stderr
    assert "finance.min_dscr" in warned.stderr


def test_financing_survives_a_workbook_round_trip(tmp_path):
    from eipopt.io import load_scenario, write_scenario

    scenario = park([{"id": "b", "kind": "loan", "rate": 0.05, "tenor_years": 5, "categories": "energy"}], firm={"equity_limit": 50, "min_dscr": 1.2},
                    settings={"finance": {"min_dscr": 1.5}})
    again = load_scenario(write_scenario(scenario, tmp_path / "park.xlsx"))
    assert again.settings.finance.min_dscr == 1.5
    pd.testing.assert_frame_equal(again.financing, scenario.financing)
    pd.testing.assert_frame_equal(again.firms[["equity_limit", "min_dscr"]], scenario.firms[["equity_limit", "min_dscr"]])


def test_plan_wide_financing_numbers_cannot_change_over_time():
    settings = {"periods": {"years": [2025, 2030]}}
    found = problems_of(financing=[{"id": "b", "kind": "loan", "tenor_years": 5, "limit": 100}], firm={"equity_limit": 50}, settings=settings,
                        profiles=[{"key": "financing.b.limit", "period": 2030, "value": 200}, {"key": "firms.F.equity_limit", "period": 2030, "value": 80}])
    assert any("profiles.csv, row 2, column 'key'" in p and "whole plan" in p for p in found), found
    assert any("profiles.csv, row 3, column 'key'" in p and "own money" in p for p in found), found


def test_solve_prints_who_pays_what(tmp_path):
    from eipopt.io import write_scenario

    scenario = park([{"id": "b", "kind": "loan", "rate": 0, "tenor_years": 5}], firm={"name": "Steel mill", "equity_limit": 50, "min_dscr": 1.2})
    result = CliRunner().invoke(main, ["solve", str(write_scenario(scenario, tmp_path / "park"))], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Who pays what" in result.output
    assert "F: Steel mill" in result.output
    assert "DSCR rule: applied" in result.output


def test_cli_accepts_the_grant_objective(tmp_path):
    from eipopt.io import write_scenario

    scenario = park([{"id": "b", "kind": "loan", "rate": 0, "tenor_years": 5}, {"id": "g", "kind": "grant"}], firm={"equity_limit": 0})
    result = CliRunner().invoke(main, ["solve", str(write_scenario(scenario, tmp_path / "park")), "--objective", "grant", "--json"])
    summary = json.loads(result.stdout)
    assert (summary["objective"], summary["status"]) == ("grant", "optimal")
    assert summary["objective_value"] == pytest.approx(0, abs=1e-6)  # the loan pays all: no grant needed
