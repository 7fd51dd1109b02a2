"""Where the time goes: ``benchmarks/perf.py --profile`` (the diagnosis in docs/performance.md).

cProfile's top entries of the what-if re-solve path, the build and the
hand-over, with their share of the profiled time, and the top-level imports
of ``eipopt --help`` (``python -X importtime``).
"""

from __future__ import annotations

import cProfile
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

import eipopt
from benchmarks.perf import ROOT, loaded_highs, synthetic
from benchmarks.sweep_reuse import budget_cases
from eipopt.model import build_model


# --- where the time goes (--profile) -----------------------------------------------------
def profile(columns: int, top: int) -> None:
    """Print the top functions of the re-solve path, the build and the hand-over, and the top imports of start-up."""
    scenario = eipopt.load_scenario(ROOT / "scenarios" / "hiep_phuoc")
    key, values = budget_cases(scenario, 10)
    solver = eipopt.ScenarioSolver(threads=1, baseline=False)
    solver.solve(scenario)
    _profiled("what-if re-solve, hiep_phuoc, 10 cases", lambda: [solver.solve(scenario.with_overrides({key: v})) for v in values], top)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = eipopt.load_scenario(synthetic(Path(tmp) / "park", columns))
        park = _profiled(f"build_model, synthetic park of about {columns:,} columns", lambda: build_model(scenario), top)
        _profiled("hand-over to HiGHS (matrix, one passModel)", lambda: loaded_highs(park), top)
    _imports(top)


def _profiled(title: str, work, top: int):
    """Run ``work`` under cProfile; print its top entries by own time and by cumulative time, with their share."""
    profiler = cProfile.Profile()
    result = profiler.runcall(work)
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values())
    print(f"\n### {title}: {total:.2f} s profiled\n")
    for heading, column in (("own time", 2), ("cumulative time", 3)):
        print(f"| top by {heading} | calls | own | cumulative |\n|---|---:|---:|---:|")
        for (path, line, function), entry in sorted(stats.items(), key=lambda item: -item[1][column])[:top]:
            where = f"{'/'.join(Path(path).parts[-2:])}:{line}" if line else path
            print(f"| `{function}` ({where}) | {entry[1]:,} | {entry[2] / total:.0%} | {entry[3] / total:.0%} |")
        print()
    return result


def _imports(top: int) -> None:
    """Import time of ``eipopt --help`` by top-level package (own time of every module summed, ``python -X importtime``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(Path(sys.executable).parent / "eipopt"), "--help"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    packages: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            package = parts[2].strip().split(".")[0]
            packages[package] = packages.get(package, 0.0) + int(parts[0]) / 1e6
    total = sum(packages.values())
    print(f"\n### imports of `eipopt --help`: {total:.2f} s of import time\n\n| package | own import time | share |\n|---|---:|---:|")
    for package, seconds in sorted(packages.items(), key=lambda item: -item[1])[:top]:
        print(f"| {package} | {seconds:.3f} s | {seconds / total:.0%} |")
