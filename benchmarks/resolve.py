"""Benchmark: a what-if re-solved on one built model, against a rebuild, and where the time goes.

One command (from the repository root, after ``make setup``)::

    .venv/bin/python benchmarks/resolve.py [--scenario scenarios/hiep_phuoc] [--cases 20]

Each case is a seeded random what-if (a budget limit and a purchase price
scaled by 0.5-1.5) solved three ways in the same run, one HiGHS thread, no
baseline (the solve itself, as a sweep past its first case does):

- **re-solve**: ``ScenarioSolver.solve(scenario.with_overrides(case))`` on one
  solver kept across cases; the time inside HiGHS (``highspy.Highs.run``) is
  measured apart, so *overhead* = re-solve - HiGHS;
- **rebuild**: ``eipopt.solve(scenario.with_overrides(case))``: build, hand over, solve.

The objective values of both ways must agree (1e-6 relative). It prints the
medians and records them, with the command, commit, machine and load
average, in ``benchmarks/results/resolve.md`` (``--no-record`` to skip). A
benchmark, not a test: timings depend on the machine and its load.

``--profile`` runs the same re-solves under cProfile instead and prints where
their time goes (cumulative share of the re-solves, by function); nothing is
recorded.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import highspy

import eipopt

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(ROOT))

from benchmarks.perf import HighsClock  # noqa: E402 - seconds inside HiGHS, shared with bench-perf

RESULTS = ROOT / "benchmarks" / "results" / "resolve.md"
TOLERANCE = 1e-6


def cases(scenario, count: int, seed: int) -> list[dict[str, float]]:
    """``count`` what-ifs: the first budget's limit and the first priced resource's buy price, each scaled by 0.5-1.5."""
    rng = random.Random(seed)
    budget = next(b for b in scenario.settings.budgets if b.limit)
    resource = scenario.resources.dropna(subset=["buy_price"]).iloc[0]
    return [
        {f"budgets.{budget.id}.limit": budget.limit * rng.uniform(0.5, 1.5),
         f"resources.{resource['id']}.buy_price": float(resource["buy_price"]) * rng.uniform(0.5, 1.5)}
        for _ in range(count)
    ]


def measure(folder: Path, count: int, seed: int) -> dict[str, float]:
    scenario = eipopt.load_scenario(folder)
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    solver.solve(scenario)  # the first build is not a what-if
    resolve, inside, rebuild, overrides = [], [], [], []
    for case in cases(scenario, count, seed):
        started, highs_before = time.perf_counter(), HighsClock.seconds
        variant = scenario.with_overrides(case)
        overrides.append(time.perf_counter() - started)
        reused = solver.solve(variant)
        resolve.append(time.perf_counter() - started)
        inside.append(HighsClock.seconds - highs_before)
        started = time.perf_counter()
        fresh = eipopt.solve(scenario.with_overrides(case), threads=1, baseline=False)
        rebuild.append(time.perf_counter() - started)
        ours, theirs = reused.summary["objective_value"], fresh.summary["objective_value"]
        if reused.summary["status"] != fresh.summary["status"] or abs(ours - theirs) > TOLERANCE * max(1.0, abs(theirs)):
            raise SystemExit(f"re-solve and rebuild disagree on {case}: {ours} vs {theirs}")
    assert solver.rebuilds == 1, "the what-ifs must reuse the built model"
    median = statistics.median
    return {
        "resolve": median(resolve),
        "highs": median(inside),
        "overhead": median(r - h for r, h in zip(resolve, inside, strict=True)),
        "rebuild": median(rebuild),
        "with_overrides": median(overrides),
    }


def profile(folder: Path, count: int, seed: int, top: int = 30) -> None:
    """Print the functions taking the largest cumulative share of ``count`` re-solves (cProfile)."""
    import cProfile
    import pstats

    scenario = eipopt.load_scenario(folder)
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    solver.solve(scenario)
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases(scenario, count, seed):
        solver.solve(scenario.with_overrides(case))
    profiler.disable()
    measured = pstats.Stats(profiler)
    stats, total = measured.stats, measured.total_tt
    rows = sorted(stats.items(), key=lambda item: -item[1][3])[:top]
    print(f"{count} re-solves on {folder.name}: {total:.3f} s under cProfile (its own overhead inflates Python's share)")
    print("| cumulative share | own share | function |\n|---:|---:|---|")
    for (file, line, name), (_, _, own, cumulative, _) in rows:
        where = file.split("site-packages/")[-1] if "site-packages" in file else Path(file).name if file.startswith("/") else file
        print(f"| {cumulative / total:.0%} | {own / total:.0%} | `{name}` ({where}:{line}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "hiep_phuoc")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print where the re-solves' time goes (cProfile); records nothing")
    args = parser.parse_args()
    if args.profile:
        profile(args.scenario, args.cases, args.seed)
        return
    HighsClock.install()
    load_before = os.getloadavg()
    figures = measure(args.scenario, args.cases, args.seed)
    load_after = os.getloadavg()
    ms = {k: v * 1000 for k, v in figures.items()}
    lines = [
        f"| {args.scenario.name} | {args.cases} | {ms['resolve']:.1f} | {ms['highs']:.1f} | {ms['overhead']:.1f} | "
        f"{figures['overhead'] / figures['highs']:.2f}x | {ms['rebuild']:.1f} | {figures['rebuild'] / figures['resolve']:.2f}x | {ms['with_overrides']:.1f} |",
    ]
    header = [
        "| scenario | cases | re-solve (ms) | inside HiGHS (ms) | overhead (ms) | overhead / HiGHS | rebuild (ms) | rebuild / re-solve | with_overrides alone (ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header + lines))
    if args.no_record:
        return
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    command = "python benchmarks/resolve.py " + " ".join(sys.argv[1:])
    record = [
        f"## {args.scenario.name}, commit {commit or 'unknown'}",
        "",
        f"Command: `{command.strip()}`. Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, highspy {highspy.Highs().version()}. Load average (1 min) {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after"
        + (": the machine was shared with other work, so absolute times are inflated; the ratios come from one run."
           if max(load_before[0], load_after[0]) > 1.0 else "."),
        "Medians per case; the re-solve includes ``with_overrides``; the rebuild builds, hands over and solves.",
        "",
        *header,
        *lines,
        "",
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else "# What-if re-solve against rebuild\n\nWritten by `benchmarks/resolve.py`; newest run last.\n\n"
    RESULTS.write_text(existing + "\n".join(record) + "\n")
    print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
