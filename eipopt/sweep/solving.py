"""Solving cases where they run: in this process, in a worker process, or on a Dask worker.

Each place keeps one :class:`CaseRunner`, and so one
:class:`~eipopt.ScenarioSolver`, for all the cases it is given: the model is
built once and re-parameterised for every case that changes only numbers (a
case that changes the structure is rebuilt by the solver itself). Every HiGHS
run uses one thread; the parallelism is across cases.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
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
        self._prepared = False

    def prepare(self) -> None:
        """Build the base scenario's model and solve its baseline: done before the first case, or earlier when called.

        Every case is a what-if of the base scenario, whose model data it
        then derives from the base's by recomputing only what its overrides
        touch (without this step each case would compute all of it), and whose
        baseline it shares when its overrides cannot change the baseline. A
        copy of a prepared runner (a forked worker) starts with all of it.
        A failure is not raised here: each case meets it again and records it.
        """
        self._prepared = True
        try:
            self.solver.prepare(self.scenario)
        except Exception:  # noqa: BLE001 - reported by each case, which repeats this work
            self.solver = ScenarioSolver(threads=1)

    def run(self, key: str, overrides: dict[str, Any]) -> CaseOutcome:
        """Apply the overrides and solve; an invalid override or a failure is returned, never raised."""
        if not self._prepared:
            self.prepare()
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


# --- local worker processes ------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """A lane's request for its next chunk of cases; lane 0 is the sweep's own process, 1 to N - 1 the worker processes."""

    lane: int


@dataclass(frozen=True)
class LaneFailed:
    """A lane that cannot go on (it could not start, or its loop broke); ``error`` says why."""

    lane: int
    error: str


def work_in_process(lane: int, sweep_pid: int, inbox: Any, results: Any, runner: CaseRunner | None = None,
                    first_chunks: list | None = None) -> None:
    """A worker process: its runner, then chunks of cases from ``inbox`` until ``None``, each outcome to ``results``.

    A worker forked from the sweep's process is given the sweep's prepared
    ``runner`` (its model built and its baseline solved, copied with the
    process) and its ``first_chunks``, copied too. A worker from a fork server
    or a fresh interpreter builds its own runner: the first item in its
    ``inbox`` is the pickled scenario and objective (sent through the queue,
    not as arguments, so that starting the process never waits for its
    imports), and it asks for its first chunks (:class:`Ready`) once ready.
    After each chunk it asks for the next, so whoever is free takes it.
    """
    # A worker leaves Ctrl-C to the sweep's process, which stops every worker; SIGTERM ends it at once (even mid-solve).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(sweep_pid)
    try:
        if runner is None:
            scenario, objective = pickle.loads(inbox.get())
            runner = CaseRunner(scenario, objective)
        if first_chunks is None:
            results.put(Ready(lane))
        for chunk in _chunks_from(first_chunks, inbox):
            for key, overrides in chunk:
                results.put(runner.run(key, overrides))
            results.put(Ready(lane))
    except Exception as exc:  # noqa: BLE001 - reported to the sweep, which stops with the reason
        results.put(LaneFailed(lane, f"{type(exc).__name__}: {exc}"))


def _chunks_from(first_chunks: list | None, inbox: Any) -> Iterator[list]:
    """The chunks a lane was given when it started, then those from its inbox, until ``None``."""
    for chunk in itertools.chain(first_chunks or (), iter(inbox.get, None)):
        if chunk is None:
            return
        yield chunk


def work_here(runner: CaseRunner, inbox: queue.SimpleQueue, results: Any, stop: threading.Event, *, asks_first: bool = True) -> None:
    """The sweep's own process as a lane (run in a thread): chunks from ``inbox`` until ``None`` or ``stop``.

    It has eipopt imported already, so it solves from the first moment while
    the worker processes start; unless ``asks_first``, its first chunks are
    in its inbox already. A thread, so that the sweep's main thread stays
    free to commit results and to stop at Ctrl-C even while HiGHS runs here;
    a case it is solving when the sweep stops is discarded.
    """
    def send(message) -> bool:
        """Send unless the sweep has stopped (then the message is not wanted, and its queue may be closed)."""
        if stop.is_set():
            return False
        try:
            results.put(message)
        except ValueError:  # closed between the check and the put: the sweep has just ended
            return False
        return True

    try:
        if asks_first and not send(Ready(0)):
            return
        while (chunk := inbox.get()) is not None:
            if not all(send(runner.run(key, overrides)) for key, overrides in chunk) or not send(Ready(0)):
                return
    except Exception as exc:  # noqa: BLE001 - reported to the sweep, which stops with the reason
        send(LaneFailed(0, f"{type(exc).__name__}: {exc}"))


#: Seconds between checks that the sweep's process is alive, where the OS cannot tell a worker itself.
PARENT_POLL_SECONDS = 0.5


def die_with_parent(sweep_pid: int) -> None:
    """End this worker when the sweep's process dies, even by SIGKILL, even mid-solve.

    On Linux the kernel sends SIGKILL to the worker when the process that
    started it dies (``PR_SET_PDEATHSIG``), which stops a HiGHS run at once;
    that is the sweep's process (``spawn``) or the fork server, which ends when
    the sweep's process does (``forkserver``). Elsewhere a daemon thread polls
    the sweep's pid. A sweep already gone ends the worker now.
    """
    parent = os.getppid()
    if parent != sweep_pid:
        _release_fork_server()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_sweep, args=(sweep_pid,), daemon=True, name="eipopt-sweep-watch").start()
    if os.getppid() != parent or not _alive(sweep_pid):  # it died before the signal was armed
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def _release_fork_server() -> None:
    """Let the fork server end when the sweep's process does (and with it, by the signal above, this worker).

    Each forked worker is given the write end of the server's "alive" pipe,
    which keeps the server running while any worker holds it (so that a worker
    could start processes of its own; ours do not). Closed here, the pipe
    reaches its end when the sweep's process dies, even by SIGKILL.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        os.close(alive)
        server._forkserver_alive_fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user has the pid: ours is gone
        return False
    return True


def _watch_sweep(sweep_pid: int) -> None:
    while _alive(sweep_pid):
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


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
