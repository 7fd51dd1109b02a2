"""Sweeps that cannot mislead or run away: equal numbers make one case, absurd grids stop before
they are built, a store that is not this sweep's is refused, and a killed sweep leaves no worker."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import psutil
import pytest
from click.testing import CliRunner

import eipopt
from eipopt.cli import main
from eipopt.io import write_scenario
from eipopt.sweep import SweepStore, sweep
from eipopt.sweep import run as sweep_run
from eipopt.sweep.cases import TooManyCases, make_cases
from eipopt.sweep.store import StoreError
from tests.conftest import SCENARIOS
from tests.hard_models import multi_knapsack
from tests.tiny import waste_to_feed

KHANH_PHU = SCENARIOS / "khanh_phu"
LIMIT = "budgets.investment.limit"


@pytest.fixture(scope="module")
def khanh_phu() -> eipopt.Scenario:
    return eipopt.load_scenario(KHANH_PHU)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eipopt.cli", *args], capture_output=True, text=True, timeout=120)


# --- one case, however its numbers are written ---------------------------------------------
@pytest.mark.parametrize(
    ("one", "other"),
    [(0, 0.0), (1e11, 100000000000), (np.float64(2.5), 2.5), (np.int64(7), 7.0), (-0.0, 0)],
)
def test_equal_numbers_give_one_case_key(khanh_phu, one, other):
    first, second = make_cases(khanh_phu, [{"carbon_price": one}, {"carbon_price": other}], None)
    assert first.key == second.key


def test_different_values_give_different_case_keys(khanh_phu):
    keys = {c.key for c in make_cases(khanh_phu, [{"carbon_price": v} for v in (0, 0.5, 1, "1", True)], None)}
    assert len(keys) == 5


def test_a_case_given_as_0_and_0_0_is_solved_once(tmp_path):
    store = tmp_path / "s.sqlite"
    frame = sweep(waste_to_feed(), [{"carbon_price": 0}, {"carbon_price": 0.0}, {"carbon_price": 1e3}, {"carbon_price": 1000}], store=store)
    assert len(frame) == 4
    assert frame["case"].nunique() == 2
    with SweepStore(store) as results:
        assert len(results) == 2


# --- absurd grids ------------------------------------------------------------------------------
def test_a_grid_above_the_limit_is_refused_before_it_is_built(khanh_phu, monkeypatch):
    def no_grid(vary):
        raise AssertionError("the grid was built")

    monkeypatch.setattr(sweep_run, "grid", no_grid)
    with pytest.raises(TooManyCases, match="1,000,000 cases"):
        sweep(khanh_phu, {"carbon_price": range(1000), LIMIT: range(1000)})
    with pytest.raises(TooManyCases, match="limit of 3"):
        sweep(khanh_phu, {"carbon_price": [0, 1], LIMIT: [1, 2]}, max_cases=3)


def test_absurd_cli_grids_end_quickly_with_exit_2_and_bounded_memory(tmp_path):
    """``0:1:1e9`` would be 8 GB of values, a 2,000 x 2,000 grid four million cases: both stop at the count.
    The wrapper reports the peak memory of the command (ru_maxrss, kB on Linux)."""
    wrapper = ("import resource, subprocess, sys; "
               "r = subprocess.run([sys.executable, '-m', 'eipopt.cli', *sys.argv[1:]], capture_output=True, text=True); "
               "sys.stderr.write(r.stdout); print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    store = str(tmp_path / "s.sqlite")
    for varies, expected in ((["carbon_price=0:1:1e9"], "1,000,000,000 steps"),
                             (["carbon_price=0:1:2000", f"{LIMIT}=0:1e11:2000"], "4,000,000 cases")):
        started = time.monotonic()
        args = [arg for vary in varies for arg in ("--vary", vary)]
        run = subprocess.run([sys.executable, "-c", wrapper, "sweep", str(KHANH_PHU), *args, "--store", store, "--json"],
                             capture_output=True, text=True, timeout=120)
        code, peak_kb = (int(x) for x in run.stdout.split())
        report = json.loads(run.stderr)
        assert code == 2
        assert expected in report["problems"][0]
        assert "--max-cases" in report["problems"][0]
        assert time.monotonic() - started < 60
        assert peak_kb < 1_000_000, f"peak memory {peak_kb} kB"
    assert not (tmp_path / "s.sqlite").exists()


def test_max_cases_lets_a_larger_grid_run():
    run = CliRunner().invoke(main, ["sweep", str(KHANH_PHU), "--vary", "carbon_price=0,1,2", "--max-cases", "2", "--store", ":memory:", "--json"])
    assert run.exit_code == 2
    assert "limit of 2" in json.loads(run.stdout)["problems"][0]
    run = CliRunner().invoke(main, ["sweep", str(KHANH_PHU), "--vary", "carbon_price=0,1,2", "--max-cases", "3", "--store", ":memory:", "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["cases"] == 3


# --- stores that are not this sweep's -------------------------------------------------------------
def _old_format_store(path):
    with SweepStore(path, scenario="khanh_phu"):
        pass
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
    db.close()  # the last connection folds the journal into the file


def _other_scenario_store(path):
    sweep(waste_to_feed(), [{"carbon_price": 0}], store=path)


def _foreign_sqlite(path):
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    db.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(bytes(range(256)) * 40), "not a results store"),
        (_old_format_store, "format 1, this eipopt reads format 2"),
        (_other_scenario_store, "holds sweeps of scenario 'tiny', not 'khanh_phu'"),
        (_foreign_sqlite, "not an eipopt results store (tables: invoices)"),
    ],
    ids=["garbage", "other-version", "other-scenario", "foreign-sqlite"],
)
def test_a_store_that_is_not_this_sweeps_is_exit_2_and_left_untouched(tmp_path, make, message):
    store = tmp_path / "kp.sweep.sqlite"
    make(store)
    before = store.read_bytes()
    run = cli("sweep", str(KHANH_PHU), "--vary", "carbon_price=0,1", "--store", str(store))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"{store}: " in run.stderr
    assert message in run.stderr
    assert "give another --store file, or move this one away" in run.stderr
    assert store.read_bytes() == before
    with pytest.raises(StoreError, match=message.split(" (")[0]):
        sweep(eipopt.load_scenario(KHANH_PHU), {"carbon_price": [0]}, store=store)


# --- a killed sweep leaves no worker behind -----------------------------------------------------
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_a_killed_sweep_leaves_no_worker_process(tmp_path, how):
    """Each case is a knapsack HiGHS cannot prove in 30 s (its time limit): when the sweep is stopped,
    this process and both worker processes (``--workers 3``) are mid-solve; the sweep must end, and the
    workers and the fork server be gone, within a few seconds, not when their cases end."""
    park, store = tmp_path / "knapsack", tmp_path / "k.sweep.sqlite"
    write_scenario(multi_knapsack(), park)
    args = ["sweep", str(park), "--vary", "budgets.b0.limit=20000,21000,22000,23000", "--set", "solver.time_limit=30",
            "--workers", "3", "--store", str(store), "--no-progress", "--json"]
    run = subprocess.Popen([sys.executable, "-m", "eipopt.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and run.poll() is None and len(workers) < 2:
        workers = [p for p in parent.children(recursive=True) if not _helper(p, parent)]
        time.sleep(0.05)
    assert len(workers) == 2, "the sweep did not start its workers"
    time.sleep(6)  # import, build, and into the 30 s solves
    assert run.poll() is None
    descendants = parent.children(recursive=True)
    run.send_signal(how)
    stopped = time.monotonic()
    out, err = run.communicate(timeout=60)
    assert time.monotonic() - stopped < 10, "the sweep waited for a case to end"
    _, alive = psutil.wait_procs(descendants, timeout=5)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"left behind: {[(p.pid, p.cmdline()) for p in alive]}"
    if how is not signal.SIGKILL:
        assert run.returncode == 130
        assert "Traceback" not in err, err  # nothing for the user but the message
        assert "leaked" not in err, err
        report = json.loads(out)
        assert report["status"] == "interrupted"
        assert report["store"] == str(store)
    assert _count(store) == 0  # no case had finished: nothing half-written either


def _helper(process: psutil.Process, sweep: psutil.Process) -> bool:
    """multiprocessing's resource tracker, or the fork server (the sweep's child; the workers are forked from it)."""
    command = " ".join(process.cmdline())
    return "resource_tracker" in command or ("forkserver" in command and process.ppid() == sweep.pid)


def _count(store) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as db:
            return db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
