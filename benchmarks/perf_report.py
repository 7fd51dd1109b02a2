"""The record of ``benchmarks/perf.py``: the targets beside their measured ratios, the machine, the tables."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.perf import Build, WhatIf

ROOT = Path(__file__).resolve().parents[1]


# --- targets and the record ------------------------------------------------------------
@dataclass
class Target:
    name: str
    measured: float | None
    target: float
    at_most: bool  # the target is an upper bound (else a lower bound)
    unit: str = "×"
    today: str = ""
    caveat: str = ""  # a reason the ratio is no verdict (then shown instead)

    @property
    def verdict(self) -> str:
        if self.caveat:
            return self.caveat
        if self.measured is None or not math.isfinite(self.measured):
            return "not measured"
        if (self.measured <= self.target) if self.at_most else (self.measured >= self.target):
            return "met"
        factor = self.measured / self.target if self.at_most else self.target / self.measured
        return f"missed by {factor:.1f}×"


def targets(whatifs: list[WhatIf], sweeps: dict[int, dict[int, float]], builds: list[Build], runs: dict | None, cli: dict[str, float]) -> list[Target]:
    """The issue's targets with the ratios of this run (None where this run did not measure them)."""
    park = next((w for w in whatifs if w.label == "hiep_phuoc"), None)
    largest = builds[-1] if builds else None
    floor = next(v for k, v in cli.items() if "floor" in k)

    def ratio(a, b):
        return None if a is None or b is None else a / b

    size = f"at {largest.columns:,} columns" if largest else ""
    runs = runs.get(largest.columns) if runs and largest else None
    unsolved = runs and not _solved(runs)
    return [
        Target("what-if re-solve, hiep_phuoc: overhead outside HiGHS / HiGHS time", ratio(park and park.overhead, park and park.resolve_highs), 1.0, True, today="3.6×"),
        Target("what-if re-solve, hiep_phuoc: rebuild / re-solve", ratio(park and park.rebuild, park and park.resolve), 4.0, False, today="1.1–1.6×"),
        Target("sweep, amata 64 cases: 2 workers / 1 worker", ratio(sweeps.get(64, {}).get(2), sweeps.get(64, {}).get(1)), 1.7, False, today="1.3×"),
        Target("sweep, amata 16 cases: 2 workers / 1 worker", ratio(sweeps.get(16, {}).get(2), sweeps.get(16, {}).get(1)), 1.3, False, today="0.8×"),
        Target(f"build + hand-over {size}: eipopt / linopy", ratio(largest and largest.eipopt, largest and largest.linopy), 3.0, True, today="11× at 203k"),
        Target(f"end to end {size}: eipopt / HiGHS alone", ratio(runs and runs["eipopt"]["seconds"], runs and runs["highs"]["seconds"]), 1.1, True, today="1.19× at 203k",
               caveat="no verdict: not both solved within the time limit" if unsolved else ""),
        Target(f"peak memory {size}: eipopt / HiGHS alone", ratio(runs and runs["eipopt"]["peak_mb"], runs and runs["highs"]["peak_mb"]), 1.6, True, today="2.4× at 203k"),
        Target("`eipopt --help`", cli.get("eipopt --help"), 0.25, True, unit=" s", today="0.68 s"),
        Target("`eipopt solve scenarios/khanh_phu --json` / import floor", ratio(cli.get("eipopt solve scenarios/khanh_phu --json"), floor), 1.5, True),
    ]


def machine() -> str:
    """nproc, CPU model, memory, versions: the lines that make a record comparable."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), platform.processor())
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    memory = next((int(line.split()[1]) / 1024**2 for line in meminfo.splitlines() if line.startswith("MemTotal")), float("nan"))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{p} {_version(p)}" for p in ("pyomo", "highspy", "linopy", "pandas"))
    return f"{cpus} CPUs ({model}), {memory:.1f} GiB memory, {platform.system()} {platform.machine()}; Python {platform.python_version()}, {versions}"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if dirty else "")


def report(command: str, loads: tuple, checks: list[str], whatifs, sweeps, builds, runs, cli, *, mip_gap: float, time_limit: float) -> str:
    """The run as Markdown (the record)."""
    def seconds_ms(value):
        return f"{value * 1000:.1f} ms"

    lines = [
        "# Performance benchmark", "",
        f"Command: `{command}`, commit {_commit()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {machine()}.",
        f"Load average (1 min) at start {loads[0]:.2f}, at end {loads[1]:.2f}: the machine was shared, so figures above "
        "the load-free ones are possible; ratios within one run are the comparable figures.",
        "One HiGHS thread everywhere; no baseline solve on either side of a comparison.", "",
        "## Targets", "",
        "| target | measured | goal | verdict | when the issue was filed |", "|---|---:|---:|---|---:|",
        *[f"| {t.name} | {'—' if t.measured is None else f'{t.measured:.2f}{t.unit}'} | {'≤' if t.at_most else '≥'} {t.target:g}{t.unit} | {t.verdict} | {t.today} |"
          for t in targets(whatifs, sweeps, builds, runs, cli)],
        "", "## Same model: eipopt vs the linopy port", "", *[f"- {c}" for c in checks],
        "", "## What-if re-solve (median per case)", "",
        "| park | columns | changed | cases | eipopt re-solve | of which HiGHS | overhead outside HiGHS | rebuild per case | HiGHS alone (change + run) | re-solve / HiGHS alone | max rel. objective diff. |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {w.label} | {w.columns:,} | `{w.key}` | {w.cases} | {seconds_ms(w.resolve)} | {seconds_ms(w.resolve_highs)} | {seconds_ms(w.overhead)} "
          f"| {seconds_ms(w.rebuild)} | {seconds_ms(w.alone)} | {w.resolve / w.alone:.1f}× | {w.max_difference:.1e} |" for w in whatifs],
        "", "eipopt re-solve: `with_overrides` + `ScenarioSolver.solve` on the built model; HiGHS time is the time inside "
        "`Highs.run`. HiGHS alone holds a copy of eipopt's loaded model and makes the change with `changeRowBounds` "
        f"(budget limit) or `changeColsCost` (price). Synthetic parks are solved to a relative MIP gap of {mip_gap:g}, "
        "so two solves may stop at different incumbents within it.",
        "", "## Warm start (`solver.warm_start`, off by default; median per case, the same cases)", "",
        "| park | eipopt re-solve, cold | eipopt re-solve, warm | cold / warm | HiGHS alone, cold | HiGHS alone, warm | cold / warm | max rel. objective diff., warm vs cold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {w.label} | {seconds_ms(w.resolve)} | {seconds_ms(w.warm)} | {w.resolve / w.warm:.2f}× | {seconds_ms(w.alone)} "
          f"| {seconds_ms(w.alone_warm)} | {w.alone / w.alone_warm:.2f}× | {w.warm_difference:.1e} |" for w in whatifs],
        "", "Warm: each run starts from the previous case's solution (eipopt's `warm_start`; HiGHS alone `setSolution` with its "
        "previous solution before the change and the run). HiGHS takes it as its first incumbent when it is still feasible. "
        "Objective differences are within the MIP gap: HiGHS stops at whichever plan within the gap it holds.",
        "", "## Sweep throughput (amata, `eipopt.sweep.sweep`, the first sweep of a fresh process: the model's build included)", "",
        "Medians of 3 fresh processes per setting, interleaved (`benchmarks/sweep_scaling.py` has the later sweeps and other ways"
        " of starting workers).", "",
        "| cases | 1 worker | 2 workers | 2 / 1 |", "|---:|---:|---:|---:|",
        *[f"| {n} | {r[1]:.2f} cases/s | {r[2]:.2f} cases/s | {r[2] / r[1]:.2f}× |" for n, r in sweeps.items()],
        "", "## Build + hand-over to HiGHS (seconds)", "",
        "| columns | rows | eipopt build | eipopt hand-over | eipopt total | linopy build | linopy hand-over | linopy total | eipopt / linopy | HiGHS reads MPS | eipopt / MPS read |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {b.columns:,} | {b.rows:,} | {b.eipopt_build:.2f} | {b.eipopt_handover:.2f} | {b.eipopt:.2f} | {b.linopy_build:.2f} | "
          f"{b.linopy_handover:.2f} | {b.linopy:.2f} | {b.eipopt / b.linopy:.1f}× | {b.mps_read:.2f} | {b.eipopt / b.mps_read:.1f}× |" for b in builds],
        "", "Medians of 3 runs, eipopt's and linopy's interleaved. Both builds start from the scenario's model data, computed once"
        " before either is timed; "
        "eipopt's hand-over is the solver layer compiling the Pyomo model to a matrix and passing it to HiGHS in one call, linopy's its direct (matrix) interface.",
    ]
    if runs:
        lines += [
            "", "## End to end and peak memory (each in a fresh process)", "",
            "| columns | | seconds | status | MIP gap | objective | peak RSS |", "|---:|---|---:|---|---:|---:|---:|",
        ]
        for columns, run in runs.items():
            e, h = run["eipopt"], run["highs"]
            lines += [
                f"| {columns:,} | eipopt: build, hand-over, solve, extraction (+ {e['load']:.1f} s loading the scenario) | {e['seconds']:.1f} | {e['status']} | {_gap(e['gap'])} | {_objective(e['objective'])} | {e['peak_mb']:.0f} MB |",
                f"| {columns:,} | HiGHS alone: read MPS and solve | {h['seconds']:.1f} | {h['status']} | {_gap(h['gap'])} | {_objective(h['objective'])} | {h['peak_mb']:.0f} MB |",
            ]
        lines += [
            "", f"Relative MIP gap {mip_gap:g}, time limit {time_limit:g} s for both. Peak RSS includes each process's imports "
            "(eipopt's: pandas, Pyomo, pint).",
            *([] if all(_solved(run) for run in runs.values()) else [
                "Where not both are solved to the gap within the time limit, the end-to-end ratio compares the work "
                "around an equal solver time, not two solutions (HiGHS checks its time limit between steps of its "
                "search, so a loaded machine can take it well past the limit)."]),
        ]
    lines += ["", "## Command-line start-up (median of fresh processes)", "", "| command | seconds |", "|---|---:|",
              *[f"| `{k}` | {v:.3f} |" for k, v in cli.items()]]
    extras = [f"{name} {_version(name)}" for name in ("numexpr", "bottleneck", "scipy") if _version(name) != "not installed"]
    if extras:
        lines += ["", f"Installed here with the bench extra (linopy brings them): {', '.join(extras)}. pandas imports numexpr and "
                  "bottleneck whenever they are installed, and pint imports scipy (`pint/compat.py`) when eipopt needs pint "
                  "(units it has not seen before), so a command's start-up here includes them; a user's install without "
                  "the extra has none of them."]
    return "\n".join(lines) + "\n"


def _solved(run: dict) -> bool:
    return run["eipopt"]["status"] == "optimal" and run["highs"]["status"] == "Optimal"


def _gap(value) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.2%}"


def _objective(value) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value / 1e9:,.1f} billion VND/yr"
