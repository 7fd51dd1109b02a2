"""Checks of a typed scenario, one function per rule; every problem is reported at once.

Each ``check_*`` takes the :class:`~eipopt.model.scenario.Scenario` and returns
the problems it finds, each naming file, row and column. :func:`validate` runs
them all; :mod:`eipopt.model.validation_reads` says what each reads, so that a
what-if re-runs only the checks that read a cell it changed. Type errors (non-numeric cells, missing columns) are caught earlier,
when the raw tables are typed against the schema.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator

from eipopt.model.errors import Problem, did_you_mean
from eipopt.model.financing_checks import check_financing
from eipopt.model.periods import check_profile_values, check_profiles
from eipopt.model.quality import check_quality
from eipopt.model.schema import KEY_SEPARATOR, TABLES
from eipopt.model.units import UnitError, annual_amount, check_unit

#: HiGHS refuses matrix coefficients of 1e15 or more (its ``large_matrix_value``).
SOLVER_LARGEST_VALUE = 1e15

RESOURCE_KINDS = ("energy", "water", "material", "emission", "waste")
LINK_KINDS = ("IS", "UIS")


def rows_of(scenario, table: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(row number, {column: value}) of a table, with only the columns a check reads
    (plain lists: iterrows or a whole-table ``to_dict`` is slow on large parks)."""
    df = scenario.tables[table]
    values = [df[c].tolist() for c in columns]
    for row, cells in zip(df.index.tolist(), zip(*values, strict=True), strict=True):
        yield row, dict(zip(columns, cells, strict=True))


def split_ids(text: str) -> list[str]:
    """Ids in a ``requires`` cell: separated by ';' (or ',')."""
    return [part.strip() for part in str(text).replace(",", ";").split(";") if part.strip()]


def item_ids(scenario) -> set[str]:
    """Ids that can be funded: measures, links, and tiers as ``LINK:TIER``."""
    tiers = scenario.link_tiers
    return (
        set(scenario.measures["id"])
        | set(scenario.links["id"])
        | {f"{r.link}{KEY_SEPARATOR}{r.tier}" for r in tiers.itertuples()}
    )


def check_unique_keys(scenario) -> list[Problem]:
    """Each table's key is unique; ids carry no ':' (it joins composite ids)."""
    problems = []
    for name, table in TABLES.items():
        df = scenario.tables[name]
        source = scenario.sources[name]
        duplicated = df.duplicated(subset=list(table.key), keep="first")
        for row in df.index[duplicated]:
            key = KEY_SEPARATOR.join(str(df.at[row, k]) for k in table.key)
            problems.append(Problem(source, f"duplicate {'/'.join(table.key)} '{key}'", row=int(row), column=table.key[0]))
        if table.key == ("id",):
            for row, value in df["id"].items():
                if KEY_SEPARATOR in str(value) or "." in str(value):
                    problems.append(Problem(source, f"id '{value}' must not contain ':' or '.'", row=int(row), column="id"))
    measure_ids = set(scenario.measures["id"])
    for row, value in scenario.links["id"].items():
        if value in measure_ids:
            problems.append(Problem(scenario.sources["links"], f"id '{value}' is also a measure id; items must have distinct ids", row=int(row), column="id"))
    return problems


def check_references(scenario) -> list[Problem]:
    """Every id column that points at another table names an existing row."""
    known = {
        "firms": set(scenario.firms["id"]),
        "resources": set(scenario.resources["id"]),
        "measures": set(scenario.measures["id"]),
        "links": set(scenario.links["id"]),
        "budgets": {b.id for b in scenario.settings.budgets},
        "items": item_ids(scenario),
    }
    problems = []
    for name, table in TABLES.items():
        for column in table.columns:
            if column.references is None:
                continue
            for row, value in scenario.tables[name][column.name].items():
                if value == "":
                    continue  # blank: optional, or reported as missing when the schema was applied
                if value not in known[column.references]:
                    problems.append(Problem(scenario.sources[name], f"unknown {column.references[:-1] if column.references != 'items' else 'item'} '{value}'", row=int(row), column=column.name))
    return problems


def check_bounds(scenario, tables: Collection[str] | None = None) -> list[Problem]:
    """Numbers respect their column's minimum (capacities, capex >= 0), positivity (lifetimes > 0),
    and stay below what the solver accepts (1e15).

    ``tables``: judge these tables only (each table is judged alone).
    """
    problems = []
    for name, table in TABLES.items():
        if tables is not None and name not in tables:
            continue
        df = scenario.tables[name]
        for column in table.columns:
            if column.dtype != "float":
                continue
            for row, value in df[column.name].items():
                if math.isnan(value):
                    continue
                if abs(value) >= SOLVER_LARGEST_VALUE:
                    problems.append(Problem(scenario.sources[name], f"{value:g} is too large for the solver (>= 1e15); use a larger unit (e.g. million VND, kt)", row=int(row), column=column.name))
                elif column.positive and value <= 0:
                    problems.append(Problem(scenario.sources[name], f"must be > 0, got {value:g}", row=int(row), column=column.name))
                elif column.minimum is not None and value < column.minimum:
                    problems.append(Problem(scenario.sources[name], f"must be >= {column.minimum:g}, got {value:g}", row=int(row), column=column.name))
    return problems


def check_lifetimes(scenario) -> list[Problem]:
    """A lifetime is given wherever capex is annualised: capex > 0, or tiers with capex."""
    problems = []
    tier_capex = scenario.link_tiers.groupby("link")["capex"].sum().to_dict() if len(scenario.link_tiers) else {}
    for name in ("measures", "links"):
        for row, item in rows_of(scenario, name, ("id", "capex", "existing", "lifetime_years")):
            needs = item["capex"] > 0 or (name == "links" and tier_capex.get(item["id"], 0.0) > 0)
            if needs and not item["existing"] and math.isnan(item["lifetime_years"]):
                problems.append(Problem(scenario.sources[name], "lifetime_years is required where capex > 0", row=int(row), column="lifetime_years"))
    return problems


def check_allowed(scenario) -> list[Problem]:
    """An existing item cannot be ruled out (it operates already)."""
    problems = []
    for name in ("measures", "links"):
        for row, item in rows_of(scenario, name, ("existing", "allowed")):
            if item["existing"] and not item["allowed"]:
                problems.append(Problem(scenario.sources[name], "an existing item cannot have allowed=false", row=int(row), column="allowed"))
    return problems


def check_measure_effects(scenario) -> list[Problem]:
    """A measure cannot cut its firm's demand or generation below zero (the model could never fund it)."""
    problems = []
    firm_of = dict(zip(scenario.measures["id"], scenario.measures["firm"], strict=True))
    flows = scenario.flows
    keys = list(zip(flows["firm"], flows["resource"], strict=True))
    baselines = {base: dict(zip(keys, flows[base], strict=True)) for base in ("demand", "generation")}
    for row, effect in rows_of(scenario, "measure_effects", ("measure", "resource", "demand_change", "generation_change")):
        node = (firm_of.get(effect["measure"]), effect["resource"])
        for column, base in (("demand_change", "demand"), ("generation_change", "generation")):
            baseline = float(baselines[base].get(node, 0.0))
            if effect[column] < 0 and baseline + effect[column] < -1e-9:
                problems.append(Problem(scenario.sources["measure_effects"], f"cuts {node[0]}'s {base} of {effect['resource']} ({baseline:g}) below zero by {-(baseline + effect[column]):g}", row=int(row), column=column))
    return problems


def check_categories(scenario) -> list[Problem]:
    """Resource kinds and link kinds come from their fixed lists."""
    problems = []
    for row, value in scenario.resources["kind"].items():
        if value not in RESOURCE_KINDS:
            problems.append(Problem(scenario.sources["resources"], f"unknown kind '{value}'; expected one of {list(RESOURCE_KINDS)}", row=int(row), column="kind"))
    for row, value in scenario.link_inputs["at"].items():
        if value not in ("sink", "source"):
            problems.append(Problem(scenario.sources["link_inputs"], f"unknown end '{value}'; expected sink or source", row=int(row), column="at"))
    for row, value in scenario.links["kind"].items():
        if value not in LINK_KINDS:
            problems.append(Problem(scenario.sources["links"], f"unknown kind '{value}'; expected one of {list(LINK_KINDS)}", row=int(row), column="kind"))
    return problems


def check_units(scenario) -> list[Problem]:
    """Resource units parse, and every link capacity converts to its resource's unit."""
    problems = []
    resources: dict[str, dict] = {}
    for _, resource in rows_of(scenario, "resources", ("id", "unit", "density_kg_per_m3")):
        resources.setdefault(resource["id"], resource)  # a duplicated id is reported by check_unique_keys
    for row, unit in scenario.resources["unit"].items():
        try:
            check_unit(unit)
        except UnitError as exc:
            problems.append(Problem(scenario.sources["resources"], str(exc), row=int(row), column="unit"))
    hours = scenario.settings.hours_per_year
    for row, link in rows_of(scenario, "links", ("resource", "capacity_unit")):
        if link["resource"] not in resources:
            continue  # reported by check_references
        resource = resources[link["resource"]]
        if resource["density_kg_per_m3"] <= 0:
            continue  # reported by check_bounds; a conversion would divide by it
        try:
            annual_amount(1.0, link["capacity_unit"], resource["unit"], hours, resource["density_kg_per_m3"])
        except UnitError as exc:
            problems.append(Problem(scenario.sources["links"], str(exc), row=int(row), column="capacity_unit"))
    return problems


def check_requires(scenario) -> list[Problem]:
    """``requires`` names other existing measures or links, and forms no cycle."""
    problems = []
    funded = set(scenario.measures["id"]) | set(scenario.links["id"])
    graph: dict[str, list[str]] = {}
    where: dict[str, tuple[str, int]] = {}
    for name in ("measures", "links"):
        for row, item in rows_of(scenario, name, ("id", "requires")):
            needs = split_ids(item["requires"])
            for need in needs:
                if need == item["id"]:
                    problems.append(Problem(scenario.sources[name], f"'{need}' requires itself", row=int(row), column="requires"))
                elif need not in funded:
                    problems.append(Problem(scenario.sources[name], f"requires unknown item '{need}'{did_you_mean(need, funded)}", row=int(row), column="requires"))
            graph[item["id"]] = [n for n in needs if n in funded and n != item["id"]]
            where[item["id"]] = (scenario.sources[name], int(row))
    for cycle in _cycles(graph):
        source, row = where[cycle[0]]
        problems.append(Problem(source, "requires forms a cycle: " + " -> ".join(cycle + [cycle[0]]), row=row, column="requires"))
    return problems


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per back edge met by a depth-first search (iterative: chains may be long)."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    found: list[list[str]] = []
    for root in graph:
        if root in state:
            continue
        path = [root]
        state[root] = 1
        pending = [iter(graph.get(root, []))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(nxt) == 1:
                found.append(path[path.index(nxt):])
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                pending.append(iter(graph.get(nxt, [])))
    return found


def check_links(scenario) -> list[Problem]:
    """A link joins two different firms, and runs at most the hours of the scenario's year."""
    problems = []
    hours = scenario.settings.hours_per_year
    for row, link in rows_of(scenario, "links", ("source", "sink", "operating_hours")):
        if link["source"] == link["sink"]:
            problems.append(Problem(scenario.sources["links"], f"source and sink are both '{link['sink']}'; a link joins two firms", row=int(row), column="sink"))
        if link["operating_hours"] > hours:
            problems.append(Problem(scenario.sources["links"], f"{link['operating_hours']:g} h is more than the year has; allowed: (0, {hours:g}] (hours_per_year)", row=int(row), column="operating_hours"))
    for row, tier in rows_of(scenario, "link_tiers", ("tier",)):
        if KEY_SEPARATOR in str(tier["tier"]) or "." in str(tier["tier"]):
            problems.append(Problem(scenario.sources["link_tiers"], f"tier '{tier['tier']}' must not contain ':' or '.'", row=int(row), column="tier"))
    return problems


def check_annualised_capex(scenario) -> list[Problem]:
    """Capex spread over its lifetime stays a number the solver accepts (a lifetime of
    minutes turns any capex into an astronomical annual cost)."""
    problems = []
    rate = scenario.settings.discount_rate
    crf: dict[str, float] = {}
    for name in ("measures", "links"):
        for row, item in rows_of(scenario, name, ("id", "capex", "lifetime_years", "existing")):
            lifetime = item["lifetime_years"]
            if item["existing"] or math.isnan(lifetime) or lifetime <= 0:
                continue  # sunk capex, or reported by check_lifetimes / check_bounds
            crf[item["id"]] = _recovery_factor(rate, lifetime)
            annual = item["capex"] * crf[item["id"]]
            if not annual < SOLVER_LARGEST_VALUE:
                problems.append(Problem(scenario.sources[name], f"a lifetime of {lifetime:g} years makes the annual capex {annual:g}, too large for the solver (>= 1e15)", row=int(row), column="lifetime_years"))
    for row, tier in rows_of(scenario, "link_tiers", ("link", "capex")):
        annual = tier["capex"] * crf.get(tier["link"], 0.0)
        if not annual < SOLVER_LARGEST_VALUE:
            problems.append(Problem(scenario.sources["link_tiers"], f"over its link's lifetime the annual capex is {annual:g}, too large for the solver (>= 1e15)", row=int(row), column="capex"))
    return problems


def _recovery_factor(rate: float, years: float) -> float:
    """Capital recovery factor, ``inf`` where it overflows a float."""
    from eipopt.model.data import capital_recovery_factor  # data imports this module

    try:
        return capital_recovery_factor(rate, years)
    except (OverflowError, ZeroDivisionError):
        return math.inf


def check_budget_use(scenario) -> list[Problem]:
    """An existing item draws nothing from any budget, so a ``budget_use`` row for it is a mistake
    (and would replace the budget's capex draws by rows that draw nothing)."""
    existing = {
        item
        for name in ("measures", "links")
        for item, is_existing in zip(scenario.tables[name]["id"], scenario.tables[name]["existing"], strict=True)
        if is_existing
    }
    return [
        Problem(scenario.sources["budget_use"], f"'{use['item']}' is existing (capex sunk): it draws nothing from a budget", row=int(row), column="item")
        for row, use in rows_of(scenario, "budget_use", ("item",))
        if use["item"] in existing
    ]


CHECKS: tuple[Callable, ...] = (
    check_unique_keys,
    check_references,
    check_bounds,
    check_lifetimes,
    check_allowed,
    check_measure_effects,
    check_categories,
    check_units,
    check_requires,
    check_links,
    check_annualised_capex,
    check_budget_use,
    check_quality,
    check_profiles,
    check_financing,
)


def validate(scenario) -> list[Problem]:
    """Run every check and return all problems found (empty list: valid)."""
    return run_checks(scenario, CHECKS)


def run_checks(scenario, checks, *, profile_values: bool = True) -> list[Problem]:
    """The problems ``checks`` find; profile values are checked last, on a scenario the checks found valid."""
    problems: list[Problem] = []
    for check in checks:
        problems += check(scenario)
    if not problems and profile_values:  # profile values are checked by applying them to a valid scenario
        problems += check_profile_values(scenario)
    return problems


def warnings(scenario) -> list[Problem]:
    """Legal but suspicious values of a valid scenario (see :mod:`eipopt.model.suspicious`)."""
    from eipopt.model.suspicious import WARNINGS

    return [warning for check in WARNINGS for warning in check(scenario)]
