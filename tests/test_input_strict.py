"""Strict reading: one broken copy of Khanh Phu per error class, as a CSV folder and as a workbook.

Each is refused by ``eipopt validate`` with exit 2, no traceback, and a message
naming the file (or sheet), the row (file line / spreadsheet row, header = 1)
and the column.
"""

from __future__ import annotations

import re

import pytest

from tests.input_copies import FORMATS, assert_refused, broken, run, settings_rows, shipped, write


def _location(fmt: str, table: str, row: int | None, column: str | None) -> str:
    where = f"{table}.csv" if fmt == "csv" else f"[{table}]"
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column '{column}'"
    return where


def _add_table(name: str, rows: list[list[str]]):
    return lambda s: s.tables.__setitem__(name, rows)


def _rename_table(old: str, new: str):
    return lambda s: s.tables.__setitem__(new, s.tables.pop(old))


def _existing_link_in_budget_use(s):
    s.set("links", 2, "existing", "true")
    s.tables["budget_use"] = [["item", "budget", "amount"], ["co2_offgas_to_liquid", "investment", "5"]]


# (class, edit, table, row, column, message fragment): the same defect in both formats
TABLE_CASES = [
    ("typo in a column name", lambda s: s.rename_column("flows", "sell_limit", "sell_limt"), "flows", 1, "sell_limt", "unknown column (did you mean 'sell_limit'?)"),
    ("plural column name", lambda s: s.rename_column("links", "capacity_unit", "capacity_units"), "links", 1, "capacity_units", "did you mean 'capacity_unit'?"),
    ("undeclared column of one's own", lambda s: s.add_column("links", "note", "checked"), "links", 1, "note", "extra_columns"),
    ("duplicated column", lambda s: s.rename_column("links", "fixed_opex", "capex"), "links", 1, "capex", "duplicated column"),
    ("N/A in a number cell", lambda s: s.set("flows", 3, "sell_limit", "N/A"), "flows", 3, "sell_limit", "'N/A' is not a number"),
    ("None in a number cell", lambda s: s.set("resources", 3, "sell_price", "None"), "resources", 3, "sell_price", "'None' is not a number"),
    ("nan in a number cell", lambda s: s.set("links", 2, "capacity", "nan"), "links", 2, "capacity", "'nan' is not a number"),
    ("null in a true/false cell", lambda s: s.set("links", 2, "existing", "null"), "links", 2, "existing", "'null' is not true/false"),
    ("link from a firm to itself", lambda s: s.set("links", 2, "sink", "fertilizer_plant"), "links", 2, "sink", "a link joins two firms"),
    ("operating hours above the year", lambda s: s.set("links", 2, "operating_hours", "9000"), "links", 2, "operating_hours", "allowed: (0, 8760]"),
    ("density 0", lambda s: s.set("resources", 2, "density_kg_per_m3", "0"), "resources", 2, "density_kg_per_m3", "must be > 0"),
    ("lifetime so short capex overflows", lambda s: s.set("links", 2, "lifetime_years", "1e-12"), "links", 2, "lifetime_years", "too large for the solver"),
    ("requires on itself", lambda s: s.set("links", 2, "requires", "co2_offgas_to_liquid"), "links", 2, "requires", "requires itself"),
    ("tier of a link that does not exist", lambda s: s.set("link_tiers", 2, "link", "co2_offgas_to_liquidd"), "link_tiers", 2, "link", "unknown link 'co2_offgas_to_liquidd'"),
    ("offset temperature unit", lambda s: s.set("links", 2, "capacity_unit", "degC"), "links", 2, "capacity_unit", "offset unit"),
    ("unit dividing by zero", lambda s: s.set("links", 2, "capacity_unit", "t/0"), "links", 2, "capacity_unit", "unknown unit 't/0'"),
    ("garbage unit", lambda s: s.set("resources", 4, "unit", "MWh**/("), "resources", 4, "unit", "unknown unit"),
    ("existing item in budget_use", _existing_link_in_budget_use, "budget_use", 2, "item", "draws nothing from a budget"),
    ("blank line does not shift row numbers", lambda s: (s.tables["flows"].insert(2, ["", "", "", "", "", ""]), s.set("flows", 4, "sell_limit", "lots")), "flows", 4, "sell_limit", "'lots' is not a number"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "edit", "table", "row", "column", "message"), TABLE_CASES, ids=[c[0] for c in TABLE_CASES])
def test_broken_table_is_refused_and_located(tmp_path, fmt, case, edit, table, row, column, message):
    result = run("validate", write(broken(edit), tmp_path, fmt))
    assert_refused(result, f"{_location(fmt, table, row, column)}: ", message)


# (class, edit, message): a misnamed table file / sheet names the file or sheet
NAME_CASES = [
    ("misnamed optional table", _rename_table("link_tiers", "link_tier"), "link_tier", "unknown {kind} (did you mean 'link_tiers'?)"),
    ("table name in capitals", _add_table("Measures", [["id", "firm"], ["m1", "gas_plant"]]), "Measures", "unknown {kind} (did you mean 'measures'?)"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "edit", "name", "message"), NAME_CASES, ids=[c[0] for c in NAME_CASES])
def test_unknown_table_file_or_sheet_is_refused(tmp_path, fmt, case, edit, name, message):
    result = run("validate", write(broken(edit), tmp_path, fmt))
    where = f"{name}.csv: " if fmt == "csv" else f"[{name}]: "
    assert_refused(result, where + message.format(kind="table" if fmt == "csv" else "sheet"))


def _setting(key: str, value):
    def edit(s):
        section, _, inner = key.partition(".")
        if inner:
            s.settings.setdefault(section, {})[inner] = value
        else:
            s.settings[key] = value
    return edit


# (class, edit, key, message): settings refused with their allowed range
SETTINGS_CASES = [
    ("discount rate of 150 %", _setting("discount_rate", 1.5), "discount_rate", "allowed: [0, 1)"),
    ("hours above a leap year", _setting("hours_per_year", 9000), "hours_per_year", "allowed: (0, 8784]"),
    ("no solver threads", _setting("solver.threads", 0), "solver.threads", "allowed: [1, 1024]"),
    ("negative time limit", _setting("solver.time_limit", -1), "solver.time_limit", "allowed: (0, 3.1536e+07]"),
    ("mip gap of 200 %", _setting("solver.mip_gap", 2), "solver.mip_gap", "allowed: [0, 1)"),
    ("typo in a settings key", lambda s: s.settings.__setitem__("carbon_prize", s.settings.pop("carbon_price")), "carbon_prize", "did you mean 'carbon_price'?"),
    ("typo in a section key", _setting("solver.thread", 1), "solver.thread", "did you mean 'threads'?"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "edit", "key", "message"), SETTINGS_CASES, ids=[c[0] for c in SETTINGS_CASES])
def test_bad_setting_is_refused_at_its_line_or_row(tmp_path, fmt, case, edit, key, message):
    scenario = broken(edit)
    result = run("validate", write(scenario, tmp_path, fmt))
    assert_refused(result, message)
    if fmt == "csv":
        assert re.search(rf"scenario\.yaml, row \d+, column '{re.escape(key)}': ", result.output), result.output
    else:
        row = 2 + [k for k, _ in settings_rows(scenario.settings)].index(key)
        assert f"[scenario], row {row}, column '{key}': " in result.output


def test_typo_in_a_budget_column_names_the_budgets_sheet(tmp_path):
    scenario = broken(lambda s: s.settings["budgets"][0].__setitem__("limt", s.settings["budgets"][0].pop("limit")))
    assert_refused(run("validate", write(scenario, tmp_path / "x", "xlsx")), "[budgets], row 1, column 'limt': unknown column (did you mean 'limit'?)")
    assert_refused(run("validate", write(scenario, tmp_path / "c", "csv")), "column 'budgets.investment.limt': unknown key (did you mean 'limit'?)")


YAML_CASES = [
    ("duplicated key", lambda text: text + "carbon_price: 5\n", "key 'carbon_price' appears twice"),
    ("yes where a number belongs", lambda text: text.replace("discount_rate: 0.1", "discount_rate: yes"), "column 'discount_rate': 'True' is a true/false value, a number is expected"),
    ("alias", lambda text: text.replace("name: khanh_phu", "name: &n khanh_phu\ndescription: *n"), "alias '*n' is not allowed"),
    ("not YAML", lambda text: text + "solver: [\n", "not valid YAML"),
]


@pytest.mark.parametrize(("case", "edit", "message"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_bad_yaml_is_refused_with_its_line(tmp_path, case, edit, message):
    import yaml

    scenario = shipped()
    scenario.yaml_text = edit(yaml.safe_dump(scenario.settings, sort_keys=False))
    result = run("validate", write(scenario, tmp_path, "csv"))
    assert_refused(result, message)
    assert re.search(r"scenario\.yaml, row \d+", result.output), result.output


def test_yes_in_the_scenario_sheet_is_not_a_number(tmp_path):
    scenario = broken(_setting("discount_rate", "yes"))
    row = 2 + [k for k, _ in settings_rows(scenario.settings)].index("discount_rate")
    assert_refused(run("validate", write(scenario, tmp_path, "xlsx")), f"[scenario], row {row}, column 'discount_rate': 'yes' is not a number")


def test_repeated_key_in_the_scenario_sheet(tmp_path):
    scenario = shipped()
    scenario.settings = {**scenario.settings, "carbon_price": 0}
    path = write(scenario, tmp_path, "xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["scenario"].append(["carbon_price", 7])
    last = book["scenario"].max_row
    book.save(path)
    assert_refused(run("validate", path), f"[scenario], row {last}, column 'key': key 'carbon_price' appears twice")


def test_formula_without_a_saved_value_names_sheet_row_and_column(tmp_path):
    scenario = shipped()
    scenario.formulas[("links", 2, "capacity")] = "=3000*2"
    assert_refused(run("validate", write(scenario, tmp_path, "xlsx")), "[links], row 2, column 'capacity': formula '=3000*2' has no saved value")


def test_formula_with_a_saved_value_is_read_as_that_value(tmp_path):
    """A spreadsheet saves a formula's last value beside it (<v>): that value is what the model reads."""
    import zipfile

    scenario = shipped()
    scenario.formulas[("links", 2, "capacity")] = "=3000*2"
    path = write(scenario, tmp_path, "xlsx")
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, content.replace(b"<f>3000*2</f><v />", b"<f>3000*2</f><v>6000</v>"))
    from eipopt import load_scenario

    assert load_scenario(saved).links.loc[2, "capacity"] == 6000


def test_blank_rows_in_a_sheet_keep_the_row_numbers_excel_shows(tmp_path):
    """Two blank rows above the data: the bad cell of the second flow is in spreadsheet row 5."""
    scenario = shipped()
    scenario.tables["flows"][1:1] = [[""] * 6, [""] * 6]
    scenario.set("flows", 5, "demand", "many")
    assert_refused(run("validate", write(scenario, tmp_path, "xlsx")), "[flows], row 5, column 'demand': 'many' is not a number")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_problem_is_reported_at_once(tmp_path, fmt):
    def edit(s):
        s.rename_column("flows", "sell_limit", "sell_limt")
        s.set("links", 2, "capacity", "N/A")
        s.settings["discount_rate"] = 2
    result = run("validate", write(broken(edit), tmp_path, fmt))
    assert_refused(result, "sell_limt", "'N/A' is not a number", "column 'discount_rate'")


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_case_and_spaces_are_normalised_and_read(tmp_path, fmt):
    """' Capex ' is the capex column: the link's 150 billion VND is read, not the default 0."""
    from eipopt import load_scenario

    scenario = broken(lambda s: s.rename_column("links", "capex", " Capex "))
    loaded = load_scenario(write(scenario, tmp_path, fmt))
    assert loaded.links.loc[2, "capex"] == 150e9


@pytest.mark.parametrize("fmt", FORMATS)
def test_declared_columns_of_ones_own_pass_and_are_kept(tmp_path, fmt):
    from eipopt import load_scenario

    def edit(s):
        s.add_column("links", "note", "checked on site")
        s.settings["extra_columns"] = {"links": ["note"]}
    loaded = load_scenario(write(broken(edit), tmp_path, fmt))
    assert loaded.links.loc[2, "note"] == "checked on site"


def test_declaring_a_real_column_as_extra_is_refused(tmp_path):
    scenario = broken(lambda s: s.settings.__setitem__("extra_columns", {"links": ["capex"], "link_tier": ["x"]}))
    assert_refused(run("validate", write(scenario, tmp_path, "csv")), "'capex' is a column of links already", "unknown table (did you mean 'link_tiers'?)")


def test_workbook_with_readme_and_number_cells_loads_as_the_folder(tmp_path):
    """The workbook copy stores numbers as number cells and has a README sheet: same tables."""
    from eipopt import load_scenario

    scenario = shipped()
    folder = load_scenario(write(scenario, tmp_path / "c", "csv"))
    book = load_scenario(write(scenario, tmp_path / "x", "xlsx"))
    for name, frame in folder.tables.items():
        assert book.tables[name].equals(frame), name
    assert book.settings == folder.settings


@pytest.mark.parametrize(("fmt", "where"), [("csv", r"scenario\.yaml, row 13"), ("xlsx", r"\[budgets\], row 2")])
def test_bad_budget_limit_names_its_line_or_budgets_row(tmp_path, fmt, where):
    """Khanh Phu's budget 'investment' is the first entry: its limit is line 13 of the YAML as yaml.safe_dump writes it, row 2 of the budgets sheet."""
    scenario = broken(lambda s: s.settings["budgets"][0].__setitem__("limit", -1))
    result = run("validate", write(scenario, tmp_path, fmt))
    assert_refused(result, "-1 is out of range; allowed: [0, inf)")
    assert re.search(where + r", column 'budgets\.investment\.limit'", result.output), result.output
