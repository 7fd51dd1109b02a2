"""Solving cases where they run: in this process, in a worker process, or on a Dask worker.

Each place keeps one :class:`CaseRunner`, and so one
:class:`~eipopt.ScenarioSolver`, for all the cases it is given: the model is
built once and re-parameterised for every case that changes only numbers (a
case that changes the structure is rebuilt by the solver itself). Every HiGHS
run uses one thread; the parallelism is across cases.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
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
_process_results: Any = None


def init_process(scenario: Scenario, objective: str | None, parent_pid: int | None = None, results: Any = None) -> None:
    """Pool initializer: die with the sweep's process, and keep this process's runner for all its cases.

    ``results`` (a ``multiprocessing`` queue) receives each case's outcome as it finishes.
    """
    global _process_runner, _process_results
    # A forked worker inherits the sweep's handlers: it ends at once when the sweep terminates it (even
    # mid-solve), and leaves Ctrl-C to the sweep's process, which stops every worker.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        die_with_parent(parent_pid)
    _process_runner = CaseRunner(scenario, objective)
    _process_results = results


#: Seconds between checks that the sweep's process is alive, where the OS cannot tell a worker itself.
PARENT_POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """End this worker when the process that started it dies, even by SIGKILL, even mid-solve.

    On Linux the kernel sends SIGKILL to the worker when its parent dies
    (``PR_SET_PDEATHSIG``), which stops a HiGHS run at once. Elsewhere a
    daemon thread polls the parent's pid. A parent already gone ends the worker now.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="eipopt-parent-watch").start()
    if os.getppid() != parent_pid:  # it died before the signal was armed
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def run_chunk_in_process(chunk: list[tuple[str, dict[str, Any]]]) -> int:
    """Pool task: a chunk of cases (key, overrides) on this process's runner, each outcome sent as it finishes."""
    for key, overrides in chunk:
        _process_results.put(_process_runner.run(key, overrides))
    return len(chunk)


# --- Dask workers ----------------------------------------------------------------

_thread_state = threading.local()


def run_chunk_on_dask_worker(scenario: Scenario, fingerprint: str, objective: str | None, chunk: list[tuple[str, dict[str, Any]]]) -> list[CaseOutcome]:
    """Dask task: a chunk of cases (key, overrides) on the runner this worker thread keeps for the sweep's scenario.

    A Pyomo model is not thread-safe, so each worker thread keeps its own
    runner, replaced when a task of another sweep (scenario or objective) arrives.
    """
    identity = (fingerprint, objective)
    if getattr(_thread_state, "identity", None) != identity:
        _thread_state.runner = CaseRunner(scenario, objective)
        _thread_state.identity = identity
    return [_thread_state.runner.run(key, overrides) for key, overrides in chunk]
