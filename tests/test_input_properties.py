"""Random damage to shipped scenarios: refused with a located message, or read as written and solved.

Hypothesis mutates one thing of a small shipped park (a cell, a header, a row,
a table's file or sheet name, a number setting), writes it as a CSV folder or a workbook and runs
the command line. Either the input is refused (exit 2, every problem naming the
file or sheet), or it is accepted, and then: the mutated cell holds exactly
what was written (recomputed here from the text, not by the loader), so does a
number setting, a renamed
header is one the table really has, and the solution's balances, capacities,
limits and budgets recompute from the tables (tests.test_balances). Never a
traceback. Seeded and bounded (derandomize, 60 examples).
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eipopt
from eipopt.model.schema import TABLES
from tests.input_copies import FORMATS, Copy, run, shipped, write
from tests.test_balances import check_solution

PARKS = ("khanh_phu", "brvt_pilot", "tra_noc")
CELL_TEXTS = ("", " ", "0", "-1", "1.5", "1e20", "7", "abc", "N/A", "nan", "None", "null", "true", "no", "=1+1", "-", "t/h", "kW", "fertilizer_plant")
NUMBER_SETTINGS = ("discount_rate", "hours_per_year", "carbon_price", "solver.time_limit", "solver.mip_gap", "solver.threads", "constraints.min_symbiosis_links")
TRUE_TEXTS = {"true", "1", "yes", "y", "t"}
FALSE_TEXTS = {"false", "0", "no", "n", "f"}


def _expected(table: str, column: str, text: str) -> object:
    """What a cell must hold after loading, from the schema's documented defaults and plain Python parsing."""
    spec = TABLES[table].column_index.get(column)
    text = text.strip()
    if spec is None or spec.dtype in ("id", "str"):
        return text if text or spec is None or spec.default is None else spec.default
    if spec.dtype == "bool":
        return spec.default if not text else text.lower() in TRUE_TEXTS
    if not text:
        return math.nan if spec.default is None else float(spec.default)
    return float(text)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _mutate(data, scenario: Copy) -> tuple[str, tuple]:
    """Apply one random mutation; return its kind and what is needed to judge the outcome."""
    kind = data.draw(st.sampled_from(("cell", "header", "row", "table", "setting")))
    if kind == "setting":
        key = data.draw(st.sampled_from(NUMBER_SETTINGS))
        text = data.draw(st.sampled_from(CELL_TEXTS))
        section, _, inner = key.partition(".")
        if inner:
            scenario.settings.setdefault(section, {})[inner] = text
        else:
            scenario.settings[key] = text
        return kind, (key, text)
    table = data.draw(st.sampled_from(sorted(scenario.tables)))
    rows = scenario.tables[table]
    if kind == "cell" and len(rows) > 1:
        row = data.draw(st.integers(2, len(rows)))
        column = data.draw(st.sampled_from(rows[0]))
        text = data.draw(st.sampled_from(CELL_TEXTS))
        scenario.set(table, row, column, text)
        return kind, (table, row, column, text)
    if kind == "header":
        old = data.draw(st.sampled_from(rows[0]))
        others = [c.name for c in TABLES[table].columns if c.name != old]
        new = data.draw(st.sampled_from([old.upper(), f" {old} ", old[:-1], old + "s", "x_" + old, *others]))
        scenario.rename_column(table, old, new)
        return kind, (table, old, new)
    if kind == "row" and len(rows) > 1:
        row = data.draw(st.integers(1, len(rows) - 1))
        if data.draw(st.booleans()):
            del rows[row]
        else:
            rows.insert(row, list(rows[row]))
        return kind, (table,)
    new = data.draw(st.sampled_from([table.capitalize(), table[:-1], table + "s", table.upper(), None]))
    if new is None and not TABLES[table].required_table:
        del scenario.tables[table]  # an optional table left out is what the user wrote
        return "dropped", (table,)
    scenario.tables[new or table + "_"] = scenario.tables.pop(table)
    return "table", (table, new)


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_scenario_is_refused_with_a_location_or_read_as_written(tmp_path_factory, data):
    scenario = shipped(data.draw(st.sampled_from(PARKS)))
    fmt = data.draw(st.sampled_from(FORMATS))
    kind, detail = _mutate(data, scenario)
    path = write(scenario, tmp_path_factory.mktemp("mutant"), fmt)

    result = run("validate", path)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        problems = [line[4:] for line in result.output.splitlines() if line.startswith("  - ")]
        assert problems, result.output
        for problem in problems:
            assert problem.startswith(str(path)), problem  # names the scenario's file or sheet
        return
    assert result.exit_code == 0, result.output

    loaded = eipopt.load_scenario(path)
    if kind == "cell":
        table, row, column, text = detail
        assert _same(loaded.tables[table].at[row, column], _expected(table, column, text)), (table, row, column, text)
    elif kind == "header":
        table, old, new = detail
        assert new.strip().lower() in (old, *TABLES[table].column_index), f"{table}: '{new}' read for '{old}'"
    elif kind == "setting":
        key, text = detail
        section, _, inner = key.partition(".")
        value = getattr(getattr(loaded.settings, section), inner) if inner else getattr(loaded.settings, key)
        if text.strip().lower() not in ("", "none", "null"):  # an empty setting takes its default
            assert value == float(text), (key, text, value)
    elif kind == "table":
        raise AssertionError(f"table {detail[0]} renamed to {detail[1]} was accepted")
    outcome = eipopt.solve(loaded)
    if outcome.status in ("optimal", "feasible"):
        check_solution(loaded, outcome)
