"""The benchmark: larger published instances through eipopt, against HiGHS alone.

Run from the repository root::

    .venv/bin/python -m benchmarks.run                      # the default set, results in benchmarks/results/
    .venv/bin/python -m benchmarks.run --instances capa-8000 k10x90 --time-limit 60 --jobs 1 --out out/bench

For every instance, in a fresh process each (so peak memory is the instance's own):

1. eipopt: read the public file, build the scenario, ``eipopt.write_scenario`` it
   to a temporary folder, ``eipopt.load_scenario`` it back and
   ``eipopt.solve(..., baseline=False)``; record status, objective, MIP gap,
   the time of each step and the peak resident memory (``ru_maxrss``);
2. HiGHS alone: eipopt's model of the same scenario written to MPS, read and
   solved by ``highspy`` with the same options (one more fresh process, so its
   peak memory is HiGHS' own plus the interpreter).

Instances run ``--jobs`` at a time (default 2, one HiGHS thread each; the two
runs of one instance one after the other). Results: ``published_optima.csv``
(one row per instance) and ``published_optima.md`` (the table and the machine)
in the output folder. This is a benchmark, not a test: an instance that hits
its time limit is recorded with its status and gap.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import multiprocessing
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks.data import data_root, published_optima
from benchmarks.readers import InstanceFile, instances

RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: capa, capb, capc at their four published capacities (100 warehouses x 1,000 customers).
CFLP_LARGE = tuple(f"{stem}-{capacity}" for stem, capacities in (
    ("capa", (8000, 10000, 12000, 14000)),
    ("capb", (5000, 6000, 7000, 8000)),
    ("capc", (5000, 5750, 6500, 7250)),
) for capacity in capacities)

#: FCNetLib instances the test suite leaves to the benchmark (every one it does not
#: run): slower than a few seconds here, or with a published value that is only
#: best known (italic in FCNetLib's table).
FCNET_LARGE = (
    "beasleyC2", "beasleyC3", "berlin", "brasil", "fixnet6",
    "g150x1100", "g150x1650", "g180x666", "g200x740", "g200x740b", "g200x740c", "g200x740d",
    "g200x740e", "g200x740f", "g200x740g", "g200x740h", "g200x740i", "g50x170", "g55x188",
    "h50x2450", "h50x2450b", "h50x2450c", "h50x2450d", "h50x2450e", "h80x6320b", "h80x6320c", "h80x6320d",
    "k14x182", "k14x182b", "k15x420", "k15x630", "k16x240", "k16x240b", "k20x380",
    "l451x885", "l451x885b", "mc11", "mc7", "mc8", "mtest4ma",
    "p100x588", "p100x588b", "p200x1188", "p200x1188b", "p500x2988", "p500x2988b", "p500x2988c",
    "p50x288", "p50x288b", "p50x864", "p80x400", "p80x400b", "r20x200", "r30x160", "r50x360", "r80x800",
)

DEFAULT_INSTANCES = FCNET_LARGE + CFLP_LARGE
CSV_NAME, MARKDOWN_NAME = "published_optima.csv", "published_optima.md"
DEFAULT_TIME_LIMIT = 20.0
DEFAULT_JOBS = 2

COLUMNS = (
    "instance", "family", "links", "published", "proven", "status", "objective", "rel_diff", "matches_published",
    "mip_gap", "time_limit", "convert_s", "write_load_s", "build_s", "solve_s", "eipopt_s",
    "peak_rss_mb", "highs_status", "highs_objective", "highs_mip_gap", "highs_s", "highs_peak_rss_mb",
    "time_ratio", "api_ratio", "mps_write_s", "row_s",
)


@dataclass(frozen=True)
class Options:
    """What every instance run uses."""

    time_limit: float
    reference: bool


def _peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _eipopt_child(source: InstanceFile, time_limit: float, mps_path: Path | None) -> dict:
    """In a fresh process: the instance through eipopt's public API; then, if asked, its model as MPS.

    The peak memory is read before the MPS file is written, so it is the solve's own.
    """
    from benchmarks.readers import solve_instance
    from benchmarks.reference import write_mps

    run = solve_instance(source, time_limit=time_limit)
    summary = run.result.summary
    row = {
        "status": summary["status"],
        "objective": summary["objective_value"],
        "mip_gap": summary["mip_gap"],
        "links": len(run.scenario.links),
        "convert_s": run.convert_seconds,
        "write_load_s": run.write_load_seconds,
        "build_s": run.build_seconds,
        "solve_s": run.solve_seconds,
        "eipopt_s": run.api_seconds,
        "peak_rss_mb": _peak_rss_mb(),
    }
    if mps_path is not None:
        started = time.perf_counter()
        write_mps(run.scenario, mps_path)
        row["mps_write_s"] = time.perf_counter() - started
    return row


def _highs_child(path: Path, time_limit: float) -> dict:
    """In a fresh process: HiGHS alone reads and solves the MPS file."""
    from benchmarks.reference import solve_mps

    run = solve_mps(path, time_limit=time_limit)
    return {
        "highs_status": run.status,
        "highs_objective": run.objective,
        "highs_mip_gap": run.mip_gap,
        "highs_s": run.seconds,
        "highs_peak_rss_mb": _peak_rss_mb(),
    }


def _in_fresh_process(function, *args):
    """Run ``function(*args)`` in a new interpreter (spawn) and return its value."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=1, maxtasksperchild=1) as pool:
        return pool.apply(function, args)


def run_instance(source: InstanceFile, published, options: Options) -> dict:
    """One row of the results table."""
    started = time.perf_counter()
    row: dict = {"instance": source.name, "family": source.family, "time_limit": options.time_limit}
    if published is not None:
        row.update(published=published.value, proven=published.proven)
    with tempfile.TemporaryDirectory(prefix="eipopt-bench-") as tmp:
        mps = Path(tmp) / f"{source.name}.mps" if options.reference else None
        row.update(_in_fresh_process(_eipopt_child, source, options.time_limit, mps))
        if mps is not None:
            row.update(_in_fresh_process(_highs_child, mps, options.time_limit))
            if row["highs_s"]:
                row["time_ratio"] = (row["build_s"] + row["solve_s"]) / row["highs_s"]
                row["api_ratio"] = row["eipopt_s"] / row["highs_s"]
    if row["objective"] is not None and published is not None:
        row["rel_diff"] = (row["objective"] - published.value) / abs(published.value)
        row["matches_published"] = published.matches(row["objective"])
    row["row_s"] = time.perf_counter() - started
    return row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def write_csv(rows: Sequence[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in COLUMNS})


def _fmt(value, spec: str) -> str:
    return "" if value is None or value == "" else format(value, spec)


def markdown_table(rows: Sequence[dict]) -> str:
    """The results as a Markdown table (times in seconds, memory in MB)."""
    head = (
        "| instance | links | published | status | objective | rel. diff | MIP gap | build s | solve s | API s "
        "| peak MB | HiGHS status | HiGHS s | HiGHS MB | ratio | API ratio |\n"
        "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|\n"
    )
    lines = []
    for r in rows:
        published = _fmt(r.get("published"), ".6f").rstrip("0").rstrip(".")
        if r.get("proven") is False:
            published = f"_{published}_ (best known)"
        lines.append(
            f"| {r['instance']} | {r.get('links', '')} | {published} | {r['status']} | {_fmt(r.get('objective'), '.6f')} | "
            f"{_fmt(r.get('rel_diff'), '.1e')} | {_fmt(r.get('mip_gap'), '.2%')} | {_fmt(r.get('build_s'), '.1f')} | "
            f"{_fmt(r.get('solve_s'), '.1f')} | {_fmt(r.get('eipopt_s'), '.1f')} | {_fmt(r.get('peak_rss_mb'), '.0f')} | "
            f"{r.get('highs_status', '')} | {_fmt(r.get('highs_s'), '.1f')} | {_fmt(r.get('highs_peak_rss_mb'), '.0f')} | "
            f"{_fmt(r.get('time_ratio'), '.2f')} | {_fmt(r.get('api_ratio'), '.2f')} |"
        )
    return head + "\n".join(lines) + "\n"


def _code_version() -> str:
    """The repository commit benchmarked, and whether the core had uncommitted changes."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "model", "solvers", "eipopt"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {commit}" + (" with uncommitted changes to the core" if changed else "")


def _versions() -> str:
    return f"Python {platform.python_version()}, pyomo {version('pyomo')}, highspy {version('highspy')}"


def write_markdown(rows: Sequence[dict], path: Path, command: str, seconds: float, jobs: int) -> None:
    optimal = [r["instance"] for r in rows if r["status"] == "optimal"]
    at_limit = [r["instance"] for r in rows if r["status"] != "optimal"]
    text = (
        "# Published optima: benchmark results\n\n"
        f"Command: `{command}` ({_code_version()})  \n"
        f"Run: {dt.date.today().isoformat()}, {seconds / 60:.1f} min in all, on {platform.machine()} "
        f"{platform.system()} ({multiprocessing.cpu_count()} cores), {_versions()}; {jobs} instance(s) at a time.\n\n"
        "Times are wall-clock seconds. *build*: eipopt's model build; *solve*: HiGHS as called by eipopt "
        "(Pyomo loading the model into HiGHS included); *API s*: the whole `eipopt.solve` call (build, solve "
        "and result tables); *HiGHS s*: HiGHS alone reading and solving eipopt's model written to MPS, with "
        "the same time limit and options; *ratio* = (build + solve) / HiGHS s; *API ratio* = API s / HiGHS s. "
        f"Reading the public file, validating the scenario, writing and loading it back are in {CSV_NAME} "
        "(`convert_s`, `write_load_s`), not in these columns. Peak memory: peak resident set size "
        "(`ru_maxrss`) of a fresh process per run, interpreter and imports included. *rel. diff* = "
        "(objective - published) / published.\n\n"
        f"Solved to optimality ({len(optimal)}): {', '.join(optimal) or 'none'}.  \n"
        f"Stopped at the time limit ({len(at_limit)}): {', '.join(at_limit) or 'none'}.\n\n"
        + markdown_table(rows)
    )
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="+", metavar="NAME", help="instance ids (default: the benchmark set)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per solve (eipopt and HiGHS each)")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="instances run at a time (one HiGHS thread each)")
    parser.add_argument("--no-reference", action="store_true", help="skip HiGHS alone on the MPS file")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help=f"folder for {CSV_NAME} and {MARKDOWN_NAME}")
    args = parser.parse_args(argv)

    catalogue = instances()
    if not catalogue:
        parser.error(f"no benchmark data in {data_root()}; set EIPOPT_BENCHMARK_DATA")
    names = args.instances or list(DEFAULT_INSTANCES)
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        parser.error(f"unknown instances: {unknown}")
    optima = published_optima()
    options = Options(args.time_limit, not args.no_reference)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:  # threads only wait for their processes
        futures = {pool.submit(run_instance, catalogue[name], optima.get(name), options): name for name in names}
        for future in as_completed(futures):
            row = done[futures[future]] = future.result()
            print(
                f"{row['instance']:14s} {row['status']:9s} objective {_fmt(row.get('objective'), '.6f'):>18s} "
                f"published {_fmt(row.get('published'), '.3f'):>16s} gap {_fmt(row.get('mip_gap'), '.2%'):>7s} "
                f"eipopt {row['build_s'] + row['solve_s']:7.1f}s HiGHS {_fmt(row.get('highs_s'), '7.1f')}s",
                flush=True,
            )
            write_csv([done[n] for n in names if n in done], args.out / CSV_NAME)
    rows = [done[n] for n in names]
    command = "python -m benchmarks.run" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    write_markdown(rows, args.out / MARKDOWN_NAME, command, time.perf_counter() - started, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
