"""A what-if's model data, derived from its parent's for the changed cells only, equals a full recomputation.

The reference is ``model_data``'s full computation of the overridden scenario
(``_computed``: every table read again). Each case is a seeded random set of
overrides on a shipped scenario, drawn from the cells and settings the
derivation knows (``FEEDS``: prices, limits, capex and lifetimes ...) and, in
some cases, one it does not (the discount rate): then the full computation
must be the one used.
"""

from __future__ import annotations

import math
import pickle
import random

import pytest

import eipopt
from eipopt.model.data import _computed, model_data
from eipopt.model.data_changes import FEEDS, SETTINGS, derived_data
from eipopt.model.schema import row_id
from tests.conftest import SCENARIOS

SHIPPED = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").exists())
CASES_PER_SCENARIO = 4


def known_overrides(scenario) -> list[tuple[str, float]]:
    """(key, current value) of every number FEEDS knows how to pass on: table cells, budget limits, the carbon price."""
    keys = [(f"budgets.{b.id}.limit", b.limit) for b in scenario.settings.budgets if b.limit is not None]
    keys.append(("carbon_price", scenario.settings.carbon_price))
    for (table, column) in FEEDS:
        if table == SETTINGS:
            continue
        df = scenario.tables[table]
        for _, row in df.iterrows():
            if not math.isnan(row[column]):
                keys.append((f"{table}.{row_id(table, row)}.{column}", float(row[column])))
    return keys


def same_data(ours, theirs) -> None:
    assert ours.sets == theirs.sets
    assert ours.params.keys() == theirs.params.keys()
    for name, values in theirs.params.items():
        assert ours.params[name].keys() == values.keys(), name
        for key, value in values.items():
            mine = ours.params[name][key]
            assert mine == value or (math.isnan(mine) and math.isnan(value)), f"{name}[{key}]: {mine} != {value}"


@pytest.mark.parametrize("name", SHIPPED)
def test_derived_model_data_equals_a_full_recomputation(name):
    """Seeded random what-ifs (numbers scaled by 0.5-1.5, a number set to 0) on every shipped scenario.

    Demands and generation only grow (by up to 1.5): a smaller one may fall below a measure's cut, which is invalid.
    """
    scenario = eipopt.load_scenario(SCENARIOS / name)
    model_data(scenario)  # the parent's data, as a built model has it
    candidates = known_overrides(scenario)
    rng = random.Random(f"data-{name}")
    derived = 0
    for case in range(CASES_PER_SCENARIO):
        overrides = {key: value * rng.uniform(1.0 if key.startswith("flows.") else 0.5, 1.5)
                     for key, value in rng.sample(candidates, min(3, len(candidates)))}
        key, _ = rng.choice([c for c in candidates if not c[0].startswith("flows.") and not c[0].endswith(".lifetime_years")])
        overrides[key] = 0.0  # a lifetime must stay positive
        unknown = case == CASES_PER_SCENARIO - 1
        if unknown:  # the discount rate annualises every capex: not in FEEDS
            overrides["discount_rate"] = scenario.settings.discount_rate * 1.1 or 0.05
        variant = scenario.with_overrides(overrides)
        shortcut = derived_data(variant, lambda parent: model_data(parent))
        if unknown:
            assert shortcut is None, "a discount rate change must fall back to the full computation"
        elif not len(scenario.profiles):
            assert shortcut is not None, f"case {case}: {overrides} should be derived"
            derived += 1
        same_data(model_data(variant), _computed(variant))
    assert derived or len(scenario.profiles), "no case took the derived path"


def test_a_chain_of_what_ifs_and_a_pickled_one():
    """A what-if of a what-if derives from its parent; a pickled what-if has no parent and is computed in full, equally."""
    scenario = eipopt.load_scenario(SCENARIOS / "hiep_phuoc")
    first = scenario.with_overrides({"resources.electricity.buy_price": 2.0e6})
    second = first.with_overrides({"carbon_price": 12.0, "budgets.tenant_recp.limit": 7e9})
    model_data(scenario)
    model_data(first)
    assert derived_data(second, lambda parent: model_data(parent)) is not None
    same_data(model_data(second), _computed(second))
    copied = pickle.loads(pickle.dumps(second))
    assert copied.origin is None
    same_data(model_data(copied), model_data(second))


@pytest.mark.parametrize(("name", "overrides", "draws"), [
    # the CO2 link (not existing) and its tier draw their capex from the 'investment' budget (applies_to: all)
    ("khanh_phu", {"links.co2_offgas_to_liquid.capex": 1.2e11}, {("investment", "co2_offgas_to_liquid"): 1.2e11}),
    ("khanh_phu", {"links.co2_offgas_to_liquid.lifetime_years": 20}, {}),
    ("khanh_phu", {"link_tiers.co2_offgas_to_liquid:expand_12000.capex": 9e10},
     {("investment", "co2_offgas_to_liquid:expand_12000"): 9e10}),
    ("hiep_phuoc", {"measures.hp_steel_rolling_e02.capex": 2e9, "measures.hp_steel_rolling_e01.lifetime_years": 7}, {}),
    # an existing measure's capex is sunk: no annual payment, no draw, whatever its capex
    ("deep_c", {"measures.dc_magnets_e01.capex": 9e8}, {}),
])
def test_capex_and_lifetime_what_ifs_are_derived(name, overrides, draws):
    """A capex or lifetime what-if recomputes only its item's capex, annual payment and budget draws; equal to the full computation.

    By hand for Khanh Phu (discount rate from its settings, r): the link's annual payment is
    capex * CRF(r, lifetime), and its tier's is the tier's capex at the link's lifetime.
    """
    scenario = eipopt.load_scenario(SCENARIOS / name)
    model_data(scenario)
    variant = scenario.with_overrides(overrides)
    derived = derived_data(variant, lambda parent: model_data(parent))
    assert derived is not None
    same_data(derived, _computed(variant))
    (period,) = derived.sets["periods"]
    for (budget, item), amount in draws.items():
        assert derived.params["budget_draw"][(budget, item, period)] == amount
    if name == "deep_c":
        assert derived.params["measure_annualised_capex"][("dc_magnets_e01", period)] == 0.0
        assert not any(item == "dc_magnets_e01" for _, item, _ in derived.params["budget_draw"])
    if name == "khanh_phu":
        rate, link = variant.settings.discount_rate, variant.links.iloc[0]
        crf = rate * (1 + rate) ** link["lifetime_years"] / ((1 + rate) ** link["lifetime_years"] - 1)
        assert derived.params["link_annualised_capex"][("co2_offgas_to_liquid", period)] == pytest.approx(link["capex"] * crf)
        tier_capex = variant.link_tiers["capex"].iloc[0]
        assert derived.params["tier_annualised_capex"][("co2_offgas_to_liquid", "expand_12000", period)] == pytest.approx(tier_capex * crf)
