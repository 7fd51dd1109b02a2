"""Performance benchmark: every figure of the performance targets, side by side in one run.

One command (from the repository root, after ``make setup`` and the ``bench``
extra: ``.venv/bin/pip install -e '.[bench]'``)::

    make bench-perf                       # about 12 minutes on an idle 2-core machine
    .venv/bin/python benchmarks/perf.py --quick   # about 3 minutes on a shared 2-core machine, prints only

It measures, one HiGHS thread everywhere:

1. **what-if re-solve** (median per case, one budget or price changed per
   case): eipopt's :class:`~eipopt.ScenarioSolver` re-solving its built model,
   a rebuild per case (:func:`eipopt.solve`), and HiGHS alone making the same
   change on its loaded copy of the model (``changeRowBounds`` /
   ``changeColsCost`` + ``run``); eipopt's time split into HiGHS (inside
   ``Highs.run``) and the overhead outside it. No baseline solve on either side.
2. **sweep throughput** on amata (:func:`eipopt.sweep.sweep`), 1 and 2
   workers, the first sweep of fresh processes (medians of 3, interleaved).
3. **build + hand-over** at growing sizes: eipopt (``build_model`` + loading
   into HiGHS) against a linopy port of the same formulation
   (``benchmarks/linopy_park.py``, checked to be the same model), both from
   the same model data, and against HiGHS reading eipopt's model from an MPS
   file (medians of 3, interleaved); then, at the smallest and the
   largest size, eipopt end to end (build, hand-over, solve, extraction) against HiGHS alone
   (read + solve), with the **peak memory** of each, each in a fresh process.
4. **CLI start-up** against the floor ``python -c "import pyomo.environ, highspy"``.

Each target is printed beside its measured ratio. Full runs are recorded in
``benchmarks/results/perf.md``; ``--profile`` prints where the time goes
instead (see docs/performance.md). A benchmark, not a test: timings depend on
the machine and its load, which the record states.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import highspy

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(ROOT))

import eipopt  # noqa: E402
from benchmarks.perf_report import report  # noqa: E402
from benchmarks.sweep_reuse import budget_cases, synthetic_park  # noqa: E402
from eipopt.model import build_model  # noqa: E402
from eipopt.model.data import model_data  # noqa: E402
from eipopt.solvers.matrix import MatrixHighs  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "perf.md"
#: Columns of the synthetic park per unit of scale (300 firms, 2,000 links, 1,500 measures), measured.
COLUMNS_PER_UNIT = 7614
SYNTHETIC_GAP = 0.01
EQUALITY_TOLERANCE = 1e-6


class HighsClock:
    """Seconds inside ``highspy.Highs.run`` (HiGHS itself), wherever it is called from."""

    seconds = 0.0

    @classmethod
    def install(cls) -> None:
        original = highspy.Highs.run

        def highs_run(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                cls.seconds += time.perf_counter() - started

        highspy.Highs.run = highs_run


# --- models ------------------------------------------------------------------
def synthetic(folder: Path, columns: int) -> Path:
    """The synthetic park of :func:`benchmarks.sweep_reuse.synthetic_park` scaled to about ``columns`` columns."""
    scale = columns / COLUMNS_PER_UNIT
    return synthetic_park(folder, firms=round(300 * scale), links=round(2000 * scale), measures=round(1500 * scale), mip_gap=SYNTHETIC_GAP)


def loaded_highs(park) -> tuple[highspy.Highs, MatrixHighs]:
    """eipopt's hand-over: the park loaded into HiGHS by the solver layer, not solved.

    Returns the HiGHS model and the solver layer's
    :class:`~eipopt.solvers.matrix.MatrixHighs` (its variable and constraint ->
    column and row maps).
    """
    matrix = MatrixHighs()
    matrix.load(park.model)
    return matrix.highs, matrix


def solved_objective(highs: highspy.Highs, *, relaxation: bool = False, mip_gap: float = 0.0) -> float:
    """Optimum of a loaded HiGHS model (of its LP relaxation with ``relaxation``)."""
    for option, value in (("threads", 1), ("mip_rel_gap", mip_gap), ("solve_relaxation", relaxation), ("output_flag", False)):
        highs.setOptionValue(option, value)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS did not solve the model to optimality: {highs.modelStatusToString(highs.getModelStatus())}")
    return highs.getInfo().objective_function_value


def assert_same_model(label: str, scenario, *, relaxation: bool) -> str:
    """eipopt's and the linopy port's HiGHS models have the same size and optimum (1e-6 relative)."""
    from benchmarks.linopy_park import build_linopy, to_highs

    park = build_model(scenario)
    ours, _ = loaded_highs(park)
    theirs = to_highs(build_linopy(model_data(scenario)))  # both with the cost objective active
    shapes = [(ours.getNumCol(), ours.getNumRow()), (theirs.getNumCol(), theirs.getNumRow())]  # eipopt hands over active rows only
    values = [solved_objective(h, relaxation=relaxation) for h in (ours, theirs)]
    difference = abs(values[0] - values[1]) / max(1.0, abs(values[0]))
    assert shapes[0] == shapes[1], f"{label}: eipopt has {shapes[0]} (columns, rows), the linopy port {shapes[1]}"
    assert difference <= EQUALITY_TOLERANCE, f"{label}: optimum {values[0]} (eipopt) vs {values[1]} (linopy), relative difference {difference:.1e}"
    kind = "LP relaxation" if relaxation else "MILP"
    return f"{label}: {shapes[0][0]:,} columns, {shapes[0][1]:,} rows, {kind} optimum {values[0]:.6e} both (relative difference {difference:.1e})"


# --- 1. what-if re-solve -------------------------------------------------------
@dataclass
class WhatIf:
    label: str
    columns: int
    key: str
    cases: int
    resolve: float  # median seconds per case
    resolve_highs: float
    rebuild: float
    alone: float
    max_difference: float  # relative, between eipopt's and HiGHS alone's optimum
    warm: float  # median seconds per case, re-solve with solver.warm_start
    alone_warm: float  # HiGHS alone, change + setSolution(previous solution) + run
    warm_difference: float  # largest relative difference, warm vs cold re-solve objective

    @property
    def overhead(self) -> float:
        return self.resolve - self.resolve_highs


def what_if(label: str, scenario, key: str, values: list[float]) -> WhatIf:
    """The same cases five ways: eipopt re-solve, cold and warm; eipopt rebuild; HiGHS alone (change + run), cold and warm.

    Warm: each run starts from the previous case's solution (``solver.warm_start``;
    for HiGHS alone ``setSolution`` with its previous solution).
    """
    mip_gap = scenario.settings.solver.mip_gap or 0.0
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    solver.solve(scenario)  # the first build is not a what-if
    warm_solver = eipopt.ScenarioSolver(threads=1, baseline=False, warm_start=True)
    warm_solver.solve(scenario)
    park = build_model(scenario)
    loaded, matrix = loaded_highs(park)
    alone, alone_warm = highspy.Highs(), highspy.Highs()
    for highs in (alone, alone_warm):
        highs.passModel(loaded.getModel())
        for option, value in (("output_flag", False), ("threads", 1), ("mip_rel_gap", mip_gap)):
            highs.setOptionValue(option, value)
    change, change_warm = _highs_change(park, matrix, alone, key), _highs_change(park, matrix, alone_warm, key)
    alone_warm.run()
    resolve, resolve_highs, rebuild, alone_seconds, worst = [], [], [], [], 0.0
    warm, alone_warm_seconds, warm_worst = [], [], 0.0
    for value in values:
        started, highs_before = time.perf_counter(), HighsClock.seconds
        result = solver.solve(scenario.with_overrides({key: value}))
        resolve.append(time.perf_counter() - started)
        resolve_highs.append(HighsClock.seconds - highs_before)
        started = time.perf_counter()
        eipopt.solve(scenario.with_overrides({key: value}), threads=1, baseline=False)
        rebuild.append(time.perf_counter() - started)
        started = time.perf_counter()
        change(value)
        alone.run()
        alone_seconds.append(time.perf_counter() - started)
        ours, theirs = result.summary["objective_value"], alone.getInfo().objective_function_value
        worst = max(worst, abs(ours - theirs) / max(1.0, abs(ours)))
        started = time.perf_counter()
        warm_value = warm_solver.solve(scenario.with_overrides({key: value})).summary["objective_value"]
        warm.append(time.perf_counter() - started)
        warm_worst = max(warm_worst, abs(warm_value - ours) / max(1.0, abs(ours)))
        previous = alone_warm.getSolution()
        started = time.perf_counter()
        change_warm(value)
        alone_warm.setSolution(previous)
        alone_warm.run()
        alone_warm_seconds.append(time.perf_counter() - started)
    print(f"  {label}: re-solve {statistics.median(resolve):.3f} s (warm {statistics.median(warm):.3f} s), rebuild {statistics.median(rebuild):.3f} s, "
          f"HiGHS alone {statistics.median(alone_seconds):.3f} s (warm {statistics.median(alone_warm_seconds):.3f} s) per case", flush=True)
    return WhatIf(label, loaded.getNumCol(), key, len(values), statistics.median(resolve), statistics.median(resolve_highs),
                  statistics.median(rebuild), statistics.median(alone_seconds), worst,
                  statistics.median(warm), statistics.median(alone_warm_seconds), warm_worst)


def _highs_change(park, matrix: MatrixHighs, highs: highspy.Highs, key: str):
    """A function making the change of override ``key`` = value directly on the HiGHS model.

    ``budgets.ID.limit`` moves the budget row's upper bound; ``resources.ID.buy_price``
    moves the cost of every purchase column of that resource by the price change.
    """
    lp = highs.getLp()
    parts = key.split(".")
    if parts[0] == "budgets" and parts[2] == "limit":
        row = matrix.row(park.model.budget[parts[1]])
        offset = lp.row_upper_[row] - park.data.params["budget_limit"][parts[1]]  # constants moved to the bound
        return lambda value: highs.changeRowBounds(row, -highspy.kHighsInf, value + offset)
    if parts[0] == "resources" and parts[2] == "buy_price":
        # a single-period model: purchases are keyed (firm, resource, period), prices (resource, period)
        (period,) = park.data.sets["periods"]
        columns = [matrix.column(var) for (_, r, _p), var in park.model.buy.items() if r == parts[1]]
        base = [lp.col_cost_[c] for c in columns]
        price = park.data.params["buy_price"][(parts[1], period)]
        return lambda value: highs.changeColsCost(len(columns), columns, [c + value - price for c in base])
    raise ValueError(f"no direct HiGHS change for override {key}")


# --- 2. sweeps ------------------------------------------------------------------
def sweep_throughput(cases: int, repeats: int = 3) -> dict[int, float]:
    """Cases per second of a whole amata sweep with 1 and 2 workers: the median of ``repeats`` fresh processes each.

    Fresh processes, as a command-line sweep is: this process has imported
    linopy, whose polars runs a thread pool, so a sweep here would never fork
    its workers (:func:`eipopt.sweep.executors.fork_is_safe`). Each run is the
    first sweep of its process (:func:`benchmarks.sweep_scaling.one_run`).
    """
    from benchmarks.sweep_scaling import sweep_runs

    medians, _ = sweep_runs(cases, repeats, settings=("1", "2"))
    rates = {workers: cases / medians[str(workers)]["first"] for workers in (1, 2)}
    print(f"  sweep of {cases} cases: {rates[1]:.2f} cases/s with 1 worker, {rates[2]:.2f} with 2", flush=True)
    return rates


# --- 3. build + hand-over, end to end, memory -----------------------------------
@dataclass
class Build:
    columns: int
    rows: int
    eipopt_build: float
    eipopt_handover: float
    linopy_build: float
    linopy_handover: float
    mps_read: float

    @property
    def eipopt(self) -> float:
        return self.eipopt_build + self.eipopt_handover

    @property
    def linopy(self) -> float:
        return self.linopy_build + self.linopy_handover


def build_and_handover(scenario, mps: Path, repeats: int = 3) -> Build:
    """Seconds to build and load the same formulation three ways (medians of ``repeats``, interleaved); writes eipopt's model to ``mps``.

    Both builds start from the scenario's model data, computed once before
    either is timed (it is remembered with the scenario, so whichever ran
    second would otherwise get it free). The eipopt and linopy runs alternate,
    so that a change of the machine's speed during the run hits both alike.
    """
    from benchmarks.linopy_park import build_linopy, to_highs

    data = model_data(scenario)
    times: dict[str, list[float]] = {"eipopt_build": [], "eipopt_handover": [], "linopy_build": [], "linopy_handover": [], "mps_read": []}
    for repeat in range(repeats):
        started = time.perf_counter()
        park = build_model(scenario)
        built = time.perf_counter()
        loaded, _ = loaded_highs(park)
        handed = time.perf_counter()
        times["eipopt_build"].append(built - started)
        times["eipopt_handover"].append(handed - built)
        if repeat == 0:
            loaded.writeModel(str(mps))
            columns, rows = loaded.getNumCol(), loaded.getNumRow()
        del park, loaded
        started = time.perf_counter()
        model = build_linopy(data)
        built = time.perf_counter()
        to_highs(model)
        times["linopy_build"].append(built - started)
        times["linopy_handover"].append(time.perf_counter() - built)
        del model
        reader = highspy.Highs()
        reader.setOptionValue("output_flag", False)
        started = time.perf_counter()
        reader.readModel(str(mps))
        times["mps_read"].append(time.perf_counter() - started)
        del reader
    figures = Build(columns, rows, **{step: statistics.median(seconds) for step, seconds in times.items()})
    print(f"  {columns:,} columns: eipopt {figures.eipopt:.2f} s, linopy {figures.linopy:.2f} s, HiGHS from MPS {figures.mps_read:.2f} s"
          f" (medians of {repeats})", flush=True)
    return figures


# Peak RSS from /proc/self/status (VmHWM): getrusage's ru_maxrss keeps the parent's peak across fork + exec.
_PEAK = """
def peak_mb():
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    return int(status.split()[0]) / 1024
"""

_EIPOPT_CHILD = _PEAK + """
import json, sys, time
import eipopt
started = time.perf_counter()
scenario = eipopt.load_scenario(sys.argv[1])
loaded = time.perf_counter()
result = eipopt.solve(scenario, threads=1, baseline=False, time_limit=float(sys.argv[2]))
print(json.dumps({"load": loaded - started, "seconds": time.perf_counter() - loaded, "status": result.summary["status"],
                  "objective": result.summary["objective_value"], "gap": result.summary["mip_gap"],
                  "peak_mb": peak_mb()}))
"""

_HIGHS_CHILD = _PEAK + """
import json, sys, time
import highspy
started = time.perf_counter()
highs = highspy.Highs()
highs.setOptionValue("output_flag", False)
highs.readModel(sys.argv[1])
for option, value in (("threads", 1), ("mip_rel_gap", float(sys.argv[2])), ("time_limit", float(sys.argv[3]))):
    highs.setOptionValue(option, value)
highs.run()
info = highs.getInfo()
print(json.dumps({"seconds": time.perf_counter() - started, "status": highs.modelStatusToString(highs.getModelStatus()),
                  "objective": info.objective_function_value, "gap": info.mip_gap,
                  "peak_mb": peak_mb()}))
"""


def end_to_end(folder: Path, mps: Path, time_limit: float) -> dict[str, dict]:
    """eipopt (from a loaded scenario: build, hand-over, solve, extraction) vs HiGHS alone (read MPS + solve), each in a fresh process.

    Both solve with the same time limit: a 200k-column park may not be solved
    within it on a shared 2-core machine, and the record then says so (the
    ratio is then the overhead around an equal solver time).
    """
    runs = {}
    for name, code, arguments in (
        ("eipopt", _EIPOPT_CHILD, [str(folder), str(time_limit)]),
        ("highs", _HIGHS_CHILD, [str(mps), str(SYNTHETIC_GAP), str(time_limit)]),
    ):
        done = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True, cwd=ROOT)
        runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  end to end, {name}: {runs[name]['seconds']:.1f} s ({runs[name]['status']}), peak {runs[name]['peak_mb']:.0f} MB", flush=True)
    return runs


# --- 4. CLI start-up -----------------------------------------------------------------
def startup(repeats: int) -> dict[str, float]:
    """Median wall seconds of each command line, in fresh processes."""
    cli = str(Path(sys.executable).parent / "eipopt")
    commands = {
        "python -c 'import pyomo.environ, highspy' (floor)": [sys.executable, "-c", "import pyomo.environ, highspy"],
        "eipopt --help": [cli, "--help"],
        "eipopt validate scenarios/khanh_phu": [cli, "validate", "scenarios/khanh_phu"],
        "eipopt solve scenarios/khanh_phu --json": [cli, "solve", "scenarios/khanh_phu", "--json"],
    }
    seconds: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeats):  # interleaved, so that a change of the machine's load hits every command alike
        for label, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
            seconds[label].append(time.perf_counter() - started)
    medians = {label: statistics.median(values) for label, values in seconds.items()}
    for label, median in medians.items():
        print(f"  {label}: {median:.3f} s", flush=True)
    return medians


def build_only(sizes: list[int], time_limit: float) -> None:
    """Section 3 alone (build + hand-over, then end to end with peak memory, at each size): printed, not recorded."""
    with tempfile.TemporaryDirectory() as tmp:
        for columns in sizes:
            folder, mps = synthetic(Path(tmp) / f"park{columns}", columns), Path(tmp) / f"park{columns}.mps"
            build_and_handover(eipopt.load_scenario(folder), mps)
            runs = end_to_end(folder, mps, time_limit)
            eipopt_run, alone = runs["eipopt"], runs["highs"]
            print(f"  {columns:,} columns: end to end eipopt / HiGHS alone {eipopt_run['seconds'] / alone['seconds']:.2f}×, "
                  f"peak memory {eipopt_run['peak_mb'] / alone['peak_mb']:.2f}×", flush=True)


# --- the run -----------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 3 minutes on a shared 2-core machine), printed, not recorded")
    parser.add_argument("--cases", type=int, default=10, help="what-if cases per shipped park (default 10)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each command line (default 5)")
    parser.add_argument("--profile", action="store_true", help="print where the time goes instead of the benchmark")
    parser.add_argument("--profile-columns", type=int, default=50_000, help="synthetic park size profiled (default 50,000 columns)")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds for each end-to-end solve (default 120)")
    parser.add_argument("--no-record", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--build-only", type=int, nargs="*", metavar="COLUMNS",
                        help="only build + hand-over and end to end with peak memory, at these sizes (default 10,000 and 200,000 columns); printed, not recorded")
    args = parser.parse_args()
    HighsClock.install()
    if args.profile:
        from benchmarks.perf_profile import profile

        profile(args.profile_columns, 15)
        return
    if args.build_only is not None:
        build_only(args.build_only or [10_000, 200_000], args.time_limit)
        return
    quick = args.quick
    cases, repeats = (5, 3) if quick else (args.cases, args.repeats)
    whatif_sizes = {10_000: 2} if quick else {10_000: 5, 50_000: 2}
    sizes = [10_000] if quick else [10_000, 50_000, 100_000, 200_000]
    loads = [os.getloadavg()[0]]

    parks = {name: eipopt.load_scenario(ROOT / "scenarios" / name) for name in ("khanh_phu", "hiep_phuoc")}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("Same model: eipopt and the linopy port", flush=True)
        checks = [assert_same_model(name, scenario, relaxation=False) for name, scenario in parks.items()]
        check_park = eipopt.load_scenario(synthetic(tmp / "check", 10_000))
        checks.append(assert_same_model("synthetic park", check_park, relaxation=True))
        print("\n".join(f"  {c}" for c in checks))

        print("What-if re-solve", flush=True)
        whatifs = [what_if(name, scenario, *budget_cases(scenario, cases)) for name, scenario in parks.items()]
        for columns, count in whatif_sizes.items():
            scenario = check_park if columns == 10_000 else eipopt.load_scenario(synthetic(tmp / f"whatif{columns}", columns))
            prices = [2.0e6 * (0.8 + 0.4 * i / max(1, count - 1)) for i in range(count)]
            whatifs.append(what_if(f"synthetic {columns // 1000}k", scenario, "resources.electricity.buy_price", prices))

        print("Sweeps", flush=True)
        sweeps = {n: sweep_throughput(n) for n in ((16,) if quick else (16, 64))}

        print("Build + hand-over", flush=True)
        builds, files = [], {}
        for columns in sizes:
            files[columns] = (synthetic(tmp / f"park{columns}", columns), tmp / f"park{columns}.mps")
            builds.append(build_and_handover(eipopt.load_scenario(files[columns][0]), files[columns][1]))
        # the smallest size solves within the limit even on a loaded machine; the largest is the target's
        runs = {b.columns: end_to_end(*files[columns], args.time_limit) for b, columns in zip(builds, sizes, strict=True) if columns in (sizes[0], sizes[-1])}

        print("Command-line start-up", flush=True)
        cli = startup(repeats)
    loads.append(os.getloadavg()[0])

    command = ".venv/bin/python benchmarks/perf.py" + (" --quick" if quick else "") + ("" if args.time_limit == 120.0 else f" --time-limit {args.time_limit:g}")
    text = report(command, tuple(loads), checks, whatifs, sweeps, builds, runs, cli, mip_gap=SYNTHETIC_GAP, time_limit=args.time_limit)
    print()
    print(text)
    if not (quick or args.no_record):
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
