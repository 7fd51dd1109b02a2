"""What-if sweeps: the grid, rows equal to single solves, the store, resuming, parallel and Dask runs, the CLI."""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import eipopt
from eipopt.cli import main
from eipopt.sweep import SweepStore, grid, parse_vary, sweep
from eipopt.sweep.cases import make_cases
from eipopt.sweep.executors import MAX_CHUNK, chunks, guided_chunk_size, start_method
from eipopt.sweep.solving import CaseRunner
from tests.conftest import SCENARIOS

KHANH_PHU = SCENARIOS / "khanh_phu"
LIMIT = "budgets.investment.limit"
CAPACITY = "links.co2_offgas_to_liquid.capacity"
#: Columns that differ between two runs of the same case (wall times).
TIMINGS = ["solve_seconds"]


@pytest.fixture(scope="module")
def khanh_phu() -> eipopt.Scenario:
    return eipopt.load_scenario(KHANH_PHU)


def stored(store: Path) -> dict[str, tuple]:
    """Rows of a store by key, read-only (the file may not exist yet, or be mid-write)."""
    if not store.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as db:
            return {row[0]: row for row in db.execute("SELECT key, status, error, summary, finished_at FROM cases")}
    except sqlite3.OperationalError:  # created, schema not yet written
        return {}


# --- cases -----------------------------------------------------------------------------


def test_parse_vary_start_stop_steps_gives_evenly_spaced_inclusive_values():
    assert parse_vary(f"{LIMIT}=1e11:4e11:4") == (LIMIT, [1e11, 2e11, 3e11, 4e11])
    assert parse_vary("carbon_price=0:1:5") == ("carbon_price", [0.0, 0.25, 0.5, 0.75, 1.0])
    key, values = parse_vary(f"{CAPACITY}=6000:12000:3")
    assert (key, values) == (CAPACITY, [6000, 9000, 12000])
    assert all(isinstance(v, int) for v in values)
    assert parse_vary("carbon_price=0:1:11")[1][3] == 0.3  # no 0.30000000000000004
    assert parse_vary("carbon_price=7:7:1") == ("carbon_price", [7])


def test_parse_vary_lists_keep_text_and_blanks():
    key, values = parse_vary("flows.gas_plant:liquid_co2.sell_limit=,60000,2.5e4,none")
    assert key == "flows.gas_plant:liquid_co2.sell_limit"  # ':' in the key is not a range
    assert values == ["", 60000, 25000.0, "none"]
    assert parse_vary("objective=cost,co2") == ("objective", ["cost", "co2"])


@pytest.mark.parametrize("text", ["carbon_price", "=1,2", "carbon_price=1:2", "carbon_price=1:2:0", "carbon_price=1:2:2.5"])
def test_parse_vary_rejects_malformed_arguments(text):
    with pytest.raises(eipopt.ScenarioError):
        parse_vary(text)


def test_case_keys_follow_scenario_content_objective_and_overrides(khanh_phu):
    again = eipopt.load_scenario(KHANH_PHU)
    key = make_cases(khanh_phu, [{LIMIT: 1e11}], None)[0].key
    assert make_cases(again, [{LIMIT: 1e11}], None)[0].key == key
    assert make_cases(khanh_phu, [{LIMIT: 2e11}], None)[0].key != key
    assert make_cases(khanh_phu, [{LIMIT: 1e11}], "co2")[0].key != key
    assert make_cases(khanh_phu.with_overrides({"carbon_price": 1}), [{LIMIT: 1e11}], None)[0].key != key


# --- results ---------------------------------------------------------------------------


def test_two_keys_give_the_full_cross_product(khanh_phu):
    limits, capacities = [1e11, 2e11, 3e11], [4000, 6000]
    cases = grid({LIMIT: limits, CAPACITY: capacities})
    assert [(c[LIMIT], c[CAPACITY]) for c in cases] == list(itertools.product(limits, capacities))

    frame = sweep(khanh_phu, {LIMIT: limits, CAPACITY: capacities})
    assert len(frame) == 6
    assert list(zip(frame[LIMIT], frame[CAPACITY], strict=True)) == list(itertools.product(limits, capacities))
    assert frame["case"].is_unique
    expected = ["case", LIMIT, CAPACITY, *[k for k in eipopt.SUMMARY_KEYS if k != "budgets"]]
    expected[expected.index("n_links_built") + 1 : expected.index("n_links_built") + 1] = ["budget.investment.limit", "budget.investment.used"]
    assert list(frame.columns) == [*expected, "measures_funded", "links_built", "tiers_built", "error"]
    assert (frame["error"] == "").all()


def test_rows_match_individual_solves(khanh_phu):
    cases = [
        {LIMIT: 1e11},
        {LIMIT: 2e11},
        {LIMIT: 4e11, CAPACITY: 4000},
        {"objective": "co2", "resources.liquid_co2.sell_price": 5e5},
        {"resources.liquid_co2.sell_price": 2e6},
    ]
    frame = sweep(khanh_phu, cases)
    assert list(frame.columns[1:5]) == [LIMIT, CAPACITY, "objective", "resources.liquid_co2.sell_price"]
    assert list(frame["objective"]) == ["cost", "cost", "cost", "co2", "cost"]  # the varied key, else the scenario's
    assert frame["total_cost"].nunique() == 5  # the cases really differ
    for case, (_, row) in zip(cases, frame.iterrows(), strict=True):
        summary = eipopt.solve(khanh_phu.with_overrides(case)).summary
        assert row["status"] == summary["status"]
        for key in ("objective_value", "total_cost", "total_co2", "baseline_cost", "cost_savings", "co2_reduction", "capex_total", "n_links_built", "n_measures_funded"):
            assert row[key] == pytest.approx(summary[key], rel=1e-9, abs=1e-6), key
        assert row["budget.investment.used"] == pytest.approx(summary["budgets"]["investment"]["used"])
        assert row["budget.investment.limit"] == summary["budgets"]["investment"]["limit"]
        for key in ("measures_funded", "links_built", "tiers_built"):
            assert row[key] == ";".join(summary[key])
        assert row["objective"] == summary["objective"]


def test_rows_match_individual_solves_when_a_requirement_appears(khanh_phu):
    """The symbiosis minimum is a constraint only when positive: the reused model must get it."""
    cases = [{}, {"constraints.min_symbiosis_links": 2}, {"constraints.min_symbiosis_links": 1}]  # one candidate link
    frame = sweep(khanh_phu, cases)
    assert list(frame["status"]) == [eipopt.solve(khanh_phu.with_overrides(c)).status for c in cases]


def test_failing_case_is_recorded_and_the_others_complete(khanh_phu, tmp_path):
    store = tmp_path / "kp.sweep.sqlite"
    unserved = "flows.gas_plant:liquid_co2.demand"  # liquid CO2 cannot be bought: a large demand is infeasible
    cases = [{CAPACITY: 4000}, {CAPACITY: "lots"}, {unserved: 1e9}, {CAPACITY: 6000}]
    frame = sweep(khanh_phu, cases, store=store)
    assert list(frame["status"]) == ["optimal", "invalid", "infeasible", "optimal"]
    assert "'lots' is not a number" in frame.at[1, "error"]
    assert math.isnan(frame.at[1, "total_cost"])
    assert list(frame["error"][[0, 2, 3]]) == ["", "", ""]  # infeasible is a result, not an error
    rows = stored(store)
    assert len(rows) == 4
    assert sorted(r[1] for r in rows.values()) == ["infeasible", "invalid", "optimal", "optimal"]


def test_interrupted_sweep_resumes_without_recomputing(khanh_phu, tmp_path, monkeypatch):
    store = tmp_path / "kp.sweep.sqlite"
    vary = {LIMIT: [1e11, 2e11, 3e11], CAPACITY: [4000, 6000]}
    solved: list[str] = []
    real_run = CaseRunner.run

    def dies_after_three(self, key, overrides):
        if len(solved) == 3:
            raise KeyboardInterrupt
        solved.append(key)
        return real_run(self, key, overrides)

    monkeypatch.setattr(CaseRunner, "run", dies_after_three)
    with pytest.raises(KeyboardInterrupt):
        sweep(khanh_phu, vary, store=store)
    before = stored(store)
    assert set(before) == set(solved)

    def counting(self, key, overrides):
        solved.append(key)
        return real_run(self, key, overrides)

    solved.clear()
    monkeypatch.setattr(CaseRunner, "run", counting)
    frame = sweep(khanh_phu, vary, store=store)
    assert len(solved) == 3
    assert not set(solved) & set(before)
    after = stored(store)
    assert len(after) == 6
    assert all(after[k] == before[k] for k in before)
    assert (frame["status"] == "optimal").all()
    assert frame["case"].is_unique

    solved.clear()
    again = sweep(khanh_phu, vary, store=store)
    assert solved == []
    pd.testing.assert_frame_equal(again, frame)


def test_retry_failed_solves_failed_cases_again(khanh_phu, tmp_path, monkeypatch):
    store = tmp_path / "kp.sweep.sqlite"

    def broken(self, scenario, objective=None):
        raise RuntimeError("solver crashed")

    with monkeypatch.context() as patch:
        patch.setattr(eipopt.ScenarioSolver, "solve", broken)
        first = sweep(khanh_phu, {LIMIT: [2e11, 3e11]}, store=store)
    assert list(first["status"]) == ["error", "error"]
    assert list(first["error"]) == ["RuntimeError: solver crashed"] * 2
    assert (sweep(khanh_phu, {LIMIT: [2e11, 3e11]}, store=store)["status"] == "error").all()  # stored: not recomputed
    retried = sweep(khanh_phu, {LIMIT: [2e11, 3e11]}, store=store, retry_failed=True)
    assert list(retried["status"]) == ["optimal", "optimal"]
    assert list(retried["error"]) == ["", ""]
    with SweepStore(store) as results:
        assert len(results) == 2


# --- parallel and distributed ------------------------------------------------------------

GRID = {LIMIT: [1e11, 2e11, 3e11], CAPACITY: [4000, "lots", 6000]}


@pytest.fixture(scope="module")
def serial(khanh_phu) -> pd.DataFrame:
    """The grid solved in this process, to compare parallel runs with."""
    return sweep(khanh_phu, GRID)


def test_two_worker_processes_give_the_same_rows(khanh_phu, serial):
    parallel = sweep(khanh_phu, GRID, workers=2)
    pd.testing.assert_frame_equal(parallel.drop(columns=TIMINGS), serial.drop(columns=TIMINGS))


def test_cases_go_out_in_balanced_chunks_covering_every_case_once():
    for count, workers in [(1, 2), (5, 2), (16, 2), (64, 2), (1000, 4)]:
        parts = chunks(list(range(count)), workers)
        assert [case for part in parts for case in part] == list(range(count))
        assert max(len(part) for part in parts) <= MAX_CHUNK
        assert len({len(part) for part in parts[:-1]}) <= 1  # equal chunks, the last one may be short
    assert [len(part) for part in chunks(list(range(64)), 2)] == [4] * 16


def test_local_chunks_shrink_to_single_cases_and_cover_every_case_once():
    """Chunks given to local lanes: large while many cases remain, one case at a time at the end."""
    for count, lanes in [(1, 2), (5, 2), (16, 2), (64, 2), (1000, 4)]:
        sizes, remaining = [], count
        while remaining:
            sizes.append(guided_chunk_size(remaining, lanes))
            remaining -= sizes[-1]
        assert sum(sizes) == count
        assert sizes == sorted(sizes, reverse=True)
        assert sizes[-1] == 1
        assert max(sizes) == max(1, min(MAX_CHUNK, count // (8 * lanes)))
    assert guided_chunk_size(0, 2) == 0


def test_with_another_thread_running_workers_start_fresh_and_give_the_same_rows(khanh_phu, serial):
    """Workers never fork this process (a copied lock could be held), also with another thread running: same rows."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="another-thread")
    other.start()
    try:
        assert start_method() in {"forkserver", "spawn"}
        parallel = sweep(khanh_phu, GRID, workers=2)
    finally:
        stop.set()
        other.join()
    pd.testing.assert_frame_equal(parallel.drop(columns=TIMINGS), serial.drop(columns=TIMINGS))


def test_dask_cluster_gives_the_same_rows(khanh_phu, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        on_dask = sweep(khanh_phu, GRID, scheduler=cluster.scheduler_address, store=tmp_path / "dask.sqlite")
    assert cluster.status.name == "closed"
    pd.testing.assert_frame_equal(on_dask.drop(columns=TIMINGS), serial.drop(columns=TIMINGS))
    assert len(stored(tmp_path / "dask.sqlite")) == 9


def test_back_to_back_dask_sweeps_of_one_scenario_all_finish(khanh_phu):
    """Forty sweeps of the same scenario in a row on one client: none is cancelled for lost dependencies.

    Scattered under a key derived from the data, the scenario of a sweep could
    be scattered again while the cluster was still forgetting it from the sweep
    before: about one sweep in 30 failed ("lost dependencies").
    """
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        for _ in range(40):
            rows = sweep(khanh_phu, {"carbon_price": [0, 10, 20, 30]}, scheduler=client)
            assert rows["error"].eq("").all()


# --- command line ------------------------------------------------------------------------


def test_killed_cli_sweep_resumes_with_every_case_once(tmp_path):
    store, out = tmp_path / "kp.sweep.sqlite", tmp_path / "kp.csv"
    args = ["sweep", str(KHANH_PHU), "--vary", f"{LIMIT}=1e11:4e11:8", "--vary", f"{CAPACITY}=4000,6000", "--store", str(store), "--out", str(out), "--no-progress", "--json"]
    run = subprocess.Popen([sys.executable, "-m", "eipopt.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while run.poll() is None and len(stored(store)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    run.kill()
    run.wait()
    before = stored(store)
    assert 3 <= len(before) < 16, "the sweep was not killed mid-run"
    assert not out.exists()

    rerun = subprocess.run([sys.executable, "-m", "eipopt.cli", *args], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)  # exactly one JSON object, nothing else on stdout
    assert rerun.stdout.strip().count("\n") == 0
    after = stored(store)
    assert len(after) == 16
    assert all(after[k] == before[k] for k in before)
    table = pd.read_csv(out, dtype={"case": str})
    assert len(table) == 16
    assert table["case"].is_unique
    assert set(table["case"]) == {key[:12] for key in after}
    assert report["cases"] == 16
    assert report["failed"] == 0
    assert len(report["rows"]) == 16


def test_cli_sweep_json_csv_and_plots(tmp_path):
    runner = CliRunner()
    stem = tmp_path / "plots" / "kp"
    args = ["sweep", str(KHANH_PHU), "--vary", f"{LIMIT}=1e11:3e11:3", "--vary", f"{CAPACITY}=4000,lots", "--set", "carbon_price=10",
            "--objective", "weighted", "--out", str(tmp_path / "kp.csv"), "--plot", str(stem), "--y", "total_cost", "--y", "budget.investment.used", "--json", "--progress"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output  # the 'lots' cases are invalid input; the others are solved
    report = json.loads(result.stdout)
    assert report["cases"] == 6
    assert report["failed"] == 3
    assert report["statuses"] == {"optimal": 3, "invalid": 3}
    assert {row["objective"] for row in report["rows"]} == {"weighted"}
    assert (tmp_path / "kp.sweep.sqlite").exists()  # the store defaults to next to --out
    assert len(pd.read_csv(tmp_path / "kp.csv")) == 6
    assert stem.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in stem.with_suffix(".svg").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["--vary", "carbon_price=1:2"],
        ["--vary", "carbon_price=1,2", "--vary", "carbon_price=3"],
        ["--vary", "carbon_price=1,2", "--set", "carbon_price"],
        ["--vary", "carbon_price=1,2", "--plot", "p", "--y", "status"],
        ["--vary", "carbon_price=1", "--vary", "discount_rate=0.1", "--vary", "hours_per_year=8000", "--plot", "p"],
    ],
)
def test_cli_sweep_rejects_invalid_input_before_running(tmp_path, args):
    result = CliRunner().invoke(main, ["sweep", str(KHANH_PHU), *args, "--store", str(tmp_path / "s.sqlite"), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["status"] == "invalid"
    assert not (tmp_path / "s.sqlite").exists()


def test_every_case_derives_its_model_data_from_the_base_scenarios(khanh_phu, monkeypatch):
    """A sweep computes the base scenario's model data once; each case recomputes only what its override feeds
    (a budget limit), never the whole data: one full computation for six cases."""
    import eipopt.model.data as model_data

    full = []
    real = model_data._computed

    def counted(scenario):
        full.append(scenario.name)
        return real(scenario)

    monkeypatch.setattr(model_data, "_computed", counted)
    fresh = eipopt.load_scenario(KHANH_PHU)  # its data not computed yet in this process
    sweep(fresh, {LIMIT: [1e11, 1.5e11, 2e11, 2.5e11, 3e11, 3.5e11]})
    assert full == [fresh.name]
