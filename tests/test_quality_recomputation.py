"""The mixing rule holds on arbitrary scenarios, recomputed from the result tables; and a
scenario without quality tables is solved exactly as before.

The recomputation uses only the input rows (outlets, market concentrations,
limits) and the result tables ``links`` (delivered) and ``flows`` (buy): an
independent check of the ``quality`` table and of the constraint.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pandas as pd
import pytest

import eipopt
from eipopt.model import Scenario
from tests.tiny import make_scenario

ROOT = Path(__file__).resolve().parents[1]
#: shipped scenarios without quality tables (the one with them is tested in test_quality_scenario)
WITHOUT_QUALITY = sorted(p.parent.name for p in (ROOT / "scenarios").glob("*/scenario.yaml") if not (p.parent / "quality.csv").exists())
TOLERANCE = 1e-6


def recompute_inlets(scenario, result) -> pd.DataFrame:
    """Inflow, load and concentration of every limited node, from inputs and result tables only."""
    quality, market = scenario.tables["quality"], scenario.tables["market_quality"]
    outlet = {(f, r, c): v for f, r, c, v in zip(quality["firm"], quality["resource"], quality["contaminant"], quality["outlet"], strict=True) if not math.isnan(v)}
    bought_at = dict(zip(zip(market["resource"], market["contaminant"], strict=True), market["concentration"], strict=True))
    links, flows = result.links, result.flows.set_index(["firm", "resource"])
    rows = []
    for firm, resource, contaminant, limit in zip(quality["firm"], quality["resource"], quality["contaminant"], quality["max_inlet"], strict=True):
        if math.isnan(limit):
            continue
        arriving = links[(links["sink"] == firm) & (links["sink_resource"] == resource)]
        bought = float(flows.at[(firm, resource), "buy"])
        inflow = float(arriving["delivered"].sum()) + bought
        load = sum(d * outlet[(s, r, contaminant)] for s, r, d in zip(arriving["source"], arriving["resource"], arriving["delivered"], strict=True))
        load += bought * bought_at.get((resource, contaminant), 0.0)
        rows.append({"firm": firm, "resource": resource, "contaminant": contaminant, "limit": limit, "inflow": inflow, "load": load})
    return pd.DataFrame(rows)


def assert_mixing_holds(scenario, result) -> int:
    """Every limited node's recomputed inlet concentration is within its limit and equals the quality table's."""
    recomputed = recompute_inlets(scenario, result)
    reported = result.quality.set_index(["firm", "resource", "contaminant"])
    for row in recomputed.itertuples():
        assert row.load <= row.limit * row.inflow + TOLERANCE * max(1.0, row.limit * row.inflow)
        shown = reported.loc[(row.firm, row.resource, row.contaminant)]
        assert shown["inflow"] == pytest.approx(row.inflow, abs=1e-6)
        if row.inflow > TOLERANCE:
            assert shown["inlet_concentration"] == pytest.approx(row.load / row.inflow, rel=1e-6, abs=1e-6)
    return len(recomputed)


def random_network(seed: int):
    """2-4 wastewater sources and 2-4 water users, every source linked to every user, a treatment plant,
    one or two contaminants, fresh water dirtier than 0 but within every limit (so it is feasible)."""
    rng = random.Random(seed)
    contaminants = ["COD", "TDS"][: rng.randint(1, 2)]
    sources = [f"S{i}" for i in range(rng.randint(2, 4))]
    sinks = [f"D{i}" for i in range(rng.randint(2, 4))]
    fresh = {c: rng.uniform(0, 10) for c in contaminants}
    resources = [
        {"id": "water", "unit": "m3", "kind": "water", "buy_price": 1},
        {"id": "ww", "unit": "m3", "kind": "water", "disposal_cost": 0},
        {"id": "treated", "unit": "m3", "kind": "water", "disposal_cost": 0},
    ]
    flows = [{"firm": s, "resource": "ww", "generation": rng.randint(10, 100)} for s in sources]
    flows += [{"firm": d, "resource": "water", "demand": rng.randint(10, 100)} for d in sinks]
    links = [
        {"id": f"{s}_{d}", "source": s, "sink": d, "resource": "ww", "sink_resource": "water", "capacity": 1000, "existing": "true",
         "yield": rng.choice([1, 0.9])}
        for s in sources for d in sinks
    ]
    links += [{"id": f"{s}_T", "source": s, "sink": "T", "resource": "ww", "sink_resource": "treated", "capacity": 1000, "existing": "true", "variable_cost": 0.2} for s in sources]
    links += [{"id": f"T_{d}", "source": "T", "sink": d, "resource": "treated", "sink_resource": "water", "capacity": 1000, "existing": "true"} for d in sinks]
    quality = [{"firm": s, "resource": "ww", "contaminant": c, "outlet": round(rng.uniform(0, 500), 1), "unit": "mg/L"} for s in sources for c in contaminants]
    quality += [{"firm": "T", "resource": "treated", "contaminant": c, "outlet": round(rng.uniform(0, 20), 1)} for c in contaminants]
    quality += [{"firm": d, "resource": "water", "contaminant": c, "max_inlet": round(rng.uniform(fresh[c], 300), 1)} for d in sinks for c in contaminants]
    market = [{"resource": "water", "contaminant": c, "concentration": round(v, 2)} for c, v in fresh.items()]
    firms = [{"id": f} for f in [*sources, *sinks, "T"]]
    return make_scenario(resources=resources, firms=firms, flows=flows, links=links, quality=quality, market_quality=market)


@pytest.mark.parametrize("seed", range(8))
def test_every_inlet_recomputed_from_the_tables_is_within_its_limit(seed):
    scenario = random_network(seed)
    result = eipopt.solve(scenario, baseline=False)
    assert result.status == "optimal"
    assert assert_mixing_holds(scenario, result) > 0


# --- scenarios without quality tables ---------------------------------------------------------------

def with_idle_quality(scenario) -> Scenario:
    """The scenario with an outlet at every link's source and a limit no mix reaches at every link's sink."""
    links = scenario.links
    sink_resources = links["sink_resource"].where(links["sink_resource"] != "", links["resource"])
    rows: dict[tuple, dict] = {}
    for source, resource in zip(links["source"], links["resource"], strict=True):
        rows.setdefault((source, resource), {})["outlet"] = "1"
    for sink, resource in zip(links["sink"], sink_resources, strict=True):
        rows.setdefault((sink, resource), {})["max_inlet"] = "1000000"
    frame = pd.DataFrame([{"firm": f, "resource": r, "contaminant": "TDS", "outlet": "", "max_inlet": "", **v} for (f, r), v in rows.items()])
    frame.index = range(2, len(frame) + 2)
    return Scenario.from_raw(scenario.settings.to_dict(), {**scenario.raw_tables(), "quality": frame}, scenario.sources)


@pytest.mark.parametrize("name", WITHOUT_QUALITY)
def test_a_scenario_without_quality_tables_is_solved_as_before(name):
    """No quality rows: no mixing constraint and no quality tables; limits that never bind give the same optimum."""
    scenario = eipopt.load_scenario(ROOT / "scenarios" / name)
    plain = eipopt.solve(scenario)
    assert "quality" not in plain.tables
    assert "link_quality" not in plain.tables
    assert eipopt.model.build_model(scenario).model.component("quality_mixing") is None
    if len(scenario.links) == 0:
        return
    idle = eipopt.solve(with_idle_quality(scenario))
    assert idle.status == plain.status
    # equal up to the solver's gap: two MIP solves stopped within a gap may stop at different plans,
    # so only proven optima (gap ~ 0) are compared in every figure
    proven = max(idle.summary["mip_gap"] or 0.0, plain.summary["mip_gap"] or 0.0) < 1e-9
    keys = ("objective_value", "total_cost", "total_co2", "baseline_cost", "baseline_co2") if proven else ("objective_value", "baseline_cost")
    for key in keys:
        assert idle.summary[key] == pytest.approx(plain.summary[key], rel=1e-9 if proven else scenario.settings.solver.mip_gap, abs=1e-6)
    assert not idle.quality["binding"].any()
