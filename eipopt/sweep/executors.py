"""Where the cases of a sweep run: here, in local worker processes, or on a Dask cluster.

Each executor takes the cases still to solve and yields their
:class:`~eipopt.sweep.store.CaseOutcome` in the order they finish, so the
caller can commit each one to the store at once. Closing the generator early
(an interrupt) cancels what has not started.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from eipopt.model import Scenario
from eipopt.sweep.cases import Case, scenario_fingerprint
from eipopt.sweep.solving import CaseRunner, init_process, run_in_process, run_on_dask_worker
from eipopt.sweep.store import CaseOutcome

#: Start method of local worker processes: a fresh interpreter, safe with threads and on every OS.
START_METHOD = "spawn"


class SweepStopped(RuntimeError):
    """The sweep cannot go on (a worker died, the cluster is unreachable); finished cases are stored."""


def run_here(cases: Sequence[Case], scenario: Scenario, objective: str | None) -> Iterator[CaseOutcome]:
    """Solve the cases one after another in this process, on one reused model."""
    runner = CaseRunner(scenario, objective)
    for case in cases:
        yield runner.run(case.key, case.overrides)


def run_in_processes(cases: Sequence[Case], scenario: Scenario, objective: str | None, workers: int) -> Iterator[CaseOutcome]:
    """Solve the cases in ``workers`` local processes, each keeping one model for its cases.

    At most two cases per worker are queued at a time, so an interrupted sweep
    leaves little started work behind.
    """
    workers = max(1, min(workers, len(cases)))
    context = multiprocessing.get_context(START_METHOD)
    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_process, initargs=(scenario, objective, os.getpid()))
    queue = iter(cases)
    running = {}
    try:
        for case in _take(queue, 2 * workers):
            running[pool.submit(run_in_process, case.key, case.overrides)] = case
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:
                    raise SweepStopped(f"a worker process died ({exc}); finished cases are stored, run the sweep again to resume") from exc
                for case in _take(queue, 1):
                    running[pool.submit(run_in_process, case.key, case.overrides)] = case
                yield outcome
    except BaseException:  # interrupted, or closed early: stop the cases being solved, leave no worker behind
        pool.shutdown(wait=False, cancel_futures=True)
        for process in [p for p in multiprocessing.active_children() if p not in others]:
            process.terminate()
        raise
    pool.shutdown(wait=True)


def run_on_dask(cases: Sequence[Case], scenario: Scenario, objective: str | None, scheduler) -> Iterator[CaseOutcome]:
    """Solve the cases on a Dask distributed cluster (``scheduler``: its address, or a ``Client``).

    The scenario is sent to every worker once; each worker thread keeps one
    model for the cases it is given. eipopt must be installed on the workers.
    """
    from distributed import Client, as_completed

    try:
        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    except (OSError, TimeoutError) as exc:
        raise SweepStopped(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from exc
    futures = []
    try:
        remote_scenario = client.scatter(scenario, broadcast=True)
        fingerprint = scenario_fingerprint(scenario)
        futures = [
            client.submit(run_on_dask_worker, remote_scenario, fingerprint, objective, case.key, case.overrides, pure=False)
            for case in cases
        ]
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection ...
                raise SweepStopped(f"a Dask task failed ({type(exc).__name__}: {exc}); finished cases are stored, run the sweep again to resume") from exc
            yield outcome
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)
        if client is not scheduler:
            client.close()


def _take(iterator: Iterator[Case], count: int) -> list[Case]:
    out = []
    for case in iterator:
        out.append(case)
        if len(out) == count:
            break
    return out
