"""Where the cases of a sweep run: here, here and in local worker processes, or on a Dask cluster.

Each executor takes the cases still to solve and yields their
:class:`~eipopt.sweep.store.CaseOutcome` one by one, as each case finishes, so
the caller can commit each one to the store at once. Closing early (an
interrupt) cancels what has not started and leaves no worker behind.

Every place that solves keeps one model for all its cases: the scenario is
sent to each worker once (not with every case) and the cases go out in
chunks. Locally, ``workers=N`` is N lanes: the sweep's own process, which has
eipopt imported and starts solving at once, and N - 1 worker processes. Each
lane holds the chunk it solves and one ahead, and asks for another when it
starts on that one; chunks shrink to single cases towards the end
(:func:`guided_chunk_size`), so the lanes finish together.

Where it is safe (:func:`fork_is_safe`: Linux, and no thread in the sweep's
process but its main thread and the pools of OpenBLAS and numexpr) the workers are forks of the
sweep's process, made once its model is built and its baseline solved: they
start solving within milliseconds. Elsewhere they come from a fork server
(or a fresh interpreter) and join in when their start-up is done
(:func:`start_method`).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Iterator, Sequence

from eipopt.model import Scenario
from eipopt.sweep.cases import Case, scenario_fingerprint
from eipopt.sweep.solving import (
    CaseRunner,
    LaneFailed,
    Ready,
    run_chunk_on_dask_worker,
    work_here,
    work_in_process,
)
from eipopt.sweep.store import CaseOutcome

#: Most cases in one chunk; chunks are smaller when there are few cases per worker, so the work stays balanced.
MAX_CHUNK = 8
#: Chunks (tasks) per worker thread of a Dask sweep: few, since each task costs a round trip through the
#: scheduler of the order of a small park's case; the scheduler balances them as the workers free up.
DASK_CHUNKS_PER_THREAD = 2
#: Seconds between checks that every worker is alive while waiting for results.
POLL_SECONDS = 0.2
#: Seconds the worker processes are given to end on their own once every case is done, before they are terminated.
END_SECONDS = 0.1


class SweepStopped(RuntimeError):
    """The sweep cannot go on (a worker died, the cluster is unreachable); finished cases are stored."""


def chunks(cases: Sequence[Case], workers: int, per_worker: int = 8) -> list[list[Case]]:
    """The cases in chunks of equal size: about ``per_worker`` chunks per worker, at most :data:`MAX_CHUNK` cases each.

    >>> [len(c) for c in chunks(list(range(16)), 2)], [len(c) for c in chunks(list(range(64)), 2)]
    ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
    >>> [len(c) for c in chunks(list(range(16)), 2, per_worker=2)]
    [4, 4, 4, 4]
    """
    size = max(1, min(MAX_CHUNK, len(cases) // (per_worker * max(1, workers))))
    return [list(cases[i : i + size]) for i in range(0, len(cases), size)]


def guided_chunk_size(remaining: int, lanes: int) -> int:
    """Cases in the next chunk of a local sweep: an eighth of each lane's share of what remains, 1 to :data:`MAX_CHUNK`.

    Large chunks while many cases remain (fewer round trips), single cases at
    the end, so that no lane is left with a long chunk while the others idle.

    >>> [guided_chunk_size(n, 2) for n in (64, 40, 16, 15, 7, 1, 0)]
    [4, 2, 1, 1, 1, 1, 0]
    """
    return min(remaining, max(1, min(MAX_CHUNK, remaining // (8 * lanes))))


def run_here(cases: Sequence[Case], scenario: Scenario, objective: str | None) -> Iterator[CaseOutcome]:
    """Solve the cases one after another in this process, on one reused model."""
    runner = CaseRunner(scenario, objective)
    for case in cases:
        yield runner.run(case.key, case.overrides)


#: What the fork server imports once, before it forks any worker: everything a worker needs to build and solve.
FORKSERVER_PRELOAD = ["eipopt.sweep.solving", "eipopt.solvers.highs", "eipopt.model.build", "highspy"]


def start_method() -> str:
    """How worker processes start: ``fork`` where :func:`fork_is_safe`, else ``forkserver`` where the platform has it, else ``spawn``.

    A fork of the sweep's process is a worker within milliseconds, with the
    sweep's model built and its baseline solved (copied, not redone). It is
    safe only from a process with no other thread but idle pools made to
    survive a fork (:func:`fork_is_safe`): a copy inherits every lock
    of the process, and one held by another thread at the fork stays held
    forever in the copy (in the test suite, workers forked from a process that
    had run Dask and multi-threaded HiGHS hung in a futex wait). Otherwise
    the workers are forked from a *fork server*, a fresh interpreter started
    once per Python process that imports eipopt, Pyomo and HiGHS
    (:data:`FORKSERVER_PRELOAD`) and runs nothing else: the first sweep of a
    process pays the server's import (while the sweep's own process already
    solves); later sweeps start their workers in a fraction of that.
    """
    if fork_is_safe():
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def fork_is_safe() -> bool:
    """Whether a fork of this process, now, inherits no lock another thread could hold.

    True on Linux when it is called from the main thread, no other Python
    thread runs, and every other native thread belongs to an idle pool known
    to survive a fork (:func:`_fork_aware_pools`). Any other native thread (a
    Dask or web server in the process, OpenMP, a library's own threads) means
    no fork. The threads are counted, not identified: the count must be that
    of numexpr's pool and at most OpenBLAS's (OpenBLAS stops its pool at a fork
    of this process and starts it again only when it next needs it, and
    scipy may load a second OpenBLAS with a pool of its own).
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread() or threading.active_count() != 1:
        return False
    try:
        others = len(os.listdir("/proc/self/task")) - 1
    except OSError:
        return False
    if others == 0:
        return True
    openblas, numexpr = _fork_aware_pools()
    return numexpr <= others <= numexpr + openblas


def _fork_aware_pools() -> tuple[int, int]:
    """Threads of the idle pools loaded in this process that survive a fork: (OpenBLAS's, numexpr's).

    - an OpenBLAS library built on pthreads (numpy's, scipy's): a pool of n
      threads runs n - 1 besides the caller; OpenBLAS stops it before every
      fork (its ``pthread_atfork`` handler) and starts it again when needed;
    - numexpr (imported by pandas when installed): a pool of n threads when
      n > 1, idle between calls; a forked process starts a pool of its own at
      its first call (numexpr compares the pid).
    """
    from threadpoolctl import threadpool_info

    openblas = sum(max(0, pool["num_threads"] - 1) for pool in threadpool_info()
                   if pool.get("internal_api") == "openblas" and pool.get("threading_layer") == "pthreads")
    module = sys.modules.get("numexpr")
    threads = module.get_num_threads() if module is not None and hasattr(module, "get_num_threads") else 0
    return openblas, threads if threads > 1 else 0


def worker_context(method: str) -> multiprocessing.context.BaseContext:
    """The multiprocessing context of ``method``; a fork server is told what to import before it starts."""
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(FORKSERVER_PRELOAD)  # read when the server starts; no effect on a running one
    return context


def prepare_workers() -> None:
    """Start the fork server now, if workers come from one, so that its imports overlap with the sweep's own preparation.

    Nothing to do for ``fork`` and ``spawn`` or when the server runs already;
    the server ends with this process.
    """
    method = start_method()
    worker_context(method)
    if method == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


#: Starter threads that may still be starting a worker after their sweep has ended (it then ends that worker).
_starters: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_starters_joined_at_exit = threading.Event()


def _join_starters() -> None:
    """At exit, end what a starter is still starting, before the queues that worker would read are gone.

    A starter still waiting is waiting for the fork server's imports (the
    sweep ended before they did): the server is stopped, so that this process
    ends now and no worker is forked after it (it would find its queues gone).
    """
    waiting = [starter for starter in list(_starters) if starter.is_alive()]
    if waiting:
        _stop_fork_server()
    for starter in waiting:
        starter.join(timeout=STARTER_EXIT_SECONDS)


def _stop_fork_server() -> None:
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)  # not public; absent: the join waits
    if pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


#: Seconds a process that ends waits for a worker still starting (the fork server's imports) to be ended cleanly.
STARTER_EXIT_SECONDS = 10.0

#: The name of the thread in which the sweep's own process solves its cases.
HERE_THREAD = "eipopt-sweep-here"


def solving_here() -> bool:
    """Whether this process is still solving a case of a sweep that has stopped (it ends after that case)."""
    return any(thread.name == HERE_THREAD and thread.is_alive() for thread in threading.enumerate())


class LocalWorkers:
    """This process and ``workers - 1`` worker processes, each keeping one model for the chunks of cases it asks for.

    When this object is made, either this process builds its model and solves
    the baseline, then forks the workers, which start with both (``fork``), or
    a starter thread starts the worker processes and sends each the scenario
    while this process's lane starts solving at once (starting such a worker
    can wait for the fork server's imports: the sweep does not). Then this
    process's lane solves in a thread. :meth:`outcomes` yields each case's outcome as the case finishes,
    streamed back by every lane through one queue. Use it as a context
    manager: leaving it ends every worker, and terminates those still busy or
    still starting.
    """

    def __init__(self, cases: Sequence[Case], scenario: Scenario, objective: str | None, workers: int):
        self._waiting = collections.deque(cases)  # cases not yet given to a lane, in order
        self._remaining = len(cases)
        self.method = method = start_method()  # how the worker processes start
        context = worker_context(method)
        self._results = context.Queue()
        self._lanes = lanes = max(1, min(workers, len(cases)))
        # one inbox per lane: this process's (a thread's queue), then each worker process's
        self._inboxes: list = [queue.SimpleQueue()] + [context.Queue() for _ in range(lanes - 1)]
        self._stop = threading.Event()
        self._here_told_to_end = False  # no more chunks for this process's lane: its thread ends, as it should
        self._supplied: set[int] = set()  # lanes that have asked for chunks (and hold one ahead)
        self._started: list[multiprocessing.process.BaseProcess] = []
        self._starting = threading.Lock()  # the starter registers each worker, or ends it if the sweep has stopped meanwhile
        runner = CaseRunner(scenario, objective)
        forked = method == "fork"
        if forked:
            runner.prepare()  # copied into every worker by the fork
            self._fork_workers(context, lanes, runner)
            for _ in range(2):  # this process's first chunk and the one ahead, without asking
                self._give_next(0)
            self._supplied.add(0)
        else:
            self._start_workers_meanwhile(context, lanes, scenario, objective)
        # Not a daemon: a Python process that ends while this lane is mid-case (HiGHS cannot be stopped from
        # here) waits for the case instead of tearing the thread down inside HiGHS (which aborts the process).
        self._here = threading.Thread(target=work_here, args=(runner, self._inboxes[0], self._results, self._stop),
                                      kwargs={"asks_first": not forked}, name=HERE_THREAD)
        self._here.start()

    def _worker(self, context, lane: int, runner: CaseRunner | None = None, first_chunks: list | None = None) -> multiprocessing.process.BaseProcess:
        return context.Process(target=work_in_process, args=(lane, os.getpid(), self._inboxes[lane], self._results, runner, first_chunks),
                               daemon=True, name=f"eipopt-sweep-worker-{lane}")

    def _fork_workers(self, context, lanes: int, runner: CaseRunner) -> None:
        """Fork the worker processes now, before this process starts any thread; each inherits ``runner`` and its first two chunks."""
        for lane in range(1, lanes):
            process = self._worker(context, lane, runner, [self._next_chunk(lane), self._next_chunk(lane)])
            self._supplied.add(lane)
            with warnings.catch_warnings():  # Python 3.12+ warns of any native thread; those here were checked safe
                warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks", category=DeprecationWarning)
                process.start()
            self._started.append(process)

    def _start_workers_meanwhile(self, context, lanes: int, scenario: Scenario, objective: str | None) -> None:
        """Start the worker processes in a starter thread, so that the sweep does not wait for their start-up."""
        processes = [self._worker(context, lane) for lane in range(1, lanes)]
        starter = threading.Thread(target=self._start, args=(processes, scenario, objective), daemon=True, name="eipopt-sweep-starter")
        _starters.add(starter)
        if not _starters_joined_at_exit.is_set():  # registered after multiprocessing's own exit handler, so run before it
            atexit.register(_join_starters)
            _starters_joined_at_exit.set()
        starter.start()

    def _start(self, processes: list, scenario: Scenario, objective: str | None) -> None:
        """Start the worker processes one by one and send each the scenario (in the starter thread)."""
        try:
            sent = pickle.dumps((scenario, objective), protocol=pickle.HIGHEST_PROTOCOL)
            for process in processes:
                if self._stop.is_set():
                    return
                process.start()
                with self._starting:
                    if self._stop.is_set():  # the sweep ended while this one started
                        process.terminate()
                        process.join()
                        return
                    self._started.append(process)
                    self._inboxes[processes.index(process) + 1].put(sent)  # read when the worker's imports are done
        except Exception as exc:  # noqa: BLE001 - reported to the sweep, which stops with the reason
            with self._starting:
                if not self._stop.is_set():
                    self._results.put(LaneFailed(1, f"cannot start a worker process: {type(exc).__name__}: {exc}"))

    def outcomes(self) -> Iterator[CaseOutcome]:
        """Each case's outcome as it finishes; a worker that dies stops the sweep (:class:`SweepStopped`)."""
        while self._remaining:
            try:
                message = self._results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_workers()
                continue
            if isinstance(message, Ready):
                if message.lane not in self._supplied:  # its first request: one chunk to solve and one ahead
                    self._supplied.add(message.lane)
                    self._give_next(message.lane)
                self._give_next(message.lane)
            elif isinstance(message, LaneFailed):
                where = "this process" if message.lane == 0 else "a worker process"
                raise SweepStopped(f"{where} could not go on ({message.error}); finished cases are stored, run the sweep again to resume")
            else:
                self._remaining -= 1
                yield message

    def _next_chunk(self, lane: int) -> list | None:
        """The next chunk for ``lane`` (``None``: no more, and this process's lane is then told to end)."""
        size = guided_chunk_size(len(self._waiting), self._lanes)
        chunk = [(case.key, case.overrides) for case in (self._waiting.popleft() for _ in range(size))] if self._waiting else None
        self._here_told_to_end |= lane == 0 and chunk is None
        return chunk

    def _give_next(self, lane: int) -> None:
        """The next chunk (or ``None``: no more) to the lane that asked.

        Each lane holds one chunk ahead of the one it solves (it is given two
        when it starts, with the fork, or at its first request, then one at
        each request): it never waits for this
        thread, which can be slow to answer while this process's own lane
        holds the interpreter (up to its 5 ms switch interval), and a slow lane
        keeps at most one chunk from the others.
        """
        self._inboxes[lane].put(self._next_chunk(lane))

    def _check_workers(self) -> None:
        if not self._here.is_alive() and not self._here_told_to_end:  # it broke
            raise SweepStopped("this process's solving thread ended unexpectedly; finished cases are stored, run the sweep again to resume")
        with self._starting:
            started = list(self._started)
        for process in started:
            if process.exitcode not in (None, 0):
                raise SweepStopped(f"a worker process died (exit code {process.exitcode}); finished cases are stored, run the sweep again to resume")

    def __enter__(self) -> LocalWorkers:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        # This process's lane stops after its current case (discarded if the sweep stopped). Idle workers are
        # told to end; whatever is still running (mid-solve after an interrupt) is terminated, and a worker still
        # starting is ended by the starter as soon as it has started: no worker outlives its sweep, none is waited for.
        with self._starting:
            self._stop.set()
            started = list(self._started)
        for inbox in self._inboxes:
            inbox.put(None)
        if exc_type is None:
            self._here.join()  # every case is done: it is idle, and ends at the None just sent
            deadline = time.monotonic() + END_SECONDS
            for process in started:
                process.join(timeout=max(0.0, deadline - time.monotonic()))
        for process in started:
            if process.is_alive():
                process.terminate()
        for process in started:
            process.join()
        for channel in [self._results, *self._inboxes[1:]]:
            channel.close()
            if exc_type is None:  # what is left to send is a few small messages: its thread ends at once
                channel.join_thread()  # and is gone before a next sweep asks whether it may fork (fork_is_safe)
            else:  # after an interrupt unread results could fill the pipe: do not wait for the thread sending them
                channel.cancel_join_thread()


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
        # A key of its own (hash=False): under a key derived from the data, a sweep that follows another of the same
        # scenario could scatter it again while the cluster is still forgetting it, and its tasks would be cancelled
        # for "lost dependencies" (dask/distributed#4612, #3703; about one sweep in 30 back to back on a LocalCluster).
        remote_scenario = client.scatter(scenario, broadcast=True, hash=False)
        fingerprint = scenario_fingerprint(scenario)
        threads = max(1, sum(client.nthreads().values()))
        futures = [
            client.submit(run_chunk_on_dask_worker, remote_scenario, fingerprint, objective, [(case.key, case.overrides) for case in chunk], pure=False)
            for chunk in chunks(cases, threads, per_worker=DASK_CHUNKS_PER_THREAD)
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

