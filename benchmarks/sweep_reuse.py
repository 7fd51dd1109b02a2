"""Benchmark: build the model once and re-solve every what-if, against rebuilding it per case.

One command (from the repository root, after ``make setup``)::

    .venv/bin/python benchmarks/sweep_reuse.py

It runs the same cases two ways and prints, per scenario, the mean wall time
of a case and where it goes:

- **reuse**: one :class:`eipopt.ScenarioSolver` for all cases, as a sweep worker
  does: the model is built for the first case and re-parameterised after;
- **rebuild**: :func:`eipopt.solve` for each case: build, load into HiGHS, solve.

Both solve each case from its ``with_overrides`` variant with one HiGHS thread,
baseline included (as a sweep does). Scenarios: the shipped ``khanh_phu`` and
``hiep_phuoc`` (where present), varying their first budget's limit, and a
synthetic large park generated into a temporary folder (300 firms, 2,000
candidate links, 1,500 measures by default), varying the electricity price.
A last timing runs the large park's cases as whole sweeps
(:func:`eipopt.sweep.sweep`) with one process and with one per CPU. The figures are recorded
in ``benchmarks/results/sweep_reuse.md`` (``--no-record`` to skip). This is a benchmark, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import yaml
from pyomo.contrib.solver.solvers.highs import Highs

import eipopt

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "sweep_reuse.md"
PARKS = ("khanh_phu", "hiep_phuoc")


class HighsClock:
    """Seconds inside HiGHS itself (``Highs._solve``), to split "solve" into Pyomo's hand-over and HiGHS."""

    seconds = 0.0

    @classmethod
    def install(cls) -> None:
        original = Highs._solve

        def timed(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                cls.seconds += time.perf_counter() - started

        Highs._solve = timed


@dataclass
class Timing:
    """Seconds spent by one approach over all cases, by phase."""

    total: list[float] = field(default_factory=list)
    overrides: list[float] = field(default_factory=list)
    model: list[float] = field(default_factory=list)  # build, or update of the built model
    solve: list[float] = field(default_factory=list)  # Pyomo -> HiGHS and HiGHS, baseline and optimum
    highs: list[float] = field(default_factory=list)  # HiGHS alone
    objective_values: list[float | None] = field(default_factory=list)

    def add(self, started: float, overrides: float, highs: float, result: eipopt.Result) -> None:
        self.total.append(time.perf_counter() - started)
        self.overrides.append(overrides)
        self.model.append(result.summary["build_seconds"])
        self.solve.append(result.summary["solve_seconds"])
        self.highs.append(highs)
        self.objective_values.append(result.summary["objective_value"])

    def mean(self, phase: str) -> float:
        return statistics.fmean(getattr(self, phase))

    @property
    def other(self) -> float:
        """Extraction of results, the result tables, bookkeeping."""
        return self.mean("total") - self.mean("overrides") - self.mean("model") - self.mean("solve")


@dataclass
class Comparison:
    label: str
    size: str
    varied: str
    cases: int
    reuse: Timing
    rebuild: Timing
    rebuilds: int

    @property
    def speedup(self) -> float:
        return self.rebuild.mean("total") / self.reuse.mean("total")

    @property
    def max_objective_difference(self) -> float:
        worst = 0.0
        for a, b in zip(self.reuse.objective_values, self.rebuild.objective_values, strict=True):
            if a is not None and b is not None:
                worst = max(worst, abs(a - b) / max(1.0, abs(b)))
        return worst


def compare(label: str, scenario: eipopt.Scenario, key: str, values: list) -> Comparison:
    """Solve each value of ``key`` both ways, interleaved (so machine load hits both alike)."""
    solver = eipopt.ScenarioSolver(threads=1)
    reuse, rebuild = Timing(), Timing()
    for value in values:
        for timing in (reuse, rebuild):
            started, highs = time.perf_counter(), HighsClock.seconds
            variant = scenario.with_overrides({key: value})
            overrides = time.perf_counter() - started
            result = solver.solve(variant) if timing is reuse else eipopt.solve(variant, threads=1)
            timing.add(started, overrides, HighsClock.seconds - highs, result)
        print(f"  {label} {key}={value:.4g}: reuse {reuse.total[-1]:.2f} s, rebuild {rebuild.total[-1]:.2f} s ({result.status})", flush=True)
    tables = scenario.tables
    size = f"{len(tables['firms'])} firms, {len(tables['links'])} links, {len(tables['measures'])} measures"
    return Comparison(label, size, key, len(values), reuse, rebuild, solver.rebuilds)


def budget_cases(scenario: eipopt.Scenario, count: int) -> tuple[str, list[float]]:
    """The first limited budget from 20 % to 120 % of its limit (or carbon_price if none)."""
    budget = next((b for b in scenario.settings.budgets if b.limit), None)
    if budget is None:
        return "carbon_price", [float(v) for v in range(count)]
    return f"budgets.{budget.id}.limit", [budget.limit * (0.2 + i / max(1, count - 1)) for i in range(count)]


def synthetic_park(folder: Path, *, firms: int, links: int, measures: int, mip_gap: float, seed: int = 7) -> Path:
    """Write a large random park as eipopt's CSV tables: utilities bought, by-products exchanged, RECP measures."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    resources = pd.DataFrame(
        [
            # id, unit, kind, buy_price, sell_price, disposal_cost, buy_ef, disposal_ef
            ("electricity", "MWh", "energy", 2.0e6, "", "", 0.66, 0),
            ("steam", "t", "energy", 6.0e5, "", "", 0.25, 0),
            ("water", "m3", "water", 1.5e4, "", "", 0.0003, 0),
            ("raw_material", "t", "material", 4.0e6, "", "", 0.4, 0),
            ("wastewater", "m3", "waste", "", "", 1.2e4, 0, 0.0005),
            ("waste_heat", "MWh", "energy", "", "", 0, 0, 0),
            ("co2", "t", "emission", "", "", 0, 0, 1.0),
            ("slag", "t", "waste", "", "", 3.0e5, 0, 0.02),
            ("scrap", "t", "material", "", 2.0e6, 2.0e5, 0, 0.05),
        ],
        columns=["id", "unit", "kind", "buy_price", "sell_price", "disposal_cost", "buy_emission_factor", "disposal_emission_factor"],
    )
    resources.to_csv(folder / "resources.csv", index=False)
    firm_ids = [f"f{i:03d}" for i in range(firms)]
    sectors = ["steel", "food", "textile", "chemicals", "paper"]
    pd.DataFrame({"id": firm_ids, "sector": [rng.choice(sectors) for _ in firm_ids]}).to_csv(folder / "firms.csv", index=False)

    flows, generators, demand = [], {}, {}
    by_products = {"wastewater": (1e4, 4e5), "waste_heat": (1e3, 3e4), "co2": (1e3, 5e4), "slag": (1e2, 2e4), "scrap": (1e2, 1e4)}
    for firm in firm_ids:
        for resource, low, high in (("electricity", 1e3, 5e4), ("water", 1e4, 5e5), ("raw_material", 1e3, 5e4)):
            demand[firm, resource] = rng.uniform(low, high)
            flows.append({"firm": firm, "resource": resource, "demand": demand[firm, resource]})
        if rng.random() < 0.6:
            flows.append({"firm": firm, "resource": "steam", "demand": rng.uniform(1e3, 5e4)})
        for resource, (low, high) in by_products.items():
            if rng.random() < 0.5:
                flows.append({"firm": firm, "resource": resource, "generation": rng.uniform(low, high)})
                generators.setdefault(resource, []).append(firm)
    pd.DataFrame(flows).to_csv(folder / "flows.csv", index=False)

    becomes = {"wastewater": "water", "waste_heat": "steam", "co2": "raw_material", "slag": "raw_material", "scrap": "raw_material"}
    rows, seen = [], set()
    while len(rows) < links:
        resource = rng.choice(list(becomes))
        source, sink = rng.choice(generators[resource]), rng.choice(firm_ids)
        if source == sink or (source, sink, resource) in seen:
            continue
        seen.add((source, sink, resource))
        rows.append({
            "id": f"l{len(rows):04d}", "source": source, "sink": sink, "resource": resource, "sink_resource": becomes[resource],
            "yield": round(rng.uniform(0.5, 0.95), 3), "capacity": rng.uniform(1e3, 2e5), "capex": rng.uniform(1e9, 4e10),
            "fixed_opex": rng.uniform(1e7, 5e8), "variable_cost": rng.uniform(0, 2e3), "lifetime_years": 15,
        })
    pd.DataFrame(rows).to_csv(folder / "links.csv", index=False)

    measure_rows, effects = [], []
    for i in range(measures):
        firm, resource = rng.choice(firm_ids), rng.choice(["electricity", "water", "raw_material"])
        measure_rows.append({
            "id": f"m{i:04d}", "firm": firm, "category": resource, "capex": rng.uniform(5e8, 2e10),
            "opex_change": rng.uniform(-1e8, 1e8), "lifetime_years": 10, "group": f"{firm}_{resource}",
        })
        saving = min(rng.uniform(50, 2000), rng.uniform(0.05, 0.4) * demand[firm, resource])  # never below zero demand
        effects.append({"measure": f"m{i:04d}", "resource": resource, "demand_change": -saving})
    pd.DataFrame(measure_rows).to_csv(folder / "measures.csv", index=False)
    pd.DataFrame(effects).to_csv(folder / "measure_effects.csv", index=False)

    settings = {
        "name": "synthetic_large", "currency": "VND", "discount_rate": 0.1, "objective": "cost",
        "budgets": [{"id": "investment", "limit": 5e12, "applies_to": "all"}],
        "solver": {"time_limit": 300, "mip_gap": mip_gap, "threads": 1},
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return folder


def parallel(scenario: eipopt.Scenario, key: str, values: list, workers: int) -> list[tuple[int, float]]:
    """Wall seconds of :func:`eipopt.sweep.sweep` over the same cases with 1 and ``workers`` processes."""
    from eipopt.sweep import sweep

    timings = []
    for count in dict.fromkeys((1, workers)):
        started = time.perf_counter()
        sweep(scenario, {key: values}, workers=count)
        timings.append((count, time.perf_counter() - started))
        print(f"  sweep of {len(values)} cases, {count} worker(s): {timings[-1][1]:.1f} s", flush=True)
    return timings


def report(comparisons: list[Comparison], command: str, mip_gap: float, parallel_runs: tuple[str, int, list] | None = None) -> str:
    """The results as Markdown."""
    lines = [
        "# Sweep benchmark: build once and re-solve vs rebuild per case",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')}).",
        f"Machine: {platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}, "
        f"pyomo {version('pyomo')}, highspy {version('highspy')}; one HiGHS thread per solve.",
        "",
        "Mean seconds per case (each case: `with_overrides`, model, baseline and optimum solves, extraction).",
        "",
        "| scenario | size | varied | cases | rebuild s/case | reuse s/case | speed-up | builds (reuse) | model: build → update | solve: rebuild / reuse | of which HiGHS: rebuild / reuse | overrides | max rel. objective diff. |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in comparisons:
        lines.append(
            f"| {c.label} | {c.size} | `{c.varied}` | {c.cases} | {c.rebuild.mean('total'):.3f} | {c.reuse.mean('total'):.3f} | "
            f"{c.speedup:.2f}× | {c.rebuilds} | {c.rebuild.mean('model'):.3f} → {c.reuse.mean('model'):.3f} | "
            f"{c.rebuild.mean('solve'):.3f} / {c.reuse.mean('solve'):.3f} | {c.rebuild.mean('highs'):.3f} / {c.reuse.mean('highs'):.3f} | "
            f"{c.reuse.mean('overrides'):.3f} | {c.max_objective_difference:.1e} |"
        )
    lines += [
        "",
        "Reuse builds the model once (\"builds\") and updates its parameters for the other cases;",
        "\"model\" is the build (rebuild) or the update (reuse); \"solve\" is Pyomo's hand-over to",
        "HiGHS plus HiGHS itself, \"of which HiGHS\" the time inside HiGHS (MIPs are re-solved from",
        "scratch either way); \"overrides\" is `with_overrides`, the same for both. The large",
        f"park is solved to a relative MIP gap of {mip_gap:g}, so two runs may stop at different",
        "incumbents within that gap.",
    ]
    if parallel_runs:
        label, cases, timings = parallel_runs
        serial = timings[0][1]
        lines += [
            "",
            f"Whole sweeps (`eipopt.sweep.sweep`, {cases} cases of {label}, wall seconds, process start-up included):",
            "",
            "| workers | seconds | speed-up |",
            "|---:|---:|---:|",
            *[f"| {count} | {seconds:.1f} | {serial / seconds:.2f}× |" for count, seconds in timings],
        ]
    return "\n".join(lines) + "\n"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20, help="cases per shipped park (default 20)")
    parser.add_argument("--large-cases", type=int, default=4, help="cases of the large synthetic park (default 4)")
    parser.add_argument("--firms", type=int, default=300)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--measures", type=int, default=1500)
    parser.add_argument("--mip-gap", type=float, default=0.01, help="relative MIP gap of the large park (default 0.01)")
    parser.add_argument("--no-parallel", action="store_true", help="skip the whole-sweep timing (1 process vs one per CPU)")
    parser.add_argument("--no-record", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    HighsClock.install()

    comparisons, parallel_runs = [], None
    for name in PARKS:
        folder = ROOT / "scenarios" / name
        if folder.is_dir():
            scenario = eipopt.load_scenario(folder)
            key, values = budget_cases(scenario, args.cases)
            comparisons.append(compare(name, scenario, key, values))
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_park(Path(tmp) / "large", firms=args.firms, links=args.links, measures=args.measures, mip_gap=args.mip_gap)
        scenario = eipopt.load_scenario(folder)
        prices = [2.0e6 * (0.8 + 0.4 * i / max(1, args.large_cases - 1)) for i in range(args.large_cases)]
        comparisons.append(compare("synthetic large park", scenario, "resources.electricity.buy_price", prices))
        if not args.no_parallel:
            parallel_runs = ("the synthetic large park", len(prices), parallel(scenario, "resources.electricity.buy_price", prices, max(2, _cpus())))

    defaults = all(getattr(args, k) == parser.get_default(k) for k in ("cases", "large_cases", "firms", "links", "measures", "mip_gap", "no_parallel"))
    command = ".venv/bin/python benchmarks/sweep_reuse.py" + ("" if defaults else " (non-default options)")
    publish(report(comparisons, command, args.mip_gap, parallel_runs), RESULTS, record=not args.no_record)


def publish(text: str, path: Path, *, record: bool) -> None:
    """Print a benchmark's Markdown results and, with ``record``, write them to ``path``."""
    print()
    print(text)
    if record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"recorded in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
