"""Benchmark: build and solve time against the number of periods.

One command (from the repository root, after ``make setup``)::

    .venv/bin/python -m benchmarks.periods_scaling     # or: make bench-periods

Each park is solved as a horizon of 1, 5 and 20 yearly periods (2025 on), in
one run, and the times are printed side by side with their ratio to one
period. Parks: the shipped ``deep_c`` pilot park and a large synthetic park
(:func:`benchmarks.sweep_reuse.synthetic_park`: 300 firms, 2,000 candidate
links, 1,500 measures by default). So that the periods differ, the
electricity price rises 2 % a year (``profiles.csv`` rows); the budgets hold
over the whole horizon.

Per case it measures: the model build (:func:`eipopt.model.build_model`,
timed on its own, best of two, with the model's size) and the solve
(:func:`eipopt.solve`: baseline and optimum with one HiGHS thread; its status
and gap are reported as HiGHS gives them). The build should grow about
linearly with the number of periods; ``--profile`` prints where the build
time of the largest case goes (cProfile). The figures are recorded in
``benchmarks/results/periods_scaling.md`` (``--no-record`` to skip). This is
a benchmark, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

import eipopt
from benchmarks.sweep_reuse import _cpus, publish, synthetic_park
from eipopt.model import build_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "periods_scaling.md"
FIRST_YEAR = 2025
PRICE_KEY = "resources.electricity.buy_price"
PRICE_GROWTH = 0.02  # a year, so that the periods differ
BUILD_REPEATS = 2  # the build is timed as the best of this many, against the noise of a shared machine


@dataclass
class Case:
    park: str
    periods: int
    variables: int
    binaries: int
    constraints: int
    build: float
    solve: float
    status: str
    gap: float | None


def with_periods(scenario: eipopt.Scenario, count: int) -> eipopt.Scenario:
    """``scenario`` as ``count`` yearly periods from :data:`FIRST_YEAR`, the electricity price rising each year."""
    years = list(range(FIRST_YEAR, FIRST_YEAR + count))
    settings = scenario.settings.to_dict()
    settings["periods"] = {"years": years, "end": years[-1]}
    price = float(scenario.resources.set_index("id").at["electricity", "buy_price"])
    profiles = pd.DataFrame(
        [(PRICE_KEY, str(year), repr(round(price * (1 + PRICE_GROWTH) ** i, 2))) for i, year in enumerate(years) if i],
        columns=["key", "period", "value"],
    )
    return eipopt.Scenario.from_raw(settings, {**scenario.raw_tables(), "profiles": profiles}, scenario.sources)


def measure(park: str, scenario: eipopt.Scenario, count: int, *, time_limit: float, mip_gap: float | None) -> Case:
    variant = with_periods(scenario, count)
    builds = []
    for _ in range(BUILD_REPEATS):
        started = time.perf_counter()
        built = build_model(variant)
        builds.append(time.perf_counter() - started)
    build = min(builds)
    model = built.model
    variables = list(model.component_data_objects(pyo.Var))
    constraints = sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True))
    result = eipopt.solve(variant, threads=1, time_limit=time_limit, mip_gap=mip_gap)
    summary = result.summary
    case = Case(park, count, len(variables), sum(v.is_binary() for v in variables), constraints, build,
                summary["solve_seconds"], summary["status"], summary["mip_gap"])
    print(f"  {park}, {count} period(s): build {case.build:.2f} s, solve {case.solve:.2f} s ({case.status})", flush=True)
    return case


def profile_build(scenario: eipopt.Scenario, count: int, top: int = 15) -> str:
    """The functions that take the build time of ``count`` periods (cProfile, cumulative)."""
    variant = with_periods(scenario, count)
    profiler = cProfile.Profile()
    profiler.runcall(build_model, variant)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative")
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3])[:top]:
        rows.append(f"| `{Path(file).name}:{line} {function}` | {calls} | {own:.2f} | {cumulative:.2f} |")
    return "\n".join(["| function | calls | own s | cumulative s |", "|---|---:|---:|---:|", *rows])


def report(cases: list[Case], command: str, sizes: dict[str, str], options: str, profile: str | None) -> str:
    """The results as Markdown: one row per park and number of periods, ratios to one period."""
    lines = [
        "# Periods benchmark: build and solve time against the number of periods",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')}), commit {_commit()}.",
        f"Machine: {platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}, "
        f"pyomo {version('pyomo')}, highspy {version('highspy')}; one HiGHS thread per solve. {options}",
        "",
        "| park | size | periods | variables (binary) | constraints | build s | build ratio | build s per period | solve s | solve ratio | status | MIP gap |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for case in cases:
        one = next(c for c in cases if c.park == case.park and c.periods == 1)
        gap = "" if case.gap is None else f"{case.gap:.2%}"
        lines.append(
            f"| {case.park} | {sizes[case.park]} | {case.periods} | {case.variables:,} ({case.binaries:,}) | {case.constraints:,} | "
            f"{case.build:.2f} | {case.build / one.build:.1f}× | {case.build / case.periods:.3f} | {case.solve:.2f} | "
            f"{case.solve / one.solve:.1f}× | {case.status} | {gap} |"
        )
    lines += [
        "",
        f"\"build\" is `build_model` alone (data preparation and the Pyomo model, best of {BUILD_REPEATS}); \"solve\" is",
        "the baseline and the optimum, Pyomo's hand-over to HiGHS and HiGHS itself, as",
        "`summary.solve_seconds` reports it. Ratios are to the same park with one period;",
        "linear growth in the number of periods gives a build ratio equal to the periods.",
        "A status other than optimal stopped at the time limit: its gap is HiGHS's.",
    ]
    if profile:
        lines += ["", "Where the build time of the largest case goes (cProfile, top functions by cumulative time):", "", profile]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", default="1,5,20", help="numbers of periods, comma-separated (default 1,5,20)")
    parser.add_argument("--park", default="deep_c", help="shipped pilot park (default deep_c)")
    parser.add_argument("--firms", type=int, default=300)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--measures", type=int, default=1500)
    parser.add_argument("--mip-gap", type=float, default=0.01, help="relative MIP gap of the large park (default 0.01)")
    parser.add_argument("--time-limit", type=float, default=120, help="seconds per solve (default 120)")
    parser.add_argument("--profile", action="store_true", help="profile the build of the largest case of each park")
    parser.add_argument("--no-record", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    counts = [int(n) for n in args.periods.split(",")]
    if 1 not in counts:
        parser.error("--periods must include 1 (the ratios are to one period)")

    cases, sizes, profiles = [], {}, []
    with tempfile.TemporaryDirectory() as tmp:
        parks = {
            args.park: (eipopt.load_scenario(ROOT / "scenarios" / args.park), None),
            "synthetic large park": (
                eipopt.load_scenario(synthetic_park(Path(tmp) / "large", firms=args.firms, links=args.links, measures=args.measures, mip_gap=args.mip_gap)),
                args.mip_gap,
            ),
        }
        for label, (scenario, gap) in parks.items():
            tables = scenario.tables
            sizes[label] = f"{len(tables['firms'])} firms, {len(tables['links'])} links, {len(tables['measures'])} measures"
            cases += [measure(label, scenario, count, time_limit=args.time_limit, mip_gap=gap) for count in counts]
            if args.profile:
                profiles.append(f"{label}, {max(counts)} periods:\n\n{profile_build(scenario, max(counts))}")

    defaults = all(getattr(args, k) == parser.get_default(k) for k in ("periods", "park", "firms", "links", "measures", "mip_gap", "time_limit"))
    command = ".venv/bin/python -m benchmarks.periods_scaling" + (" --profile" if args.profile else "") + ("" if defaults else " (non-default options)")
    options = f"Time limit {args.time_limit:g} s per solve; {args.park} at its own MIP gap, the synthetic park at {args.mip_gap:g}."
    publish(report(cases, command, sizes, options, "\n\n".join(profiles) or None), RESULTS, record=not args.no_record)


if __name__ == "__main__":
    main()
