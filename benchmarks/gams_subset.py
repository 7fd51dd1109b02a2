"""The small part of GAMS that FCNetLib include files are written in.

An include file declares sets (``Set n / n1*n10 /;``), parameters with data
lists (``Parameter fcost(m,n,s) / n1 n2 a1 13 ... /``), tables and scalars,
then ends with a few assignment statements (``u = -sum(n$(demand(n)<0),
demand(n));``, ``xupp(m,n,s)$fcost(m,n,s) = u;`` ...). This module splits a
file into statements and parses the declarations generically; the assignment
statements are recognised one by one by :mod:`benchmarks.fcnet`, which refuses
a file with any statement it does not know.

Only what the files use is supported: no quoting inside data lists, no dotted
labels, tables with one header row. Labels are case-insensitive in GAMS and
are kept in lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DECLARATION = re.compile(r"^(?P<keyword>sets?|parameters?|scalars?|table)\b", re.IGNORECASE)
_KEYWORD_AT_LINE_START = re.compile(r"(?im)^[ \t]*(?=(?:sets?|parameters?|scalars?|table)\b)")
_ITEM = re.compile(
    r"\s*,?\s*(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<domain>[^)]*)\))?(?P<text>[^/\n,]*)(?:/(?P<data>[^/]*)/)?",
    re.DOTALL,
)
_RANGE = re.compile(r"^(?P<prefix>[A-Za-z_]*)(?P<first>\d+)\*(?P=prefix)(?P<last>\d+)$")


class GamsSyntaxError(ValueError):
    """A construct outside the supported subset."""


@dataclass
class Declarations:
    """What the declarations of a file define.

    ``sets``: name -> ordered elements (``None`` for a declared subset whose
    elements are assigned later); ``domains``: name -> domain names;
    ``parameters``: name -> {label tuple: value} (zeros are not stored, as in
    GAMS); ``scalars``: name -> value.
    """

    sets: dict[str, list[str] | None] = field(default_factory=dict)
    domains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parameters: dict[str, dict[tuple[str, ...], float]] = field(default_factory=dict)
    scalars: dict[str, float] = field(default_factory=dict)


def strip_lines(text: str) -> str:
    """Drop comment lines (``*`` in column 1) and dollar-control lines (``$ondelim``)."""
    kept = [line for line in text.splitlines() if not line.startswith(("*", "$"))]
    return "\n".join(kept)


def statements(text: str) -> list[str]:
    """Split on ``;`` outside parentheses; a declaration may hold several (``Parameter a /../ Parameter b /../;``)."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    out = []
    for part in parts:
        for piece in _KEYWORD_AT_LINE_START.split(part):
            if piece.strip():
                out.append(piece.strip())
    return out


def is_declaration(statement: str) -> bool:
    return bool(_DECLARATION.match(statement))


def parse_declaration(statement: str, declarations: Declarations) -> None:
    """Add one ``Set``/``Parameter``/``Scalar``/``Table`` statement's definitions."""
    keyword = _DECLARATION.match(statement)["keyword"].lower()
    body = statement[len(keyword):]
    if keyword == "table":
        _parse_table(body, declarations)
        return
    position = 0
    while body[position:].strip(" \t\n,"):
        item = _ITEM.match(body, position)
        if item is None or item.end() == position:
            raise GamsSyntaxError(f"cannot read declaration near {body[position:position + 40]!r}")
        position = item.end()
        name = item["name"]
        domain = tuple(d.strip() for d in item["domain"].split(",")) if item["domain"] else ()
        declarations.domains[name] = domain
        data = item["data"]
        if keyword.startswith("set"):
            declarations.sets[name] = set_elements(data) if data is not None else None
        elif keyword.startswith("scalar"):
            declarations.scalars[name] = float(data) if data is not None else 0.0
        else:
            declarations.parameters[name] = data_list(data, len(domain), name) if data is not None else {}


def set_elements(data: str) -> list[str]:
    """Elements of a set data list; ``n1*n10`` expands to n1, n2, ..., n10.

    >>> set_elements(" n1*n3, a ")
    ['n1', 'n2', 'n3', 'a']
    """
    elements: list[str] = []
    for token in data.replace(",", " ").split():
        span = _RANGE.match(token)
        if span:
            first, last = int(span["first"]), int(span["last"])
            elements += [f"{span['prefix']}{k}".lower() for k in range(first, last + 1)]
        else:
            elements.append(token.lower())
    return elements


def data_list(data: str, dimension: int, name: str) -> dict[tuple[str, ...], float]:
    """Rows of ``label ... label value``, one per line; zero values are not stored.

    >>> data_list("n1 n2 a1 13\\n n2 n1 a1 0", 3, "fcost")
    {('n1', 'n2', 'a1'): 13.0}
    """
    values: dict[tuple[str, ...], float] = {}
    for line in data.splitlines():
        tokens = line.replace(",", " ").split()
        if not tokens:
            continue
        if len(tokens) != dimension + 1:
            raise GamsSyntaxError(f"{name}: expected {dimension} labels and a value, got {line.strip()!r}")
        value = float(tokens[-1])
        if value != 0:
            values[tuple(t.lower() for t in tokens[:-1])] = value
    return values


def _parse_table(body: str, declarations: Declarations) -> None:
    """``Table name(row_set,*)``, a header row of column labels, then ``row value ...`` rows."""
    lines = [line for line in body.splitlines() if line.strip()]
    head = re.match(r"\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<domain>[^)]*)\)", lines[0])
    if head is None or len(lines) < 2:
        raise GamsSyntaxError(f"cannot read table {lines[0]!r}")
    columns = lines[1].split()
    values: dict[tuple[str, ...], float] = {}
    for line in lines[2:]:
        tokens = line.split()
        if len(tokens) != len(columns) + 1:
            raise GamsSyntaxError(f"table {head['name']}: row {line.strip()!r} does not fill the {len(columns)} columns")
        for column, text in zip(columns, tokens[1:], strict=True):
            if float(text) != 0:
                values[(tokens[0].lower(), column.lower())] = float(text)
    declarations.domains[head["name"]] = tuple(d.strip() for d in head["domain"].split(","))
    declarations.parameters[head["name"]] = values


def normalise(statement: str) -> str:
    """A statement without whitespace, in lower case: the form statements are recognised in."""
    return re.sub(r"\s+", "", statement).lower()
