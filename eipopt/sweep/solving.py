"""Solving cases where they run: in this process, in a worker process, or on a Dask worker.

Each place keeps one :class:`CaseRunner`, and so one
:class:`~eipopt.ScenarioSolver`, for all the cases it is given: the model is
built once and re-parameterised for every case that changes only numbers (a
case that changes the structure is rebuilt by the solver itself). Every HiGHS
run uses one thread; the parallelism is across cases.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from eipopt.api import ScenarioSolver
from eipopt.model import Scenario, ScenarioError
from eipopt.sweep.store import CaseOutcome


class CaseRunner:
    """Solve cases (override dicts) of one base scenario with one reused model."""

    def __init__(self, scenario: Scenario, objective: str | None = None):
        self.scenario = scenario
        self.objective = objective
        self.solver = ScenarioSolver(threads=1)

    def run(self, key: str, overrides: dict[str, Any]) -> CaseOutcome:
        """Apply the overrides and solve; an invalid override or a failure is returned, never raised."""
        started = time.perf_counter()
        try:
            variant = self.scenario.with_overrides(overrides) if overrides else self.scenario
            result = self.solver.solve(variant, self.objective)
        except ScenarioError as error:
            return CaseOutcome(key, "invalid", None, "; ".join(str(p) for p in error.problems), time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - a failing case is recorded and the sweep goes on
            self.solver = ScenarioSolver(threads=1)  # its model may be half-updated
            return CaseOutcome(key, "error", None, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        summary = json.loads(result.to_json(indent=None))
        error = (summary.get("solver_message") or "solver error") if summary["status"] == "error" else ""
        return CaseOutcome(key, summary["status"], summary, error, time.perf_counter() - started)


# --- local worker processes (concurrent.futures) -------------------------------

_process_runner: CaseRunner | None = None


def init_process(scenario: Scenario, objective: str | None) -> None:
    """Pool initializer: this process's runner for all the cases it will be given."""
    global _process_runner
    _process_runner = CaseRunner(scenario, objective)


def run_in_process(key: str, overrides: dict[str, Any]) -> CaseOutcome:
    """Pool task: one case on this process's runner."""
    return _process_runner.run(key, overrides)


# --- Dask workers ----------------------------------------------------------------

_thread_state = threading.local()


def run_on_dask_worker(scenario: Scenario, fingerprint: str, objective: str | None, key: str, overrides: dict[str, Any]) -> CaseOutcome:
    """Dask task: one case on the runner this worker thread keeps for the sweep's scenario.

    A Pyomo model is not thread-safe, so each worker thread keeps its own
    runner, replaced when a task of another sweep (scenario or objective) arrives.
    """
    identity = (fingerprint, objective)
    if getattr(_thread_state, "identity", None) != identity:
        _thread_state.runner = CaseRunner(scenario, objective)
        _thread_state.identity = identity
    return _thread_state.runner.run(key, overrides)
