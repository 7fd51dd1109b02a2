"""An override re-runs only the validation rules that read what it touches, and reports what a fresh load would.

The reference is independent of the shortcut: the same cells are written into
the text of every table (settings into the settings mapping) and the whole
scenario is typed and validated from scratch, as loading edited files does.
Its problems at an overridden cell are expected at the override (file
``override``, column = the key), as :meth:`Scenario.with_overrides` locates
them; every other problem (a rule spanning tables, flagging another row) is
expected where the fresh load puts it.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

import eipopt
from eipopt.model.errors import Problem, ScenarioError
from eipopt.model.scenario import Scenario
from eipopt.model.schema import row_id
from eipopt.model.settings import SETTINGS_FILE, override_settings
from eipopt.model.validation import CHECKS, check_profile_values
from eipopt.model.validation_reads import READS
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").exists())

#: (table, column, bad value, or None for "this row's own id": a requires cycle of one)
BAD_CELLS = (
    ("measures", "capex", -1.0),
    ("measures", "lifetime_years", 0.0),
    ("measures", "requires", "no_such_item"),
    ("measures", "requires", None),
    ("links", "capacity", -5.0),
    ("links", "lifetime_years", 1e-9),  # annual capex beyond what the solver accepts, where capex > 0
    ("links", "capacity_unit", "furlong"),
    ("links", "operating_hours", 9000.0),
    ("links", "kind", "XX"),
    ("links", "source", "no_such_firm"),
    ("resources", "kind", "plasma"),
    ("resources", "unit", "bananas"),
    ("resources", "buy_price", "cheap"),
    ("flows", "demand", -3.0),
    ("measure_effects", "demand_change", -1e12),
    ("link_tiers", "capex", -2.0),
)
#: settings that break rules reading them (hours_per_year below a link's operating hours, ...)
BAD_SETTINGS = (("hours_per_year", 100.0), ("discount_rate", -0.5), ("carbon_price", "dear"))
CASES_PER_SCENARIO = 4


def rows_of(scenario, table: str) -> list[str]:
    return [row_id(table, row) for _, row in scenario.tables[table].iterrows()]


def random_overrides(scenario, rng: random.Random) -> dict:
    """One to three bad cells or settings, and sometimes a valid budget change beside them."""
    overrides: dict = {}
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.2:
            key, value = rng.choice(BAD_SETTINGS)
            overrides[key] = value
            continue
        table, column, value = rng.choice([cell for cell in BAD_CELLS if len(scenario.tables[cell[0]])])
        item = rng.choice(rows_of(scenario, table))
        overrides[f"{table}.{item}.{column}"] = item if value is None else value
    budgets = [b for b in scenario.settings.budgets if b.limit]
    if budgets and rng.random() < 0.5:
        overrides[f"budgets.{budgets[0].id}.limit"] = budgets[0].limit * 2
    elif budgets and rng.random() < 0.5:  # a budget field no table rule reads, checked with the settings
        overrides[f"budgets.{budgets[0].id}.applies_to"] = rng.choice(["everything", "links"])
    return overrides


def fresh_load_outcome(scenario, overrides: dict) -> tuple[Counter, tuple]:
    """Problems (located at the overrides where they are about an overridden cell) and warnings of a fresh load."""
    raw, settings = scenario.raw_tables(), scenario.settings.to_dict()
    at_override: dict[tuple, str] = {}
    for key, value in overrides.items():
        table = key.split(".", 1)[0]
        if table in raw:
            item, column = key.split(".", 1)[1].rsplit(".", 1)
            index = scenario.tables[table].index[rows_of(scenario, table).index(item)]
            raw[table].loc[index, column] = value if isinstance(value, str) else repr(value)
            at_override[(scenario.sources[table], index, column)] = key
        else:
            assert override_settings(settings, key, value) == []
            at_override[(SETTINGS_FILE, None, key)] = key
    try:
        fresh = Scenario.from_raw(settings, raw, scenario.sources)
    except ScenarioError as error:
        located = [
            Problem("override", p.message, column=at_override[(p.file, p.row, p.column)]) if (p.file, p.row, p.column) in at_override else p
            for p in error.problems
        ]
        return Counter(located), ()
    return Counter(), fresh.warnings


def override_outcome(scenario, overrides: dict) -> tuple[Counter, tuple]:
    try:
        variant = scenario.with_overrides(overrides)
    except ScenarioError as error:
        return Counter(error.problems), ()
    return Counter(), variant.warnings


@pytest.mark.parametrize("name", SHIPPED)
def test_bad_overrides_report_what_a_fresh_load_reports(name):
    """Seeded random bad cells and settings: the same located problems as loading the edited scenario afresh."""
    scenario = eipopt.load_scenario(SCENARIOS / name)
    assert scenario.validated
    rng = random.Random(f"touched-{name}")
    for case in range(CASES_PER_SCENARIO):
        overrides = random_overrides(scenario, rng)
        ours, expected = override_outcome(scenario, overrides), fresh_load_outcome(scenario, overrides)
        assert ours == expected, f"{name} case {case}: {overrides}"
        assert ours[0], f"{name} case {case}: a bad override was accepted: {overrides}"


def test_a_rule_spanning_tables_runs_when_one_of_its_tables_is_touched():
    """A lower demand makes a measure's cut exceed it: the problem is on measure_effects, a table the override did not touch.

    Hiep Phuoc's measures cut electricity demands; setting the demand of the
    node a cut applies to below the cut must be reported on the effect's row
    (and on any other cut larger than the new demand).
    """
    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    effects = scenario.measure_effects
    firm_of = dict(zip(scenario.measures["id"], scenario.measures["firm"], strict=True))
    cut = effects[effects["demand_change"] < 0].iloc[0]
    node = f"{firm_of[cut['measure']]}:{cut['resource']}"
    with pytest.raises(ScenarioError) as raised:
        scenario.with_overrides({f"flows.{node}.demand": -cut["demand_change"] / 2})
    problems = raised.value.problems
    assert problems
    assert {(p.file, p.column) for p in problems} == {(scenario.sources["measure_effects"], "demand_change")}
    assert all("below zero" in p.message for p in problems)


def test_every_check_declares_what_it_reads():
    """A rule added to CHECKS without an entry in READS would never run again after an override."""
    assert set(READS) == {*CHECKS, check_profile_values}


def test_a_scenario_not_made_by_from_raw_is_validated_whole():
    """Typed tables put together by hand were never checked: an override on them runs every rule."""
    loaded = eipopt.load_scenario(SCENARIOS / "khanh_phu")
    links = loaded.links.copy()
    links.loc[links.index[0], "capacity"] = -1.0  # a problem no override touches
    by_hand = Scenario(loaded.settings, {**loaded.tables, "links": links}, loaded.sources)
    assert not by_hand.validated
    with pytest.raises(ScenarioError, match="must be >= 0"):
        by_hand.with_overrides({"carbon_price": 5.0})
