"""Published optima reproduced through eipopt's public API: OR-Library cap*, FCNetLib.

Each instance is read from the public files (``../shared/benchmarks`` next to
the repository, or ``$EIPOPT_BENCHMARK_DATA``), turned into an ordinary
scenario, written with ``eipopt.write_scenario``, loaded back with
``eipopt.load_scenario`` and solved with ``eipopt.solve`` (see
``benchmarks/readers.py``). Expected values come only from the published
tables (``capopt.txt``, FCNetLib's README) or from hand arithmetic in the
docstrings below. Every instance file is either tested here, listed in
:data:`UNSUPPORTED` with the reason, or left to the benchmark
(``python -m benchmarks.run``) in :data:`BENCHMARK_ONLY` with the reason.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import eipopt
from eipopt.cli import main as eipopt_cli

ROOT = Path(__file__).resolve().parents[1]


def _benchmarks_module(name: str):
    """``benchmarks.<name>`` (a folder at the repository root, not an installed package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"benchmarks.{name}")


data, fcnet, orlib_cap, readers, run, scenarios = (
    _benchmarks_module(n) for n in ("data", "fcnet", "orlib_cap", "readers", "run", "scenarios")
)

#: Generous per-instance HiGHS limit: the suite's instances solve in a few seconds here.
SUITE_TIME_LIMIT = 60.0

CAP_SUITE = (
    "cap41", "cap42", "cap43", "cap44", "cap51", "cap61", "cap62", "cap63", "cap64",
    "cap71", "cap72", "cap73", "cap74", "cap81", "cap82", "cap83", "cap84",
    "cap91", "cap92", "cap93", "cap94", "cap101", "cap102", "cap103", "cap104",
    "cap111", "cap112", "cap113", "cap114", "cap121", "cap122", "cap123", "cap124",
    "cap131", "cap132", "cap133", "cap134",
)  # fmt: skip

#: FCNetLib instances with a proven optimum that eipopt solves in about 3 s or less here.
FCNET_SUITE = (
    "beasleyC1", "beavma", "g40x132", "g55x188c", "k10x90", "k15x210",
    "k20x380b", "k20x380c", "k20x380d", "k20x380e", "l121x232", "l61x114",
    "p100x588c", "p100x588d", "p200x1188c", "p500x2988d", "p50x576", "r20x100",
    "sp100x200", "sp150x300", "sp150x300b", "sp150x300c", "sp150x300d",
    "sp50x100", "sp80x160", "sp90x180", "sp90x250",
)  # fmt: skip

#: Instances the readers cannot turn into a scenario, with the reason. None at present:
#: every OR-Library and FCNetLib file is read (see test_every_listed_file_is_read).
UNSUPPORTED: dict[str, str] = {}

_NOT_PROVEN = "published value is best known (italic in FCNetLib's table), not proven optimal"
_SLOW = "too slow for the suite: {} s to optimality here (or the time limit)"
_CAP_LARGE = "100 warehouses x 1,000 customers (100,100 links): minutes of eipopt overhead, HiGHS stops at its limit"

#: Instances left to the benchmark (``python -m benchmarks.run``), with the reason.
#: Times are eipopt's solve time measured on the 2-core development machine.
BENCHMARK_ONLY: dict[str, str] = {
    **{name: _CAP_LARGE for name in run.CFLP_LARGE},
    **{name: _NOT_PROVEN for name in ("g200x740g", "g200x740h", "g200x740i", "p100x588b", "p200x1188b", "p500x2988b", "r80x800")},
    **{
        name: _SLOW.format(seconds)
        for name, seconds in {
            "beasleyC2": 6, "beasleyC3": ">30", "berlin": ">30", "brasil": ">30", "fixnet6": 10,
            "g150x1100": ">30", "g150x1650": ">30", "g180x666": 30, "g200x740": ">30", "g200x740b": ">30",
            "g200x740c": 10, "g200x740d": 6, "g200x740e": 8, "g200x740f": 7, "g50x170": 18, "g55x188": ">30",
            "h50x2450": 28, "h50x2450b": 24, "h50x2450c": ">30", "h50x2450d": ">30", "h50x2450e": 23,
            "h80x6320b": ">30", "h80x6320c": ">30", "h80x6320d": ">30",
            "k14x182": 13, "k14x182b": 9, "k15x420": 8, "k15x630": 16, "k16x240": ">30", "k16x240b": ">30",
            "k20x380": ">30", "l451x885": ">30", "l451x885b": 24, "mc11": ">30", "mc7": ">30", "mc8": ">30",
            "mtest4ma": 5, "p100x588": ">30", "p200x1188": ">30", "p500x2988": ">30", "p500x2988c": 4,
            "p50x288": 10, "p50x288b": ">30", "p50x864": 17, "p80x400": ">30", "p80x400b": ">30",
            "r20x200": ">30", "r30x160": ">30", "r50x360": ">30",
        }.items()
    },
}  # fmt: skip

HAVE_DATA = (data.cap_folder() / "capopt.txt").is_file() and (data.data_root() / "fcnetlib" / "README.md").is_file()
needs_data = pytest.mark.skipif(
    not HAVE_DATA, reason=f"public benchmark files not found in {data.data_root()}; set {data.DATA_ENV}"
)


@pytest.fixture(scope="module")
def optima() -> dict:
    return data.published_optima()


@pytest.fixture(scope="module")
def catalogue() -> dict:
    return readers.instances()


# --- published optima, reproduced -----------------------------------------------------------


@needs_data
@pytest.mark.parametrize("name", CAP_SUITE + FCNET_SUITE)
def test_published_optimum_is_reproduced(name, optima, catalogue):
    published = optima[name]
    assert published.proven
    run_ = readers.solve_instance(catalogue[name], time_limit=SUITE_TIME_LIMIT)
    assert run_.result.status == "optimal", run_.result.summary["solver_message"]
    assert run_.objective == pytest.approx(published.value, rel=1e-6)
    assert run_.result.summary["total_cost"] == pytest.approx(published.value, rel=1e-6)


@needs_data
def test_every_instance_file_is_tested_unsupported_or_left_to_the_benchmark(catalogue):
    tested = set(CAP_SUITE) | set(FCNET_SUITE)
    unsupported, benchmark_only = set(UNSUPPORTED), set(BENCHMARK_ONLY)
    assert not tested & unsupported
    assert not tested & benchmark_only
    assert not unsupported & benchmark_only
    assert set(catalogue) == tested | unsupported | benchmark_only
    assert len([n for n in catalogue if catalogue[n].family == "fcnet"]) == 83
    assert len([n for n in catalogue if catalogue[n].family == "cflp"]) == 37 + 12
    assert all(reason.strip() for reason in (*UNSUPPORTED.values(), *BENCHMARK_ONLY.values()))
    assert benchmark_only <= set(run.DEFAULT_INSTANCES)
    assert len(FCNET_SUITE) >= 20
    assert {"k10x90", "g40x132", "r20x100", "sp50x100"} <= set(FCNET_SUITE)


@needs_data
def test_only_proven_optima_are_tested_and_all_unproven_are_listed(optima):
    unproven = {name for name, o in optima.items() if not o.proven}
    assert len(unproven) == 7
    assert unproven <= {n for n, reason in BENCHMARK_ONLY.items() if reason == _NOT_PROVEN}
    assert all(optima[name].proven for name in CAP_SUITE + FCNET_SUITE)


@needs_data
def test_every_listed_file_is_read_and_unsupported_ones_are_declined(catalogue):
    one_per_file = {source.path: (name, source) for name, source in catalogue.items()}
    for name, source in one_per_file.values():
        if name in UNSUPPORTED:
            with pytest.raises(fcnet.Unsupported):
                readers.read_instance(source)
        else:
            instance = readers.read_instance(source)
            assert (instance.arcs if source.family == "fcnet" else instance.demand), name


@needs_data
def test_published_tables_are_parsed_completely(optima):
    assert len([n for n in optima if n.startswith("cap")]) == 37 + 12
    assert optima["cap41"].value == 1040444.375
    assert optima["capb-7000"].value == 13198556.434
    assert optima["capb-7000"].capacity == 7000
    assert optima["k10x90"].value == 568.0
    assert optima["k10x90"].proven
    assert optima["r80x800"].value == 5332.0
    assert not optima["r80x800"].proven


@needs_data
def test_benchmark_command_writes_its_tables(tmp_path):
    assert run.main(["--instances", "sp50x100", "--no-reference", "--time-limit", "20", "--out", str(tmp_path)]) == 0
    csv_text = (tmp_path / run.CSV_NAME).read_text(encoding="utf-8").splitlines()
    assert csv_text[0].startswith("instance,family,links,published")
    assert csv_text[1].startswith("sp50x100,fcnet,100,50968,True,optimal,")
    assert "| sp50x100 |" in (tmp_path / run.MARKDOWN_NAME).read_text(encoding="utf-8")


# --- readers on hand-written instances ------------------------------------------------------

TINY_CFLP = """2 3
 8 5.
 20 8.
 4
 8. 12.
 5
 10. 20.
 6
 30. 18.
"""


def test_cflp_reader_and_scenario_on_a_hand_solved_instance(tmp_path):
    """Two warehouses x three customers; costs are for a customer's whole demand.

    W1: capacity 8, fixed 5; W2: capacity 20, fixed 8. Demands 4, 5, 6 (15 in
    all, so W1 alone cannot serve them). Per unit, W1 costs 8/4 = 2, 10/5 = 2,
    30/6 = 5 and W2 costs 12/4 = 3, 20/5 = 4, 18/6 = 3.

    - W2 alone: 8 + 12 + 20 + 18 = 58.
    - Both open (13): W1 saves 1/unit on customer 1 and 2/unit on customer 2,
      so it ships all 5 of customer 2 (10) and 3 of customer 1's 4 units
      (3/4 x 8 = 6); W2 ships the last unit of customer 1 (1/4 x 12 = 3) and
      customer 3 (18): 13 + 10 + 6 + 3 + 18 = 50, the optimum.
    - Single sourcing could not split customer 1: its best is 53 (W1 serves
      customer 2 only), so 50 also shows demand is split.
    """
    instance = orlib_cap.read_cflp(TINY_CFLP, "tiny")
    assert instance.capacity == (8.0, 20.0)
    assert instance.fixed_cost == (5.0, 8.0)
    assert instance.demand == (4.0, 5.0, 6.0)
    assert instance.allocation_cost == ((8.0, 10.0, 30.0), (12.0, 20.0, 18.0))

    scenario = scenarios.cflp_scenario(instance, time_limit=30)
    folder = eipopt.write_scenario(scenario, tmp_path / "tiny")
    assert sorted(p.name for p in folder.iterdir()) == ["firms.csv", "flows.csv", "links.csv", "resources.csv", "scenario.yaml"]
    result = eipopt.solve(eipopt.load_scenario(folder), baseline=False)
    assert result.status == "optimal"
    assert result.summary["objective_value"] == pytest.approx(50.0, rel=1e-9)
    flows = result.links.set_index("id")["flow"]
    assert flows["w1_c2"] == pytest.approx(5)
    assert flows["w1_c1"] == pytest.approx(3)
    assert flows["w2_c1"] == pytest.approx(1)
    assert sorted(result.summary["links_built"]) == ["open_w1", "open_w2"]


def test_generated_cflp_scenario_solves_with_the_cli_like_any_other(tmp_path):
    """The same folder through ``eipopt solve --json``: optimum 50; with nothing built nothing is served."""
    folder = eipopt.write_scenario(scenarios.cflp_scenario(orlib_cap.read_cflp(TINY_CFLP, "tiny")), tmp_path / "tiny")
    outcome = CliRunner().invoke(eipopt_cli, ["solve", str(folder), "--json"])
    assert outcome.exit_code == 0, outcome.output
    summary = json.loads(outcome.output)
    assert summary["objective_value"] == pytest.approx(50.0, rel=1e-9)
    assert summary["baseline_status"] == "infeasible"


def test_cflp_reader_needs_the_capacity_of_capa_files_and_checks_counts():
    text = "1 1\n capacity 5.\n 3\n 9.\n"
    with pytest.raises(ValueError, match="capopt"):
        orlib_cap.read_cflp(text, "capx")
    assert orlib_cap.read_cflp(text, "capx", capacity=8000).capacity == (8000.0,)
    with pytest.raises(ValueError, match="expected 6 numbers"):
        orlib_cap.read_cflp("1 1\n 5 5.\n 3\n", "short")


TINY_FCNET = """Set n / n1*n4 /;
Set s / a1 /;

yupp('n1','n1','a1')=0;

Parameter fcost(m,n,s) /
$ondelim
   n1      n2      a1             10
   n1      n3      a1             30
   n2      n3      a1              5
   n2      n4      a1             -1
   n3      n4      a1              4
$offdelim
/;

Parameter vcost(m,n,s) /
$ondelim
   n1      n2      a1              1
   n1      n3      a1              1
   n2      n3      a1              2
   n2      n4      a1              7
   n3      n4      a1              1
$offdelim
/;

Parameter demand(n) /
   n1              5
   n3             -2
   n4             -3
/;

demand(n) = -demand(n);
u = -sum(n$(demand(n)<0), demand(n));
xupp(m,n,s)$(fcost(m,n,s) or vcost(m,n,s)) = u;
loop((m,n,s)$(fcost(m,n,s)<0),
   fcost(m,n,s)=0;
   vcost(m,n,s)=0;
);
"""


def test_fcnet_reader_runs_the_files_statements_on_a_hand_solved_instance(tmp_path):
    """After ``demand = -demand`` n1 supplies 5, n3 takes 2 and n4 takes 3; u = 5 bounds every arc.

    The arc n2 -> n4 has a negative fixed cost, so the loop makes it free (both
    costs 0). Routes: n1 -> n2 carrying 5 (10 + 5), n2 -> n4 free carrying 3,
    n2 -> n3 carrying 2 (5 + 2 x 2): 15 + 0 + 9 = 24. Any route through n1 -> n3
    costs 30 in fixed cost alone; n2 -> n3 -> n4 instead of the free arc costs
    15 + (5 + 10) + (4 + 3) = 37. The optimum is 24.
    """
    instance = fcnet.read_fcnet(TINY_FCNET, "tiny")
    assert instance.demand == {"n1": -5.0, "n3": 2.0, "n4": 3.0}
    arcs = {a.id: a for a in instance.arcs}
    assert {a.capacity for a in instance.arcs} == {5.0}
    assert (arcs["n2-n4-a1"].fixed_cost, arcs["n2-n4-a1"].variable_cost) == (0.0, 0.0)
    assert (arcs["n2-n3-a1"].fixed_cost, arcs["n2-n3-a1"].variable_cost) == (5.0, 2.0)

    folder = eipopt.write_scenario(scenarios.fcnet_scenario(instance, time_limit=30), tmp_path / "tiny")
    result = eipopt.solve(eipopt.load_scenario(folder), baseline=False)
    assert result.status == "optimal"
    assert result.summary["objective_value"] == pytest.approx(24.0, rel=1e-9)
    assert sorted(result.summary["links_built"]) == ["n1-n2-a1", "n2-n3-a1", "n2-n4-a1"]


def test_fcnet_reader_declines_a_statement_it_does_not_know():
    text = TINY_FCNET + "xupp(m,n,s) = 2*u;\n"
    with pytest.raises(fcnet.Unsupported, match=r"statement not understood: 'xupp\(m,n,s\) = 2\*u'"):
        fcnet.read_fcnet(text, "tiny")


TREE_FCNET = """Sets nn / n1*n3 /
     ss / a1 /;

Parameter fcost(nn,nn,ss) /
   n1   n2   a1   1
   n1   n3   a1   1
   n2   n3   a1   5
/

Parameter demand(nn) /
   n1   -2
   n2    1
   n3    1
/;

u = -sum(n$(demand(n)<0), demand(n));
xupp(m,n,s)$fcost(m,n,s) = u;
usetree = 1;
"""


def test_usetree_allows_one_arc_out_of_each_node(tmp_path):
    """Without the side constraint n1 -> n2 and n1 -> n3 cost 1 + 1 = 2.

    With ``usetree`` (at most one arc out of a node) n1 may feed only n2, which
    passes one unit on to n3: 1 + 5 = 6, the optimum of the published formulation.
    """
    instance = fcnet.read_fcnet(TREE_FCNET, "tree")
    assert instance.side_constraints == {"usetree"}
    folder = eipopt.write_scenario(scenarios.fcnet_scenario(instance, time_limit=30), tmp_path / "tree")
    loaded = eipopt.load_scenario(folder)
    assert set(loaded.measures["group"]) == {"out_n1", "out_n2"}
    result = eipopt.solve(loaded, baseline=False)
    assert result.summary["objective_value"] == pytest.approx(6.0, rel=1e-9)
    relaxed = eipopt.solve(loaded.with_overrides({"measures.out_n1-n3-a1.group": "alone"}), baseline=False)
    assert relaxed.summary["objective_value"] == pytest.approx(2.0, rel=1e-9)


GEOMETRIC_FCNET = """Sets n / n1*n3 /
     s / a1 /;

yupp('n1','n1','a1')=0;

Parameter demand(n) /
   n2              1
   n3              1
   n1             -2
/;

Table pp(n,*)
                         c1              c2
   n1                     0               0
   n2                     3               4
   n3                     6               8
;

Scalar beta / 50 /;

Parameter vcr(m,n);
Set mp(m), np(n) sets that have all but the first node;
mp(m) = ord(m)>1;
np(n) = ord(n)>1;

vcr('n1',np(n)) = sqr(pp('n1','c1')-pp(n-1,'c1')) + sqr(pp('n1','c2')-pp(n-1,'c2'));
vcr(mp,np) = sqr(pp(np,'c1')-pp(mp,'c1')) + sqr(pp(np,'c2')-pp(mp,'c2'));

vcost(m,np,s) = sqrt(vcr(m,np)+1);
fcost(m,n,s) = beta * vcost(m,n,s);

fcost(m,n,s) = round(fcost(m,n,s),6);
vcost(m,n,s) = round(vcost(m,n,s),6);

u = -demand('n1');
xupp(m,n,s)$fcost(m,n,s) = u;
yupp(np,np,s) = 1;

usett1 = 1;
usett2 = 1;
"""


def test_geometric_h_family_recipe_on_three_points(tmp_path):
    """The h50/h80 files compute costs from coordinates; three points by hand.

    n1 = (0, 0), n2 = (3, 4), n3 = (6, 8); vcost = sqrt(d2 + 1), fcost = 50 vcost
    (from the unrounded vcost), both rounded to 6 decimals. From n1 the files use
    the node *before* the head (GAMS lag ``n-1``): d2(n1 -> n2) = d2(n1, n1) = 0,
    so vcost 1, fcost 50; d2(n1 -> n3) = d2(n1, n2) = 25, so vcost sqrt(26) =
    5.0990195... -> 5.09902 and fcost 254.9509757... -> 254.950976. Between n2
    and n3 d2 = 25 both ways. Self-loops n2 -> n2, n3 -> n3 are omitted.

    Optimum: n1 -> n2 (50 + 1) and n1 -> n3 (254.950976 + 5.09902) = 311.049996;
    through n2 it would be 50 + 2 + 254.950976 + 5.09902 = 312.049996.
    """
    instance = fcnet.read_fcnet(GEOMETRIC_FCNET, "geo")
    costs = {a.id: (a.fixed_cost, a.variable_cost, a.capacity) for a in instance.arcs}
    assert costs == {
        "n1-n2-a1": (50.0, 1.0, 2.0),
        "n1-n3-a1": (254.950976, 5.09902, 2.0),
        "n2-n3-a1": (254.950976, 5.09902, 2.0),
        "n3-n2-a1": (254.950976, 5.09902, 2.0),
    }
    assert instance.omitted == {"self-loop (moves nothing, never pays)": 2}
    assert instance.side_constraints == {"usett1", "usett2"}
    folder = eipopt.write_scenario(scenarios.fcnet_scenario(instance, time_limit=30), tmp_path / "geo")
    result = eipopt.solve(eipopt.load_scenario(folder), baseline=False)
    assert result.summary["objective_value"] == pytest.approx(311.049996, rel=1e-9)


def test_gams_round_is_half_away_from_zero():
    assert fcnet.gams_round(0.0000025, 6) == 0.000003
    assert fcnet.gams_round(-2.5, 0) == -3.0
    assert fcnet.gams_round(math.sqrt(26), 6) == 5.09902


def test_published_optima_parsers_on_excerpts():
    capopt = "Data file   Optimal solution value\ncap41       1040444.375\ncapa        19240822.449 (capacity 8000)\n            18438046.543 (capacity 10000)\n"
    parsed = data.read_cap_optima(capopt)
    assert sorted(parsed) == ["cap41", "capa-10000", "capa-8000"]
    assert parsed["capa-10000"].value == 18438046.543
    assert parsed["capa-10000"].capacity == 10000
    table = "|Name\t     |#Eqns\t |#Vars\t|#NZ   |Optimal Solution\t     |\n|------------|------:|\n|h50x2450b\t |2550\t |4901\t|17053 |3030.20                  |\n|g200x740g\t |941\t |1481\t|4441  |_42808.00_<sup>5</sup>   | \n"
    parsed = data.read_fcnet_optima(table)
    assert parsed["h50x2450b"] == data.PublishedOptimum("h50x2450b", 3030.2, True, None, 2)
    assert parsed["g200x740g"].value == 42808.0
    assert not parsed["g200x740g"].proven
    assert parsed["h50x2450b"].matches(3030.198086)
    assert not parsed["h50x2450b"].matches(3030.21)
