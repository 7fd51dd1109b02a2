"""One entry point per instance id: read the public file, write the eipopt scenario, solve it.

Instance ids are the file stems (``cap41``, ``k10x90``), and for capa/capb/capc
the stem with the capacity (``capa-8000``). Solving goes through the public
API only: the scenario is written with :func:`eipopt.write_scenario` to a
folder, loaded back with :func:`eipopt.load_scenario` and solved with
:func:`eipopt.solve` (``baseline=False``: with no link built nothing reaches
the customers, so the baseline is infeasible by construction).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import eipopt
from benchmarks.data import cap_instance_name, data_root, instance_files, read_cap_optima
from benchmarks.fcnet import read_fcnet
from benchmarks.orlib_cap import read_cflp
from benchmarks.scenarios import cflp_scenario, fcnet_scenario
from eipopt.model import Scenario


@dataclass(frozen=True)
class InstanceFile:
    """Where an instance comes from: its file, family and (capa/b/c only) capacity."""

    name: str
    family: str  # "cflp" or "fcnet"
    path: Path
    capacity: float | None = None


def instances(root: Path | None = None) -> dict[str, InstanceFile]:
    """Every instance id in the data folder; capa/capb/capc once per capacity listed in capopt.txt."""
    root = root or data_root()
    files = instance_files(root)
    capacities: dict[str, list[float]] = {}
    capopt = root / "orlib_cap" / "capopt.txt"
    if capopt.is_file():
        for optimum in read_cap_optima(capopt.read_text(encoding="utf-8")).values():
            if optimum.capacity is not None:
                stem = optimum.instance.split("-", 1)[0]
                capacities.setdefault(stem, []).append(optimum.capacity)
    found: dict[str, InstanceFile] = {}
    for stem, path in files.items():
        if path.suffix == ".inc":
            found[stem] = InstanceFile(stem, "fcnet", path)
        elif stem in capacities:
            for capacity in capacities[stem]:
                name = cap_instance_name(stem, capacity)
                found[name] = InstanceFile(name, "cflp", path, capacity)
        else:
            found[stem] = InstanceFile(stem, "cflp", path)
    return found


def read_instance(source: InstanceFile):
    """The parsed instance (:class:`~benchmarks.orlib_cap.CflpInstance` or :class:`~benchmarks.fcnet.FcnetInstance`)."""
    text = source.path.read_text(encoding="utf-8")
    if source.family == "cflp":
        return read_cflp(text, source.name, source.capacity)
    return read_fcnet(text, source.name)


def scenario_for(source: InstanceFile, time_limit: float | None = None) -> Scenario:
    """The instance as a validated eipopt scenario (not yet written anywhere)."""
    instance = read_instance(source)
    if source.family == "cflp":
        return cflp_scenario(instance, time_limit)
    return fcnet_scenario(instance, time_limit)


@dataclass(frozen=True)
class InstanceRun:
    """One instance solved through the public API, with where the time went."""

    name: str
    scenario: Scenario  # as loaded back from the written folder
    result: eipopt.Result
    convert_seconds: float  # read the public file, build and validate the scenario
    write_load_seconds: float  # eipopt.write_scenario + eipopt.load_scenario
    build_seconds: float  # eipopt's model build (summary["build_seconds"])
    solve_seconds: float  # HiGHS, as eipopt reports it (summary["solve_seconds"])
    api_seconds: float  # the whole eipopt.solve call

    @property
    def objective(self) -> float | None:
        return self.result.summary["objective_value"]


def solve_instance(source: InstanceFile, time_limit: float | None = None, scenario_dir: Path | None = None) -> InstanceRun:
    """Convert, write, load back and solve one instance; the scenario folder is temporary unless given."""
    started = time.perf_counter()
    scenario = scenario_for(source, time_limit)
    converted = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"eipopt-{source.name}-") as tmp:
        folder = eipopt.write_scenario(scenario, scenario_dir or Path(tmp) / source.name)
        loaded = eipopt.load_scenario(folder)
        written = time.perf_counter()
        result = eipopt.solve(loaded, baseline=False)
        solved = time.perf_counter()
    summary = result.summary
    return InstanceRun(
        name=source.name,
        scenario=loaded,
        result=result,
        convert_seconds=converted - started,
        write_load_seconds=written - converted,
        build_seconds=float(summary["build_seconds"]),
        solve_seconds=float(summary["solve_seconds"]),
        api_seconds=solved - written,
    )
