"""FCNetLib fixed-charge network flow instances (Ortega & Wolsey 2003), from their GAMS include files.

The published optima belong to GAMS-dev/gamsworld's ``bchfcnet.gms``, which
includes a file and then solves::

    arc(m,n,s)  exists where fcost, vcost, xupp or yupp is non-zero
    xupp(arc) = min(u, xupp(arc));  x.up(arc) = xupp(arc);  y.up(arc)$yupp(arc) = yupp(arc)
    min   sum(arc, vcost*x + fcost*y)
    bal(n):  sum(arc(m,n,s), x) - sum(arc(n,m,s), x) = demand(n)      (demand > 0 consumes)
    bf(arc): x <= xupp * y,   x >= 0,  y binary
    tree(n)$usetree:                  sum(arc(n,m,s), y) <= 1     (at most one arc out)
    tt1(n)$(usett1 and demand(n) > 0): sum((m,s), y(m,n,s)) = 1   (exactly one arc in)
    tt2(n)$(usett2 and demand(n) = 0): sum((m,s), y(m,n,s)) <= 1  (at most one arc in)

:func:`read_fcnet` runs a file's declarations and every statement after them
(each recognised in :data:`STATEMENTS`; any other statement makes the file
:class:`Unsupported`), then applies the driver's steps above.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from benchmarks.gams_subset import (
    Declarations,
    GamsSyntaxError,
    is_declaration,
    normalise,
    parse_declaration,
    statements,
    strip_lines,
)

#: GAMS ``eps``: a value that counts as non-zero (an entry exists) but is 0 as a number.
EPS = "eps"

#: Side constraints of ``bchfcnet.gms`` switched on by scalars of the same name.
SIDE_CONSTRAINTS = ("usetree", "usett1", "usett2")


class Unsupported(ValueError):
    """The file uses something this reader does not interpret; nothing is guessed."""


@dataclass(frozen=True)
class Arc:
    """One arc (tail -> head, parallel arcs told apart by ``sub``)."""

    tail: str
    head: str
    sub: str
    fixed_cost: float
    variable_cost: float
    capacity: float

    @property
    def id(self) -> str:
        return f"{self.tail}-{self.head}-{self.sub}"


@dataclass(frozen=True)
class FcnetInstance:
    """A fixed-charge network flow instance in the formulation of ``bchfcnet.gms``.

    ``demand[n] > 0``: node n consumes; ``< 0``: it supplies. ``side_constraints``
    holds the names of the switched-on constraints (``usetree``, ``usett1``,
    ``usett2``). ``omitted`` explains arcs left out because they can carry no
    flow or never pay (counted by reason).
    """

    name: str
    nodes: tuple[str, ...]
    demand: dict[str, float]
    arcs: tuple[Arc, ...]
    side_constraints: frozenset[str] = frozenset()
    omitted: dict[str, int] = field(default_factory=dict)

    @property
    def total_supply(self) -> float:
        return -sum(v for v in self.demand.values() if v < 0)


@dataclass
class _State:
    """Sets, parameters and scalars while a file's statements run."""

    nodes: list[str]
    subarcs: list[str]
    subsets: dict[str, list[str]]
    fcost: dict[tuple[str, str, str], float]
    vcost: dict[tuple[str, str, str], float]
    xupp: dict[tuple[str, str, str], float]
    yupp: dict[tuple[str, str, str], float | str]
    demand: dict[str, float]
    other: dict[str, dict[tuple[str, ...], float]]
    scalars: dict[str, float]


def _set(name: str, declarations: Declarations, aliases: tuple[str, ...]) -> list[str]:
    for alias in aliases:
        elements = declarations.sets.get(alias)
        if elements:
            return elements
    raise Unsupported(f"no elements for the {name} set (declared as one of {aliases})")


def _state(declarations: Declarations) -> _State:
    nodes = _set("node", declarations, ("n", "nn"))
    subarcs = _set("sub-arc", declarations, ("s", "ss"))
    params = dict(declarations.parameters)
    known = {"fcost", "vcost", "xupp", "yupp", "demand", "exist", "pp", "vcr"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise Unsupported(f"parameters this reader does not interpret: {unknown}")
    subsets = {name: elements for name, elements in declarations.sets.items() if name not in ("n", "nn", "s", "ss") and elements}
    return _State(
        nodes=nodes,
        subarcs=subarcs,
        subsets=subsets,
        fcost=params.pop("fcost", {}),
        vcost=params.pop("vcost", {}),
        xupp=params.pop("xupp", {}),
        yupp=params.pop("yupp", {}),
        demand={k[0]: v for k, v in params.pop("demand", {}).items()},
        other=params,
        scalars={"usetree": 0.0, "usett1": 0.0, "usett2": 0.0, **declarations.scalars},
    )


# --- the statements FCNetLib files end with, each with what it does -----------------------

def _drop_zero(values: dict) -> None:
    for key in [k for k, v in values.items() if v == 0]:
        del values[key]


def _set_yupp_entry(state: _State, match: re.Match) -> None:
    """``yupp('n1','n1','a1')=0``: set one entry (zero removes it)."""
    key, value = (match["m"], match["n"], match["s"]), float(match["value"])
    state.yupp[key] = value
    _drop_zero(state.yupp)


def _negate_demand(state: _State, match: re.Match) -> None:
    """``demand(n) = -demand(n)``."""
    state.demand = {n: -v for n, v in state.demand.items()}


def _total_supply(state: _State, match: re.Match) -> None:
    """``u = -sum(n$(demand(n)<0), demand(n))``."""
    state.scalars["u"] = -sum(v for v in state.demand.values() if v < 0)


def _supply_of_node(state: _State, match: re.Match) -> None:
    """``u = -demand('n1')``."""
    state.scalars["u"] = -state.demand.get(match["node"], 0.0)


def _bound_arcs_with_cost(state: _State, match: re.Match) -> None:
    """``xupp(m,n,s)$(fcost(m,n,s) or vcost(m,n,s)) = u`` (or ``$fcost(m,n,s)`` only)."""
    keys = set(state.fcost) | (set(state.vcost) if match["either"] else set())
    for key in keys:
        state.xupp[key] = state.scalars["u"]
    _drop_zero(state.xupp)


def _clear_vcost(state: _State, match: re.Match) -> None:
    """``vcost(m,n,s) = 0``."""
    state.vcost.clear()


def _zero_negative_fixed_costs(state: _State, match: re.Match) -> None:
    """``loop((m,n,s)$(fcost(m,n,s)<0), fcost(m,n,s)=0; vcost(m,n,s)=0;)``: such arcs become free."""
    for key in [k for k, v in state.fcost.items() if v < 0]:
        del state.fcost[key]
        state.vcost.pop(key, None)


def _scale_fixed_costs(state: _State, match: re.Match) -> None:
    """``fcost(m,n,s) = 10 * fcost(m,n,s)``."""
    factor = float(match["factor"])
    state.fcost = {k: factor * v for k, v in state.fcost.items()}
    _drop_zero(state.fcost)


def _bound_existing_pairs(state: _State, match: re.Match) -> None:
    """``loop((m,n)$exist(m,n), xupp(m,n,s) = u;)``: every sub-arc of an existing pair."""
    for (tail, head) in state.other.get("exist", {}):
        for sub in state.subarcs:
            state.xupp[(tail, head, sub)] = state.scalars["u"]
    _drop_zero(state.xupp)


def _switch_side_constraint(state: _State, match: re.Match) -> None:
    """``usetree = 1`` (``usett1``, ``usett2``)."""
    state.scalars[match["flag"]] = float(match["value"])


def _all_but_first(state: _State, match: re.Match) -> None:
    """``mp(m) = ord(m)>1;`` / ``np(n) = ord(n)>1;``."""
    state.subsets[match["subset"]] = state.nodes[1:]


def _squared_distance_from_first(state: _State, match: re.Match) -> None:
    """``vcr('n1',np(n)) = sqr(pp('n1','c1')-pp(n-1,'c1')) + sqr(pp('n1','c2')-pp(n-1,'c2'))``.

    ``n-1`` is GAMS' lag: the node before n in set order (a quirk of the
    generator, kept: the published optima were computed with it).
    """
    first, pp = match["first"], state.other["pp"]
    vcr = state.other.setdefault("vcr", {})
    order = {node: k for k, node in enumerate(state.nodes)}
    for node in state.subsets["np"]:
        before = state.nodes[order[node] - 1]
        vcr[(first, node)] = sum((pp.get((first, c), 0.0) - pp.get((before, c), 0.0)) ** 2 for c in ("c1", "c2"))


def _squared_distance_between(state: _State, match: re.Match) -> None:
    """``vcr(mp,np) = sqr(pp(np,'c1')-pp(mp,'c1')) + sqr(pp(np,'c2')-pp(mp,'c2'))``."""
    pp = state.other["pp"]
    vcr = state.other.setdefault("vcr", {})
    for tail in state.subsets["mp"]:
        for head in state.subsets["np"]:
            vcr[(tail, head)] = sum((pp.get((head, c), 0.0) - pp.get((tail, c), 0.0)) ** 2 for c in ("c1", "c2"))


def _distance_cost(state: _State, match: re.Match) -> None:
    """``vcost(m,np,s) = sqrt(vcr(m,np)+1)``: every node to every node but the first."""
    vcr = state.other.get("vcr", {})
    for tail in state.nodes:
        for head in state.subsets["np"]:
            for sub in state.subarcs:
                state.vcost[(tail, head, sub)] = math.sqrt(vcr.get((tail, head), 0.0) + 1.0)


def _fixed_cost_from_variable(state: _State, match: re.Match) -> None:
    """``fcost(m,n,s) = beta * vcost(m,n,s)``."""
    beta = state.scalars[match["scalar"]]
    state.fcost = {k: beta * v for k, v in state.vcost.items()}
    _drop_zero(state.fcost)


def gams_round(value: float, decimals: int) -> float:
    """GAMS ``round(x, d)``: to d decimals, halves away from zero.

    >>> gams_round(2.5e-6, 5), gams_round(-1.0000005, 6)
    (3e-05, -1.000001)
    """
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _round_costs(state: _State, match: re.Match) -> None:
    """``fcost(m,n,s) = round(fcost(m,n,s),6)`` (or vcost)."""
    name, decimals = match["param"], int(match["decimals"])
    setattr(state, name, {k: gams_round(v, decimals) for k, v in getattr(state, name).items()})
    _drop_zero(getattr(state, name))


def _self_loop_build_bound(state: _State, match: re.Match) -> None:
    """``yupp(np,np,s) = 1`` or ``= eps`` (the self-loop exists but cannot be built)."""
    value = EPS if match["value"] == "eps" else float(match["value"])
    for node in state.subsets["np"]:
        for sub in state.subarcs:
            state.yupp[(node, node, sub)] = value
    _drop_zero(state.yupp)


_Q = r"'(?P<{}>\w+)'"
#: Every statement (after :func:`~benchmarks.gams_subset.normalise`) a file may end with.
STATEMENTS: tuple[tuple[re.Pattern, Callable[[_State, re.Match], None]], ...] = tuple(
    (re.compile(pattern + r"$"), action)
    for pattern, action in [
        (r"yupp\(" + ",".join(_Q.format(k) for k in "mns") + r"\)=(?P<value>[\d.]+)", _set_yupp_entry),
        (r"demand\((?P<i>nn?)\)=-demand\((?P=i)\)", _negate_demand),
        (r"u=-sum\((?P<i>nn?)\$\(demand\((?P=i)\)<0\),demand\((?P=i)\)\)", _total_supply),
        (r"u=-demand\(" + _Q.format("node") + r"\)", _supply_of_node),
        (r"xupp\(m,n,s\)\$(?:\(fcost\(m,n,s\)(?P<either>orvcost\(m,n,s\))\)|fcost\(m,n,s\))=u", _bound_arcs_with_cost),
        (r"vcost\(m,n,s\)=0", _clear_vcost),
        (r"loop\(\(m,n,s\)\$\(fcost\(m,n,s\)<0\),fcost\(m,n,s\)=0;vcost\(m,n,s\)=0;\)", _zero_negative_fixed_costs),
        (r"fcost\(m,n,s\)=(?P<factor>\d+(?:\.\d*)?)\*fcost\(m,n,s\)", _scale_fixed_costs),
        (r"loop\(\(m,n\)\$exist\(m,n\),xupp\(m,n,s\)=u;\)", _bound_existing_pairs),
        (r"(?P<flag>usetree|usett1|usett2)=(?P<value>[01])", _switch_side_constraint),
        (r"(?P<subset>mp|np)\((?P<i>[mn])\)=ord\((?P=i)\)>1", _all_but_first),
        (
            r"vcr\(" + _Q.format("first") + r",np\(n\)\)=sqr\(pp\('(?P=first)','c1'\)-pp\(n-1,'c1'\)\)"
            r"\+sqr\(pp\('(?P=first)','c2'\)-pp\(n-1,'c2'\)\)",
            _squared_distance_from_first,
        ),
        (r"vcr\(mp,np\)=sqr\(pp\(np,'c1'\)-pp\(mp,'c1'\)\)\+sqr\(pp\(np,'c2'\)-pp\(mp,'c2'\)\)", _squared_distance_between),
        (r"vcost\(m,np,s\)=sqrt\(vcr\(m,np\)\+1\)", _distance_cost),
        (r"fcost\(m,n,s\)=(?P<scalar>[a-z]\w*)\*vcost\(m,n,s\)", _fixed_cost_from_variable),
        (r"(?P<param>fcost|vcost)\(m,n,s\)=round\((?P=param)\(m,n,s\),(?P<decimals>\d+)\)", _round_costs),
        (r"yupp\(np,np,s\)=(?P<value>eps|[\d.]+)", _self_loop_build_bound),
    ]
)


def run_statement(state: _State, statement: str) -> None:
    """Run one assignment statement, or raise :class:`Unsupported` naming it."""
    text = normalise(statement)
    for pattern, action in STATEMENTS:
        match = pattern.match(text)
        if match:
            action(state, match)
            return
    raise Unsupported(f"statement not understood: {statement.strip()!r}")


def read_fcnet(text: str, name: str) -> FcnetInstance:
    """Read an FCNetLib include file into the instance ``bchfcnet.gms`` solves.

    Arcs that can carry no flow are omitted (bound 0 after ``xupp = min(u,
    xupp)``, or ``y.up = 0`` through ``yupp = eps``), and so are self-loops
    (an arc n -> n moves nothing; with non-negative costs it never pays).
    """
    declarations = Declarations()
    try:
        parts = statements(strip_lines(text))
        for statement in filter(is_declaration, parts):
            parse_declaration(statement, declarations)
        state = _state(declarations)
        for statement in parts:
            if not is_declaration(statement):
                run_statement(state, statement)
    except GamsSyntaxError as error:
        raise Unsupported(f"{name}: {error}") from None
    except Unsupported as error:
        raise Unsupported(f"{name}: {error}") from None
    return _driver_instance(state, name)


def _driver_instance(state: _State, name: str) -> FcnetInstance:
    """What ``bchfcnet.gms`` does after the include: arcs, bounds, side constraints."""
    if "u" not in state.scalars:
        raise Unsupported(f"{name}: the file never sets u, the bound on any arc's flow")
    u = state.scalars["u"]
    keys = dict.fromkeys([*state.fcost, *state.vcost, *state.xupp, *state.yupp])
    arcs, omitted = [], {}
    for key in keys:
        tail, head, sub = key
        fixed, variable = state.fcost.get(key, 0.0), state.vcost.get(key, 0.0)
        capacity = min(u, state.xupp.get(key, 0.0))
        build_bound = state.yupp.get(key)
        if fixed < 0:
            raise Unsupported(f"{name}: arc {tail}-{head}-{sub} has a negative fixed cost {fixed}")
        if capacity <= 0 or build_bound == EPS or build_bound == 0:
            reason = "cannot carry flow (bound 0)"
        elif tail == head:
            if variable < 0:
                raise Unsupported(f"{name}: self-loop {tail}-{head}-{sub} with a negative variable cost")
            reason = "self-loop (moves nothing, never pays)"
        elif build_bound not in (None, 1.0):
            raise Unsupported(f"{name}: arc {tail}-{head}-{sub} has a build bound of {build_bound}")
        else:
            arcs.append(Arc(tail, head, sub, fixed, variable, capacity))
            continue
        omitted[reason] = omitted.get(reason, 0) + 1
    balance = sum(state.demand.values())
    if abs(balance) > 1e-9 * max(1.0, state.scalars["u"]):
        raise Unsupported(f"{name}: supply and demand differ by {balance:g}; the published model would be infeasible")
    used = {a.tail for a in arcs} | {a.head for a in arcs} | {n for n, v in state.demand.items() if v}
    nodes = tuple(n for n in state.nodes if n in used)
    unknown = used - set(state.nodes)
    if unknown:
        raise Unsupported(f"{name}: labels outside the node set: {sorted(unknown)[:5]}")
    flags = frozenset(f for f in SIDE_CONSTRAINTS if state.scalars.get(f, 0.0))
    return FcnetInstance(name, nodes, {n: v for n, v in state.demand.items() if v}, tuple(arcs), flags, omitted)
