"""Output files cannot mislead or harm: one complete set per run, nothing stale, never through a link,
a target that cannot be written refused before solving, and spreadsheet-safe text cells."""

from __future__ import annotations

import json
import os
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import eipopt
from eipopt import cli
from eipopt.io import write_scenario
from eipopt.output import MANIFEST, OutputError, write_figure, write_files, write_folder
from tests.tiny import electricity, saving, waste_to_feed

FORMULAS = ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-3+4", "@SUM(A1:A2)"]


@pytest.fixture(scope="module")
def result() -> eipopt.Result:
    return eipopt.solve(waste_to_feed())


def _files(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_out_folder_holds_exactly_this_runs_files(result, tmp_path):
    out = result.write(tmp_path / "out")
    expected = {"summary.json", MANIFEST, *(f"{name}.csv" for name in result.tables)}
    assert _files(out) == expected
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["files"]) == expected
    assert manifest["scenario"] == "tiny"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_a_second_run_replaces_the_first_and_leaves_nothing_stale(result, tmp_path):
    out = tmp_path / "out"
    result.write(out)
    (out / "infeasibility.csv").write_text("stale,from an earlier run\n")
    smaller = eipopt.Result(dict(result.summary), {"links": result.links})
    smaller.write(out)
    assert _files(out) == {"summary.json", MANIFEST, "links.csv"}


def test_a_folder_of_other_files_is_refused_without_force(result, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="add --force"):
        result.write(mine)
    assert (mine / "notes.txt").read_text() == "keep me"
    result.write(mine, force=True)
    assert "notes.txt" not in _files(mine)
    assert "summary.json" in _files(mine)


def test_a_write_failing_midway_leaves_the_previous_run_intact(result, tmp_path):
    """A disk that fills up while the new set is written: exit-2 error, the earlier results as they were."""
    out = result.write(tmp_path / "out")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(path):
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        write_folder(out, {"summary.json": disk_full})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    with pytest.raises(OutputError, match="No space left on device"):
        write_files({tmp_path / "out" / "links.csv": disk_full})
    assert (out / "links.csv").read_bytes() == before["links.csv"]


def test_an_empty_folder_is_used(result, tmp_path):
    (tmp_path / "empty").mkdir()
    assert "summary.json" in _files(result.write(tmp_path / "empty"))


def test_a_symlinked_target_is_refused_and_its_target_untouched(result, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / MANIFEST).write_text("{}")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(OutputError, match="symbolic link"):
        result.write(tmp_path / "link")
    assert _files(real) == {MANIFEST}
    victim = tmp_path / "victim.csv"
    victim.write_text("precious\n")
    (tmp_path / "table.csv").symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        write_files({tmp_path / "table.csv": lambda path: path.write_text("x\n")})
    assert victim.read_text() == "precious\n"


def test_a_symlink_inside_a_replaced_folder_is_removed_not_followed(result, tmp_path):
    out = result.write(tmp_path / "out")
    victim = tmp_path / "victim.csv"
    victim.write_text("precious\n")
    (out / "links.csv").unlink()
    (out / "links.csv").symlink_to(victim)
    (out / "flows.csv").unlink()
    (out / "flows.csv").symlink_to(tmp_path, target_is_directory=True)
    result.write(out)
    assert victim.read_text() == "precious\n"
    assert not (out / "links.csv").is_symlink()
    assert pd.read_csv(out / "links.csv")["id"].tolist() == ["L"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "is a file, not a folder"),
        (lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "sub" / "out", "is a file, not a folder"),
    ],
    ids=["file-where-a-folder-should-be", "path-under-a-file"],
)
def test_targets_that_cannot_be_written_are_refused(result, tmp_path, make, message):
    with pytest.raises(OutputError, match=message):
        result.write(make(tmp_path))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: a folder where nothing can be created, even by root")
def test_a_parent_where_nothing_can_be_created_is_refused(result):
    with pytest.raises(OutputError, match="nothing can be created"):
        result.write("/proc/eipopt-results")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_is_refused(result, tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="nothing can be created"):
            result.write(parent / "out")
    finally:
        parent.chmod(0o700)


@pytest.mark.parametrize(
    "args",
    [["--out", "FILE"], ["--out", "FILE/sub"], ["--out", "LINK"], ["--out", "MINE"]],
    ids=["file", "under-a-file", "symlink", "folder-of-other-files"],
)
def test_solve_refuses_a_bad_out_with_exit_2_before_solving(tmp_path, monkeypatch, khanh_phu_path, args):
    (tmp_path / "FILE").write_text("x")
    (tmp_path / "MINE").mkdir()
    (tmp_path / "MINE" / "notes.txt").write_text("keep me")
    (tmp_path / "LINK").symlink_to(tmp_path / "MINE", target_is_directory=True)
    monkeypatch.chdir(tmp_path)

    def no_solving(*args, **kwargs):
        raise AssertionError("solved before checking --out")

    monkeypatch.setattr("eipopt.api.solve", no_solving)  # the solve command imports it when it runs
    run = CliRunner().invoke(cli.main, ["solve", str(khanh_phu_path), *args, "--json"])
    assert run.exit_code == 2, run.output
    report = json.loads(run.stdout)
    assert report["status"] == "invalid"
    assert report["problems"][0].startswith(f"--out: {args[1]}:")
    assert (tmp_path / "MINE" / "notes.txt").read_text() == "keep me"


def test_force_without_out_is_an_error(khanh_phu_path):
    run = CliRunner().invoke(cli.main, ["solve", str(khanh_phu_path), "--force", "--json"])
    assert run.exit_code == 2
    assert "give --out DIR with it" in json.loads(run.stdout)["problems"][0]


def test_solve_never_replaces_the_scenario_it_reads_even_with_force(tmp_path):
    park = tmp_path / "park"
    write_scenario(waste_to_feed(), park)
    before = sorted(p.name for p in park.iterdir())
    for target in (park, tmp_path):
        run = CliRunner().invoke(cli.main, ["solve", str(park), "--out", str(target), "--force", "--json"])
        assert run.exit_code == 2
        assert "which this run reads" in json.loads(run.stdout)["problems"][0]
    assert sorted(p.name for p in park.iterdir()) == before


def test_analysis_and_sweep_refuse_bad_targets_before_solving(tmp_path, khanh_phu_path):
    (tmp_path / "FILE").write_text("x")
    (tmp_path / "folder.csv").mkdir()
    runner = CliRunner()
    for args in (["attribute", "--out", str(tmp_path / "FILE" / "a.csv")],
                 ["budget", "--budget", "investment", "--steps", "0,1e11", "--out", str(tmp_path / "folder.csv")],
                 ["pareto", "--plot", str(tmp_path / "FILE" / "front")],
                 ["sweep", "--vary", "carbon_price=0,1", "--out", str(tmp_path / "folder.csv")],
                 ["sweep", "--vary", "carbon_price=0,1", "--plot", str(tmp_path / "FILE" / "p"), "--out", str(tmp_path / "s.csv")]):
        command, *options = args
        run = runner.invoke(cli.main, [command, str(khanh_phu_path), *options, "--json"])
        assert run.exit_code == 2, (args, run.output)
        report = json.loads(run.stdout)
        assert report["status"] == "invalid"
        assert str(tmp_path) in report["problems"][0]
    assert not (tmp_path / "s.sweep.sqlite").exists()  # nothing was run


def test_figures_are_staged_then_renamed_beside_the_stem(tmp_path):
    def save(stem):
        paths = [stem.with_name(stem.name + suffix) for suffix in (".png", ".svg")]
        for path in paths:
            path.write_text(path.suffix)
        return paths

    written = write_figure(tmp_path / "plots" / "front", save)
    assert [p.name for p in written] == ["front.png", "front.svg"]
    assert _files(tmp_path / "plots") == {"front.png", "front.svg"}


def test_formula_like_text_is_neutralised_in_result_csv(tmp_path):
    """Measure names a spreadsheet would execute are written with a leading apostrophe; numbers are untouched."""
    rows = [saving(f"m{i}", 10, 100, name=text, opex_change=-1) for i, text in enumerate(FORMULAS)]
    result = eipopt.solve(electricity(measures=[m for m, _ in rows], effects=[e for _, e in rows]))
    out = result.write(tmp_path / "out")
    measures = pd.read_csv(out / "measures.csv", dtype=str, keep_default_na=False)
    assert measures["name"].tolist() == ["'" + text for text in FORMULAS]
    assert float(measures["opex_change"].iloc[0]) == -1  # a negative number stays a number
    breakdown = pd.read_csv(out / "breakdown.csv")
    assert pd.api.types.is_numeric_dtype(breakdown["value"])


def test_formula_like_text_is_neutralised_in_analysis_and_sweep_csv(tmp_path):
    rows = [saving(f"m{i}", 10, 100, name=text, opex_change=-1) for i, text in enumerate(FORMULAS)]
    folder = tmp_path / "park"
    write_scenario(electricity(measures=[m for m, _ in rows], effects=[e for _, e in rows]), folder)
    runner = CliRunner()
    run = runner.invoke(cli.main, ["sweep", str(folder), "--vary", "measures.m0.name==A1,-B2", "--out", str(tmp_path / "s.csv"), "--no-progress"])
    assert run.exit_code == 0, run.output
    table = pd.read_csv(tmp_path / "s.csv", dtype=str, keep_default_na=False)
    assert table["measures.m0.name"].tolist() == ["'=A1", "'-B2"]
    run = runner.invoke(cli.main, ["attribute", str(folder), "--out", str(tmp_path / "a.csv")])
    assert run.exit_code == 0, run.output
    items = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert len(items) == len(FORMULAS)
    assert items["reproduce"].str.startswith("'--set measures.").all()  # '-' would start a formula
