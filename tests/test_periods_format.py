"""The periods format: ``periods`` in scenario.yaml, ``profiles.csv``, budgets with ``period``; their validation."""

from __future__ import annotations

import pytest

from eipopt.io import load_scenario, write_scenario
from eipopt.model import ScenarioError
from eipopt.model.periods import horizon, period_scenarios
from tests.tiny import waste_to_feed

PERIODS = {"periods": {"years": [2025, 2030], "end": 2034}}


def _problems(settings: dict, **tables) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        waste_to_feed(settings, **tables)
    return [str(p) for p in caught.value.problems]


def test_horizon_years_and_discount_weights():
    """2025-2029 and 2030-2034 at r = 10%: weights sum 1.1^-k for k = 0..4 (4.1699) and 5..9 (2.5892)."""
    scenario = waste_to_feed({**PERIODS, "discount_rate": 0.1})
    first, second = horizon(scenario.settings)
    assert (first.first_year, first.last_year, first.n_years) == (2025, 2029, 5)
    assert (second.first_year, second.last_year, second.n_years) == (2030, 2034, 5)
    assert first.discount_weight == pytest.approx(sum(1.1**-k for k in range(5)))
    assert second.discount_weight == pytest.approx(sum(1.1**-k for k in range(5, 10)))


def test_end_defaults_to_the_last_start_year():
    """``years: [2030]`` is one period of one year, weight 1."""
    (only,) = horizon(waste_to_feed({"periods": {"years": [2030]}}).settings)
    assert (only.first_year, only.last_year, only.discount_weight) == (2030, 2030, 1.0)


def test_profiles_hold_from_their_period_until_the_next_row():
    """capex 200 in 2025, 120 from 2030 (row), 90 from 2035; carbon price 5 from 2030 only."""
    scenario = waste_to_feed(
        {"periods": {"years": [2025, 2030, 2035, 2040]}},
        profiles=[
            {"key": "links.L.capex", "period": 2035, "value": 90},
            {"key": "links.L.capex", "period": 2030, "value": 120},
            {"key": "carbon_price", "period": 2030, "value": 5},
        ],
    )
    in_force = [(p.start, s.links.at[2, "capex"], s.settings.carbon_price) for p, s in period_scenarios(scenario)]
    assert in_force == [(2025, 200, 0), (2030, 120, 5), (2035, 90, 5), (2040, 90, 5)]


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ({"years": [2030, 2025]}, "column 'periods.years': start years must be strictly increasing"),
        ({"years": [2025, 2025.5]}, "column 'periods.years': start years must be whole numbers"),
        ({"years": []}, "column 'periods.years': a non-empty list of start years is required"),
        ({"years": [2030], "end": 2029}, "column 'periods.end': end 2029 is before the last period's start 2030"),
        ({"years": [2030], "until": 2040}, "column 'periods.until': unknown key"),
    ],
)
def test_invalid_periods_are_located(periods, expected):
    assert any(expected in p for p in _problems({"periods": periods}))


def test_budget_period_must_be_a_start_year():
    problems = _problems({**PERIODS, "budgets": [{"id": "y2031", "limit": 5, "period": 2031}]})
    assert problems == ["scenario.yaml, column 'budgets.y2031.period': period 2031 is not a start year of periods.years [2025, 2030]"]
    problems = _problems({"budgets": [{"id": "b", "limit": 5, "period": 2030}]})
    assert problems == ["scenario.yaml, column 'budgets.b.period': a budget period needs 'periods' in scenario.yaml"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"key": "links.L.capex", "period": 2031, "value": 1}, "row 2, column 'period': 2031 is not a start year"),
        ({"key": "links.X.capex", "period": 2030, "value": 1}, "row 2, column 'key': no row 'X' in links"),
        ({"key": "links.L.existing", "period": 2030, "value": 1}, "row 2, column 'key': 'links.existing' is not a numeric column"),
        ({"key": "links.L.colour", "period": 2030, "value": 1}, "row 2, column 'key': table 'links' has no column 'colour'"),
        ({"key": "discount_rate", "period": 2030, "value": 0.1}, "row 2, column 'key': 'discount_rate' cannot change over time"),
        ({"key": "budgets.b.limit", "period": 2030, "value": 1}, "cannot change over time: give a budget per period"),
        ({"key": "carbon_pryce", "period": 2030, "value": 1}, "row 2, column 'key': not a numeric override key"),
        ({"key": "resources.feed.sell_price", "period": 2030, "value": 1}, "the cell resources.feed.sell_price is blank"),
        ({"key": "links.L.capex", "period": 2030, "value": "cheap"}, "row 2, column 'value': 'cheap' is not a number"),
        ({"key": "links.L.capex", "period": 2030, "value": -5}, "row 2, column 'value': from period 2030: links.csv, row 2, column 'capex': must be >= 0, got -5"),
        ({"key": "links.L.lifetime_years", "period": 2030, "value": 0}, "row 2, column 'value': from period 2030: links.csv, row 2, column 'lifetime_years': must be > 0"),
        ({"key": "constraints.min_symbiosis_links", "period": 2030, "value": 1.5}, "row 2, column 'value': from period 2030: scenario.yaml, column 'constraints.min_symbiosis_links': '1.5' is not a whole number"),
        ({"key": "hours_per_year", "period": 2030, "value": 9000}, "row 2, column 'value': from period 2030: scenario.yaml, column 'hours_per_year': must be in (0, 8784]"),
        ({"key": "flows.A:waste.generation", "period": 2030, "value": -1}, "row 2, column 'value': from period 2030: flows.csv, row 2, column 'generation': must be >= 0"),
    ],
)
def test_invalid_profile_rows_are_located(row, expected):
    problems = _problems(PERIODS, profiles=[row])
    assert any(p.startswith("profiles.csv, ") and expected in p for p in problems), problems


def test_profiles_need_periods():
    problems = _problems({}, profiles=[{"key": "carbon_price", "period": 2030, "value": 1}])
    assert problems == ["profiles.csv: profiles need 'periods' in scenario.yaml (periods: {years: [...], end: YEAR})"]


@pytest.mark.parametrize("target", ["folder", "park.xlsx"])
def test_periods_profiles_and_budget_periods_round_trip(tmp_path, target):
    """Written as a folder or a workbook and read back: same periods, budgets and profiles."""
    scenario = waste_to_feed(
        {**PERIODS, "budgets": [{"id": "early", "limit": 150, "period": 2025}, {"id": "all", "limit": 400}]},
        profiles=[{"key": "links.L.capex", "period": 2030, "value": 120}],
    )
    again = load_scenario(write_scenario(scenario, tmp_path / target))
    assert again.settings.periods == scenario.settings.periods
    assert again.settings.budgets == scenario.settings.budgets
    assert again.profiles[["key", "period", "value"]].values.tolist() == [["links.L.capex", 2030.0, 120.0]]


def test_a_profile_value_is_an_override_key_itself():
    """``profiles.KEY:PERIOD.value`` changes one profile row (a sweep over a future price or capex)."""
    scenario = waste_to_feed(PERIODS, profiles=[{"key": "links.L.capex", "period": 2030, "value": 120}])
    changed = scenario.with_overrides({"profiles.links.L.capex:2030.value": 90})
    assert [s.links.at[2, "capex"] for _, s in period_scenarios(changed)] == [200, 90]


@pytest.mark.parametrize("text", ["2025;2030", "2025, 2030", "[2025, 2030]"])
def test_years_as_text(text):
    """A workbook cell or ``--set periods.years=...`` gives the years as text."""
    scenario = waste_to_feed().with_overrides({"periods.years": text, "periods.end": "2034"})
    assert scenario.settings.periods.years == (2025, 2030)
