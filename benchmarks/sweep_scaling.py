"""Sweep scaling and command-line start-up, side by side in one run.

One command, from the repository root after ``make setup``::

    .venv/bin/python benchmarks/sweep_scaling.py            # records benchmarks/results/sweep_scaling.md
    .venv/bin/python benchmarks/sweep_scaling.py --quick    # 16 cases, printed only

It measures, one HiGHS thread per worker:

1. **sweep throughput** on amata: whole :func:`eipopt.sweep.sweep` runs of
   16 and 64 budget cases (the cases of ``benchmarks/sweep_reuse.py``) with
   ``workers=1`` (this process alone) and ``workers=2`` (this process and one
   worker process: eipopt's choice, a fork of the sweep's process made once
   its model is built, where that is safe, as it is here; and, for
   comparison, a worker from a fork server and one started as a fresh
   interpreter, ``spawn``). Each run is a fresh Python process that loads
   amata and then times two sweeps: the **first** pays every start-up a
   command-line sweep pays (the model's build; for the fork server its
   import), the **second** is a later sweep of the same process (a notebook,
   a script looping over sweeps), with the fork server running. The
   runs of all settings are interleaved, so that a change of the machine's
   load hits each alike; the median of ``--sweep-repeats`` runs is recorded
   with the load average of each.
2. **command-line sweeps**: ``eipopt sweep scenarios/amata`` over the same
   cases with ``--workers 1`` and ``--workers 2``, wall seconds of the whole
   command (imports, reading the scenario, the store included);
3. **command-line start-up**: median wall seconds of ``eipopt --help``,
   ``eipopt validate scenarios/khanh_phu`` and ``eipopt solve
   scenarios/khanh_phu --json`` against the floor ``python -c "import
   pyomo.environ, highspy"``, each in a fresh process.
4. **sweeps on a running Dask cluster**: a ``LocalCluster`` of 1 and 2
   worker processes (one thread each), started before the clock; its first
   sweep (each worker builds its model) and a second one (models kept), with
   workers started plainly (the first sweep imports eipopt on them) and with
   ``preload=["eipopt.sweep.solving"]`` (``dask worker --preload
   eipopt.sweep.solving``: imported when the worker starts).

A benchmark, not a test: timings depend on the machine and its load, which the
record states.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "sweep_scaling.md"
TARGETS = {16: 1.3, 64: 1.7}  # 2 workers against 1, from the performance issue
CLI_TARGETS = {"eipopt --help": "<= 0.25 s", "eipopt solve scenarios/khanh_phu --json": "<= 1.5x the floor"}
#: The settings compared: label -> (workers, start method of the worker processes; None: eipopt's own choice).
SETTINGS = {"1": (1, None), "2": (2, None), "2 fork server": (2, "forkserver"), "2 spawn": (2, "spawn")}


def one_run(cases: int, workers: int, method: str | None) -> dict[str, float]:
    """In this (fresh) process: wall seconds of a first and a second sweep of ``cases`` amata budget cases."""
    import eipopt
    from benchmarks.sweep_reuse import budget_cases
    from eipopt.sweep import executors, sweep

    if method is not None:
        executors.start_method = lambda: method
    amata = eipopt.load_scenario(ROOT / "scenarios" / "amata")
    key, values = budget_cases(amata, cases)
    seconds = {}
    for which in ("first", "second"):
        started = time.perf_counter()
        frame = sweep(amata, {key: values}, workers=workers)
        seconds[which] = time.perf_counter() - started
        failed = frame["error"].fillna("").ne("")
        if failed.any():
            raise RuntimeError(f"{int(failed.sum())} cases failed: {frame.loc[failed, 'error'].iloc[0]}")
    return seconds


def sweep_runs(cases: int, repeats: int, settings: tuple[str, ...] = tuple(SETTINGS)) -> tuple[dict[str, dict[str, float]], list[float]]:
    """Median first- and second-sweep seconds of each of ``settings``, each run a fresh process, the settings interleaved; the loads seen."""
    walls: dict[str, dict[str, list[float]]] = {label: {"first": [], "second": []} for label in settings}
    loads = []
    for _ in range(repeats):
        for label in settings:
            workers, method = SETTINGS[label]
            loads.append(os.getloadavg()[0])
            run = subprocess.run([sys.executable, __file__, "--one", str(cases), str(workers), method or "default"],
                                 cwd=ROOT, capture_output=True, text=True, check=True)
            seconds = json.loads(run.stdout.strip().splitlines()[-1])
            for which, value in seconds.items():
                walls[label][which].append(value)
            print(f"  {cases} cases, {label} worker(s): first {seconds['first']:.2f} s, second {seconds['second']:.2f} s (load {loads[-1]:.2f})",
                  flush=True)
    return {label: {which: statistics.median(v) for which, v in runs.items()} for label, runs in walls.items()}, loads


def cli_sweep_runs(cases: int, repeats: int) -> tuple[dict[int, float], list[float]]:
    """Median wall seconds of ``eipopt sweep scenarios/amata`` over the budget cases, ``--workers`` 1 and 2, each a fresh store."""
    import eipopt
    from benchmarks.sweep_reuse import budget_cases

    key, values = budget_cases(eipopt.load_scenario(ROOT / "scenarios" / "amata"), cases)
    cli = str(Path(sys.executable).parent / "eipopt")
    walls: dict[int, list[float]] = {1: [], 2: []}
    loads = []
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(repeats):
            for workers in walls:
                store = Path(folder) / f"{cases}-{workers}-{repeat}.sweep.sqlite"
                command = [cli, "sweep", "scenarios/amata", "--vary", f"{key}={','.join(repr(v) for v in values)}", "--workers", str(workers),
                           "--store", str(store), "--no-progress", "--json"]
                loads.append(os.getloadavg()[0])
                started = time.perf_counter()
                run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
                walls[workers].append(time.perf_counter() - started)
                summary = json.loads(run.stdout)
                if run.returncode != 0 or summary["cases"] != cases or summary["failed"]:
                    raise RuntimeError(f"eipopt sweep failed (exit {run.returncode}): {run.stderr[-500:]}")
                print(f"  eipopt sweep, {cases} cases, --workers {workers}: {walls[workers][-1]:.2f} s (load {loads[-1]:.2f})", flush=True)
    return {workers: statistics.median(v) for workers, v in walls.items()}, loads


#: Dask workers started plainly, or with eipopt imported at their start (``dask worker --preload eipopt.sweep.solving``).
DASK_PRELOADS = {"plain": [], "preloaded": ["eipopt.sweep.solving"]}


def verdict(cases: int, speed_up: float) -> str:
    """The 2-against-1-worker target for ``cases`` cases, met or missed ("-" without one)."""
    target = TARGETS.get(cases)
    return f"≥ {target}× ({'met' if speed_up >= target else 'missed'})" if target else "-"


def dask_runs(sizes: tuple[int, ...], repeats: int) -> dict[str, dict[int, dict[int, dict[str, float]]]]:
    """Median seconds of amata sweeps on a running Dask ``LocalCluster`` of 1 and 2 worker processes (one thread each).

    For each way of starting the workers (:data:`DASK_PRELOADS`) and each
    size, a fresh cluster (started before the clock) times its first sweep
    (each worker thread builds its model and solves the baseline once) and a
    second sweep of the same cases (the models kept); the settings are
    interleaved.
    """
    from distributed import Client, LocalCluster

    import eipopt
    from benchmarks.sweep_reuse import budget_cases
    from eipopt.sweep import sweep

    amata = eipopt.load_scenario(ROOT / "scenarios" / "amata")
    walls = {start: {cases: {n: {"first": [], "second": []} for n in (1, 2)} for cases in sizes} for start in DASK_PRELOADS}
    for _ in range(repeats):
        for cases in sizes:
            key, values = budget_cases(amata, cases)
            for start, preload in DASK_PRELOADS.items():
                for workers in (1, 2):
                    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                      preload=preload) as cluster, Client(cluster) as client:
                        for which in ("first", "second"):
                            started = time.perf_counter()
                            sweep(amata, {key: values}, scheduler=client)
                            walls[start][cases][workers][which].append(time.perf_counter() - started)
                    runs = walls[start][cases][workers]
                    print(f"  Dask ({start} workers), {cases} cases, {workers} worker(s): first {runs['first'][-1]:.2f} s, "
                          f"second {runs['second'][-1]:.2f} s", flush=True)
    return {start: {cases: {n: {which: statistics.median(v) for which, v in runs.items()} for n, runs in by_workers.items()}
                    for cases, by_workers in by_size.items()} for start, by_size in walls.items()}


def report(command: str, sweeps: dict[int, tuple[dict[str, dict[str, float]], list[float]]], cli_sweeps: dict[int, tuple[dict[int, float], list[float]]],
           cli: dict[str, float], cli_loads: tuple[float, float], repeats: int, sweep_repeats: int, dask: dict) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    loads = [load for _, seen in [*sweeps.values(), *cli_sweeps.values()] for load in seen] + list(cli_loads)
    lines = [
        "# Sweep scaling and command-line start-up",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}), commit {commit}{' with uncommitted changes' if dirty else ''}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; one HiGHS thread per worker.",
        f"Load average (1 min) between {min(loads):.2f} and {max(loads):.2f} during the run, {loads[0]:.2f} at its start; it counts"
        " this benchmark's own processes (up to 2 while two workers solve)"
        + (": the machine was shared with other work at the start, so a second worker could not count on an idle core; ratios are noisy."
           if loads[0] > 0.5 else "."),
        "",
        "## Sweeps: amata, budget cases, whole sweep (worker start-up included)",
        "",
        f"Median wall seconds of {sweep_repeats} fresh processes per setting, the settings interleaved. `workers=2` is this process and"
        " one worker process: eipopt's choice (a fork of the sweep's process, made once its model is built), and for comparison a"
        " worker from a fork server and a spawned one. **First sweep**: the first of a process, paying every start-up (as a"
        " command-line sweep does: the model's build; the fork server's import). **Second sweep**: a later sweep of the same"
        " process (fork server running).",
        "",
        "| cases | sweep | 1 worker s | 2 workers s | speed-up | target | 2, fork server s | speed-up | 2, spawn s | speed-up | load during these runs |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for cases, (runs, seen) in sweeps.items():
        for which in ("first", "second"):
            one, two, served, spawned = (runs[label][which] for label in ("1", "2", "2 fork server", "2 spawn"))
            lines.append(f"| {cases} | {which} | {one:.3f} | {two:.3f} | {one / two:.2f}× | {verdict(cases, one / two)} | {served:.3f} | {one / served:.2f}× "
                         f"| {spawned:.3f} | {one / spawned:.2f}× | {min(seen):.2f} to {max(seen):.2f} |")
    lines += ["", "## Sweeps on the command line: `eipopt sweep scenarios/amata --vary <budget>=... --workers N --json` (a fresh store each)", "",
              f"Median wall seconds of {sweep_repeats} runs each, the settings interleaved; everything included (imports, reading the"
              " scenario, the store). `--workers 2` is the command's own process and one worker (forked from it).", "",
              "| cases | --workers 1 s | --workers 2 s | speed-up | load during these runs |", "|---:|---:|---:|---:|---|"]
    for cases, (runs, seen) in cli_sweeps.items():
        lines.append(f"| {cases} | {runs[1]:.2f} | {runs[2]:.2f} | {runs[1] / runs[2]:.2f}× | {min(seen):.2f} to {max(seen):.2f} |")
    floor = next(v for k, v in cli.items() if "floor" in k)
    lines += ["", f"## Command-line start-up: median wall seconds of {repeats} fresh processes each, the commands interleaved", "",
              f"Load average {cli_loads[0]:.2f} before, {cli_loads[1]:.2f} after.", "",
              "| command | seconds | × floor | target |", "|---|---:|---:|---|"]
    for label, seconds in cli.items():
        lines.append(f"| `{label}` | {seconds:.3f} | {seconds / floor:.2f}× | {CLI_TARGETS.get(label, '')} |")
    lines += ["", "## Sweeps on a running Dask cluster (`LocalCluster`, worker processes with one thread each)", "",
              f"Median wall seconds of {sweep_repeats} clusters per setting, each started before the clock. **First sweep**: each worker"
              " builds its model and solves the baseline; **second sweep**: the same cases again, the models kept. **Plain** workers"
              " import eipopt in the first sweep; **preloaded** ones when they start (`dask worker --preload eipopt.sweep.solving`,"
              " `LocalCluster(preload=[...])`), as docs/sweeps.md recommends.", "",
              "| workers | cases | sweep | 1 worker s | 2 workers s | speed-up | target |", "|---|---:|---|---:|---:|---:|---|"]
    for start, by_size in dask.items():
        for cases, runs in by_size.items():
            for which in ("first", "second"):
                one, two = runs[1][which], runs[2][which]
                lines.append(f"| {start} | {cases} | {which} | {one:.3f} | {two:.3f} | {one / two:.2f}× | {verdict(cases, one / two)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 cases, 1 run per setting and 3 per command line, printed, not recorded")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each command line (default 5)")
    parser.add_argument("--sweep-repeats", type=int, default=3, help="fresh processes per sweep setting (default 3)")
    parser.add_argument("--one", nargs=3, metavar=("CASES", "WORKERS", "METHOD"), help=argparse.SUPPRESS)  # one run, in a fresh process
    args = parser.parse_args()
    if args.one:
        cases, workers, method = args.one
        print(json.dumps(one_run(int(cases), int(workers), None if method == "default" else method)))
        return
    repeats, sweep_repeats = (3, 1) if args.quick else (args.repeats, args.sweep_repeats)
    print("Sweeps (amata)", flush=True)
    sizes = (16,) if args.quick else (16, 64)
    sweeps = {cases: sweep_runs(cases, sweep_repeats) for cases in sizes}
    print("Sweeps on the command line (amata)", flush=True)
    cli_sweeps = {cases: cli_sweep_runs(cases, sweep_repeats) for cases in sizes}
    print("Command-line start-up", flush=True)
    # imported here, not at the top: a worker process re-imports this script, which should cost it nothing
    from benchmarks.perf import startup

    before = os.getloadavg()[0]
    cli = startup(repeats)
    cli_loads = (before, os.getloadavg()[0])
    print("Sweeps on a running Dask cluster (amata)", flush=True)
    dask = dask_runs(sizes, sweep_repeats)
    command = ".venv/bin/python benchmarks/sweep_scaling.py" + (" --quick" if args.quick else "")
    if sweep_repeats != 3 and not args.quick:
        command += f" --sweep-repeats {sweep_repeats}"
    if repeats != 5 and not args.quick:
        command += f" --repeats {repeats}"
    text = report(command, sweeps, cli_sweeps, cli, cli_loads, repeats, sweep_repeats, dask)
    print()
    print(text)
    if not args.quick:
        RESULTS.write_text(text)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
