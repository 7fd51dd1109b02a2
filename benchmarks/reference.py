"""HiGHS alone on the same model: the yardstick for eipopt's build and solve time.

The benchmark writes eipopt's own Pyomo model of a scenario (cost objective)
to MPS, then times ``highspy.Highs().readModel(mps)`` + ``run()`` with the
same options eipopt passes (time limit, ``mip_rel_gap`` 0, one thread).
The ratio (eipopt build + solve) / (HiGHS read + solve) is the price of the
modelling layer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import highspy

from eipopt.model import Objective, Scenario, build_model


def write_mps(scenario: Scenario, path: Path) -> Path:
    """eipopt's model of ``scenario``, minimising annual cost, as MPS (generic labels)."""
    park = build_model(scenario)
    park.use_objective(Objective.COST)
    park.model.write(str(path), format="mps", io_options={"symbolic_solver_labels": False})
    return path


@dataclass(frozen=True)
class ReferenceRun:
    """HiGHS on an MPS file: status, objective, gap and time (read + solve)."""

    status: str
    objective: float | None
    mip_gap: float | None
    read_seconds: float
    solve_seconds: float

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.solve_seconds


def solve_mps(path: Path, time_limit: float | None = None, threads: int = 1) -> ReferenceRun:
    """Read and solve an MPS file with HiGHS (mip_rel_gap 0, no output)."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("threads", threads)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    started = time.perf_counter()
    highs.readModel(str(path))
    read = time.perf_counter()
    highs.run()
    solved = time.perf_counter()
    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    return ReferenceRun(
        status=highs.modelStatusToString(status),
        objective=float(info.objective_function_value) if has_solution else None,
        mip_gap=float(info.mip_gap) if has_solution else None,
        read_seconds=read - started,
        solve_seconds=solved - read,
    )
