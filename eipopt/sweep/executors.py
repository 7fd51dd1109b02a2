"""Where the cases of a sweep run: here, in local worker processes, or on a Dask cluster.

Each executor takes the cases still to solve and yields their
:class:`~eipopt.sweep.store.CaseOutcome` one by one, as each case finishes, so
the caller can commit each one to the store at once. Closing early (an
interrupt) cancels what has not started and leaves no worker behind.

Workers start once and keep one model for all their cases: the scenario is
sent to each worker once (not with every case) and the cases go out in
chunks, a few at a time, so that a worker is never idle waiting for the next.
Local workers are fresh (``spawn``) interpreters, never forked (see
:func:`start_method`): each pays the import of eipopt once, not once per case.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from eipopt.model import Scenario
from eipopt.sweep.cases import Case, scenario_fingerprint
from eipopt.sweep.solving import (
    CaseRunner,
    init_process,
    run_chunk_in_process,
    run_chunk_on_dask_worker,
)
from eipopt.sweep.store import CaseOutcome

#: Most cases in one chunk; chunks are smaller when there are few cases per worker, so the work stays balanced.
MAX_CHUNK = 8
#: Chunks given to each worker at a time: one being solved, one waiting.
CHUNKS_IN_FLIGHT = 2
#: Seconds between checks that every worker is alive while waiting for results.
POLL_SECONDS = 0.2


class SweepStopped(RuntimeError):
    """The sweep cannot go on (a worker died, the cluster is unreachable); finished cases are stored."""


def chunks(cases: Sequence[Case], workers: int) -> list[list[Case]]:
    """The cases in chunks of equal size: about eight chunks per worker, at most :data:`MAX_CHUNK` cases each.

    >>> [len(c) for c in chunks(list(range(16)), 2)], [len(c) for c in chunks(list(range(64)), 2)]
    ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
    """
    size = max(1, min(MAX_CHUNK, len(cases) // (8 * max(1, workers))))
    return [list(cases[i : i + size]) for i in range(0, len(cases), size)]


def run_here(cases: Sequence[Case], scenario: Scenario, objective: str | None) -> Iterator[CaseOutcome]:
    """Solve the cases one after another in this process, on one reused model."""
    runner = CaseRunner(scenario, objective)
    for case in cases:
        yield runner.run(case.key, case.overrides)


def start_method() -> str:
    """``spawn``: each worker starts a fresh interpreter and imports eipopt once.

    Forking would save that import (about a second per worker), but a forked
    worker copies every lock of the parent, and a parent that has run other
    work has native threads (HiGHS, Dask, a web server in the same process)
    whose locks a forked worker can inherit held: in the test suite forked
    workers hung in a futex wait. Workers keep their model across the chunks of
    cases they are given, so the start-up is paid once per worker, not per case.
    """
    return "spawn"


class LocalWorkers:
    """Worker processes that each keep one model for the chunks of cases they are given.

    The processes start (and are given the scenario) when this object is
    made, before the sweep draws its progress bar; :meth:`outcomes` yields each
    case's outcome as the case finishes, streamed back by the workers through
    one queue. Use it as a context manager: leaving it early terminates the workers.
    """

    def __init__(self, cases: Sequence[Case], scenario: Scenario, objective: str | None, workers: int):
        workers = max(1, min(workers, len(cases)))
        context = multiprocessing.get_context(start_method())
        self._others = set(multiprocessing.active_children())
        self._results = context.Queue()
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_process,
                                         initargs=(scenario, objective, os.getpid(), self._results))
        self._waiting = chunks(cases, workers)[::-1]  # popped from the end: first chunks first
        self._running: dict[Future, list[str]] = {}
        self._left_in_chunk: dict[str, list[str]] = {}
        self._remaining = len(cases)
        try:
            for _ in range(CHUNKS_IN_FLIGHT * workers):  # the first submit starts every worker
                self._submit_next()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise

    def _submit_next(self) -> None:
        if not self._waiting:
            return
        chunk = self._waiting.pop()
        keys = [case.key for case in chunk]
        future = self._pool.submit(run_chunk_in_process, [(case.key, case.overrides) for case in chunk])
        self._running[future] = keys
        for key in keys:
            self._left_in_chunk[key] = keys

    def outcomes(self) -> Iterator[CaseOutcome]:
        """Each case's outcome as it finishes; a worker that dies stops the sweep (:class:`SweepStopped`)."""
        while self._remaining:
            try:
                outcome = self._results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_workers()
                continue
            self._remaining -= 1
            chunk = self._left_in_chunk.pop(outcome.key)
            chunk.remove(outcome.key)
            if not chunk:  # the worker has finished this chunk: give out the next one
                self._running = {f: keys for f, keys in self._running.items() if keys}
                self._submit_next()
            yield outcome

    def _check_workers(self) -> None:
        for future in [f for f in self._running if f.done()]:
            error = future.exception()
            if error is not None:
                raise SweepStopped(f"a worker process died ({type(error).__name__}: {error}); finished cases are stored, run the sweep again to resume") from error

    def __enter__(self) -> LocalWorkers:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            self._pool.shutdown(wait=True)
        else:  # interrupted, or stopped: stop the cases being solved, leave no worker behind
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in [p for p in multiprocessing.active_children() if p not in self._others]:
                process.terminate()
        self._results.close()
        self._results.cancel_join_thread()


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
        threads = max(1, sum(client.nthreads().values()))
        futures = [
            client.submit(run_chunk_on_dask_worker, remote_scenario, fingerprint, objective, [(case.key, case.overrides) for case in chunk], pure=False)
            for chunk in chunks(cases, threads)
        ]
        for future in as_completed(futures):
            try:
                outcomes = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection ...
                raise SweepStopped(f"a Dask task failed ({type(exc).__name__}: {exc}); finished cases are stored, run the sweep again to resume") from exc
            yield from outcomes
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)
        if client is not scheduler:
            client.close()

