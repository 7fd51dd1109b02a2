"""Legal but suspicious values: validate and solve still run (exit 0) and stderr names the cell."""

from __future__ import annotations

import re

import pytest

from tests.input_copies import FORMATS, broken, run, write


def _warned(result) -> list[str]:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_negative_carbon_price_is_warned_at_its_key(tmp_path, fmt):
    warned = _warned(run("validate", write(broken(lambda s: s.settings.__setitem__("carbon_price", -5)), tmp_path, fmt)))
    assert len(warned) == 1
    where = r"scenario\.yaml" if fmt == "csv" else r"\[scenario\]"
    assert re.search(where + r", row \d+, column 'carbon_price': carbon_price -5 is negative", warned[0]), warned


@pytest.mark.parametrize("fmt", FORMATS)
def test_ton_is_warned_as_a_us_short_ton(tmp_path, fmt):
    """The off-gas counted in 'ton': pint reads 907.185 kg, so the warning names the resources cell."""
    warned = _warned(run("validate", write(broken(lambda s: s.set("resources", 2, "unit", "ton")), tmp_path, fmt)))
    where = "resources.csv" if fmt == "csv" else "[resources]"
    assert any(f"{where}, row 2, column 'unit': 'ton': pint reads 'ton' as the US short ton" in w for w in warned), warned


def test_warnings_do_not_enter_json_stdout(tmp_path):
    """`solve --json` keeps stdout one JSON object; the warning goes to stderr."""
    import json

    result = run("solve", "--json", write(broken(lambda s: s.settings.__setitem__("carbon_price", -5)), tmp_path, "csv"))
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    assert "Warning: " in result.stderr


def test_link_without_capacity_or_tiers_and_requires_on_a_ruled_out_item_are_warned():
    from tests.tiny import WASTE_LINK, waste_to_feed

    idle = waste_to_feed(link={"capacity": 0})
    assert [(w.row, w.column) for w in idle.warnings] == [(2, "capacity")]
    blocked = waste_to_feed(links=[{**WASTE_LINK, "requires": "L2"}, {**WASTE_LINK, "id": "L2", "allowed": "false"}])
    assert [(w.row, w.column) for w in blocked.warnings] == [(2, "requires")]
    assert "can never be funded" in blocked.warnings[0].message


def test_shipped_scenarios_have_no_warnings():
    from eipopt import load_scenario
    from tests.input_copies import SCENARIOS

    for folder in sorted(p for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file()):
        assert load_scenario(folder).warnings == (), folder.name


@pytest.mark.parametrize(("tier", "link", "column", "message"), [
    ({"capacity_added": 0}, {}, "capacity_added", "adds no capacity"),
    ({}, {"allowed": "false"}, "link", "the tier can never be built"),
])
def test_tiers_that_cannot_help_are_warned(tier, link, column, message):
    from tests.tiny import waste_to_feed

    scenario = waste_to_feed(link=link, link_tiers=[{"link": "L", "tier": "t1", "capacity_added": 10, "capex": 100, **tier}])
    tier_warnings = [w for w in scenario.warnings if w.file == "link_tiers.csv"]
    assert [(w.row, w.column) for w in tier_warnings] == [(2, column)]
    assert message in tier_warnings[0].message
