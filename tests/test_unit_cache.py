"""The cache of pint's answers: same answers as pint, and known units need no pint."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eipopt.model import units
from eipopt.model.unit_cache import UnitAnswers
from tests.conftest import SCENARIOS

PROBE = """
import json, sys
from eipopt.model import units
answers = {}
for unit in ("t", "Nm3", "MWh", "furlongs_per_fortnight", "degC"):
    try:
        units.check_unit(unit)
        answers[unit] = "ok"
    except units.UnitError as exc:
        answers[unit] = str(exc)
for capacity, resource in (("Nm3/h", "t"), ("kW", "MWh"), ("t/h", "MWh")):
    try:
        answers[capacity + "->" + resource] = units.annual_amount(6000, capacity, resource, 6240, 1.977)
    except units.UnitError as exc:
        answers[capacity + "->" + resource] = str(exc)
print(json.dumps({"answers": answers, "pint": "pint" in sys.modules}))
"""


def probe(cache_dir) -> dict:
    env = {"EIPOPT_CACHE_DIR": str(cache_dir), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env)
    return json.loads(run.stdout)


def test_second_run_answers_the_same_without_importing_pint(tmp_path):
    """6000 Nm3/h x 6240 h x 1.977 kg/m3 = 74,018.88 t; 6000 kW x 6240 h = 37,440 MWh; t/h -> MWh has no conversion."""
    first, second = probe(tmp_path), probe(tmp_path)
    assert first["pint"] is True
    assert second["pint"] is False
    assert first["answers"] == second["answers"]
    answers = first["answers"]
    assert answers["t"] == answers["MWh"] == "ok"
    assert "unknown unit 'furlongs_per_fortnight'" in answers["furlongs_per_fortnight"]
    assert "offset unit" in answers["degC"]
    assert answers["Nm3/h->t"] == pytest.approx(74_018.88)
    assert answers["kW->MWh"] == pytest.approx(37_440)
    assert answers["t/h->MWh"] == "cannot convert 't/h' to 'MWh'"


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"unit:\'t\'": "garbage"}', ""])
def test_a_damaged_cache_file_is_an_empty_cache(tmp_path, content):
    probe(tmp_path)
    (cache_file,) = tmp_path.glob("units-*.json")
    cache_file.write_text(content)
    again = probe(tmp_path)
    assert again["pint"] is True
    assert again["answers"]["Nm3/h->t"] == pytest.approx(74_018.88)


def test_an_unwritable_cache_folder_still_answers(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert probe(blocked)["answers"]["kW->MWh"] == pytest.approx(37_440)


def test_answers_are_kept_per_pint_version_and_definitions(tmp_path, monkeypatch):
    monkeypatch.setenv("EIPOPT_CACHE_DIR", str(tmp_path))
    one, other = UnitAnswers(["m3 = meter ** 3"]), UnitAnswers(["m3 = 2 * meter ** 3"])
    assert one.path != other.path
    one.put("unit:'t'", 1.0, None)
    assert UnitAnswers(["m3 = meter ** 3"]).get("unit:'t'") == [1.0, None]
    assert UnitAnswers(["m3 = 2 * meter ** 3"]).get("unit:'t'") is None


def test_validating_a_shipped_park_twice_gives_the_same_problems_and_tables(tmp_path):
    """The second load reads every unit answer from the cache; the scenario's annual capacities are the same numbers."""
    code = ("from eipopt.io import load_scenario\nfrom eipopt.model.data import model_data\nimport json, sys\n"
            f"s = load_scenario({str(SCENARIOS / 'khanh_phu')!r})\n"
            "d = model_data(s)\nprint(json.dumps({'pint': 'pint' in sys.modules, 'params': repr(sorted(d.params.items()))}))")
    env = {"EIPOPT_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout) for _ in range(2)]
    assert [run["pint"] for run in runs] == [True, False]
    assert runs[0]["params"] == runs[1]["params"]


def test_park_map_still_reaches_pint_for_its_own_conversions():
    assert float(units.registry().Quantity(1, units.parse_unit("kt")).to("t").magnitude) == 1000
