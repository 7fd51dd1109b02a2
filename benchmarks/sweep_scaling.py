"""Sweep scaling and command-line start-up, side by side in one run.

One command, from the repository root after ``make setup``::

    .venv/bin/python benchmarks/sweep_scaling.py            # records benchmarks/results/sweep_scaling.md
    .venv/bin/python benchmarks/sweep_scaling.py --quick    # 16 cases and 3 repeats, printed only

It measures, one HiGHS thread per worker:

1. **sweep throughput** on amata: whole :func:`eipopt.sweep.sweep` runs of
   16 and 64 budget cases (the cases of ``benchmarks/sweep_reuse.py``), with
   1 and 2 local workers (and 2 workers started as fresh interpreters, the
   ``spawn`` start method, for comparison), wall and CPU seconds including
   worker start-up;
2. **command-line start-up**: median wall seconds of ``eipopt --help``,
   ``eipopt validate scenarios/khanh_phu`` and ``eipopt solve
   scenarios/khanh_phu --json`` against the floor ``python -c "import
   pyomo.environ, highspy"``, each in a fresh process.

A benchmark, not a test: timings depend on the machine and its load, which the
record states (load average before and after).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(ROOT))

import eipopt  # noqa: E402
from benchmarks.perf import startup  # noqa: E402
from benchmarks.sweep_reuse import budget_cases  # noqa: E402
from eipopt.sweep import executors, sweep  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "sweep_scaling.md"
TARGETS = {16: 1.3, 64: 1.7}  # 2 workers against 1, from the performance issue
CLI_TARGETS = {"eipopt --help": "<= 0.25 s", "eipopt solve scenarios/khanh_phu --json": "<= 1.5x the floor"}


@contextlib.contextmanager
def start_method(method: str | None):
    """Workers started with ``method`` (``spawn``: a fresh interpreter each, as before forking was used)."""
    if method is None:
        yield
        return
    chosen = executors.start_method
    executors.start_method = lambda: method
    try:
        yield
    finally:
        executors.start_method = chosen


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def sweep_seconds(scenario: eipopt.Scenario, cases: int, workers: int, repeats: int, method: str | None = None) -> tuple[float, float]:
    """Median wall seconds and CPU seconds of a whole sweep of ``cases`` budget cases with ``workers`` local workers."""
    key, values = budget_cases(scenario, cases)
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), cpu_seconds()
        with start_method(method):
            frame = sweep(scenario, {key: values}, workers=workers)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
        failed = frame["error"].fillna("").ne("")
        if failed.any():
            raise RuntimeError(f"{int(failed.sum())} cases failed: {frame.loc[failed, 'error'].iloc[0]}")
    return statistics.median(walls), statistics.median(cpus)


def report(command: str, loads: tuple[float, float], sweeps: dict[int, dict[str, tuple[float, float]]], cli: dict[str, float], repeats: int,
           sweep_repeats: int) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "# Sweep scaling and command-line start-up",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}), commit {commit}{' with uncommitted changes' if dirty else ''}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; one HiGHS thread per worker.",
        f"Load average (1 min) {loads[0]:.2f} before, {loads[1]:.2f} after"
        + (": the machine was shared with other work during the run, so every figure is slower than on an idle machine"
           " and two workers cannot get two idle cores; ratios are noisy." if max(loads) > 1.0 else "."),
        "",
        "## Sweeps: amata, budget cases, whole sweep (worker start-up included)",
        "",
        f"Median of {sweep_repeats} run(s) each. Wall seconds; CPU seconds of the sweep's process and its workers in brackets"
        " (the work done, whatever the load). '2 workers, spawn' starts each worker as a fresh interpreter, as before workers were forked.",
        "",
        "| cases | 1 worker s | 2 workers s | speed-up | target | 2 workers, spawn s | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cases, runs in sweeps.items():
        one, two, spawned = runs["1"], runs["2"], runs["2 spawn"]
        ratio = one[0] / two[0]
        target = TARGETS.get(cases)
        verdict = f"≥ {target}× ({'met' if ratio >= target else 'missed'})" if target else "-"
        lines.append(f"| {cases} | {one[0]:.2f} ({one[1]:.1f}) | {two[0]:.2f} ({two[1]:.1f}) | {ratio:.2f}× | {verdict} "
                     f"| {spawned[0]:.2f} ({spawned[1]:.1f}) | {one[0] / spawned[0]:.2f}× |")
    floor = next(v for k, v in cli.items() if "floor" in k)
    lines += ["", f"## Command-line start-up: median wall seconds of {repeats} fresh processes each, the commands interleaved", "",
              "| command | seconds | × floor | target |", "|---|---:|---:|---|"]
    for label, seconds in cli.items():
        lines.append(f"| `{label}` | {seconds:.3f} | {seconds / floor:.2f}× | {CLI_TARGETS.get(label, '')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 cases and 3 repeats, printed, not recorded")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each command line (default 5)")
    parser.add_argument("--sweep-repeats", type=int, default=1, help="runs of each sweep (default 1)")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    loads = [os.getloadavg()[0]]
    amata = eipopt.load_scenario(ROOT / "scenarios" / "amata")
    print("Sweeps (amata)", flush=True)
    sweeps: dict[int, dict[str, tuple[float, float]]] = {}
    for cases in (16,) if args.quick else (16, 64):
        sweeps[cases] = {}
        for label, workers, method in (("1", 1, None), ("2", 2, None), ("2 spawn", 2, "spawn")):
            sweeps[cases][label] = sweep_seconds(amata, cases, workers, args.sweep_repeats, method)
            print(f"  {cases} cases, {label} worker(s): {sweeps[cases][label][0]:.2f} s wall, {sweeps[cases][label][1]:.1f} s CPU", flush=True)
    print("Command-line start-up", flush=True)
    cli = startup(repeats)
    loads.append(os.getloadavg()[0])
    command = ".venv/bin/python benchmarks/sweep_scaling.py" + (" --quick" if args.quick else "")
    if args.sweep_repeats != 1:
        command += f" --sweep-repeats {args.sweep_repeats}"
    text = report(command, (loads[0], loads[1]), sweeps, cli, repeats, args.sweep_repeats)
    print()
    print(text)
    if not args.quick:
        RESULTS.write_text(text)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
