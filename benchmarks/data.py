"""Where the public benchmark files are, which instances they hold, and their published optima.

The files are read in place, never copied into the repository: by default from
``../shared/benchmarks`` next to the repository root, or from the folder named
by the environment variable ``EIPOPT_BENCHMARK_DATA``. Layout::

    orlib_cap/cap41.txt ... cap134.txt, capa.txt, capb.txt, capc.txt, capopt.txt
    fcnetlib/README.md                 (table of optimal values)
    fcnetlib/includes/<name>.inc       (GAMS include files)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Environment variable naming the benchmark data folder.
DATA_ENV = "EIPOPT_BENCHMARK_DATA"

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """The benchmark data folder: ``$EIPOPT_BENCHMARK_DATA`` or ``../shared/benchmarks`` from the repository."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return REPOSITORY_ROOT.parent / "shared" / "benchmarks"


def cap_folder(root: Path | None = None) -> Path:
    return (root or data_root()) / "orlib_cap"


def fcnet_folder(root: Path | None = None) -> Path:
    return (root or data_root()) / "fcnetlib" / "includes"


@dataclass(frozen=True)
class PublishedOptimum:
    """A published objective value.

    ``proven`` is False for FCNetLib values printed in italics (best known
    solution within one hour, not proven optimal). ``capacity`` is set for the
    OR-Library capa/capb/capc files, whose optimum depends on the capacity used.
    ``decimals`` is how many decimals the value is printed with.
    """

    instance: str
    value: float
    proven: bool = True
    capacity: float | None = None
    decimals: int = 0

    def matches(self, objective: float, rel: float = 1e-6) -> bool:
        """Whether ``objective`` equals the value to ``rel``, or to the half unit of its last printed decimal.

        >>> PublishedOptimum("h", 4639.26, decimals=2).matches(4639.2648)
        True
        """
        tolerance = max(rel * abs(self.value), 0.5 * 10.0 ** -self.decimals)
        return abs(objective - self.value) <= tolerance


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def cap_instance_name(file_stem: str, capacity: float | None) -> str:
    """Instance id of an OR-Library file: ``cap41``, or ``capa-8000`` for capa at capacity 8000."""
    return file_stem if capacity is None else f"{file_stem}-{capacity:g}"


_CAPOPT_ROW = re.compile(r"^\s*(?P<name>cap\w*)?\s+(?P<value>\d+(?:\.\d*)?)\s*(?:\(capacity\s+(?P<capacity>\d+(?:\.\d*)?)\))?\s*$")


def read_cap_optima(text: str) -> dict[str, PublishedOptimum]:
    """Parse ``capopt.txt``: ``name value`` rows; a row without a name continues the previous file.

    >>> sorted(read_cap_optima("cap41 10.5\\ncapa 7 (capacity 8000)\\n     6 (capacity 10000)\\n"))
    ['cap41', 'capa-10000', 'capa-8000']
    """
    optima: dict[str, PublishedOptimum] = {}
    current = None
    for line in text.splitlines():
        match = _CAPOPT_ROW.match(line)
        if not match:
            continue
        current = match["name"] or current
        if current is None:
            raise ValueError(f"capopt: value without a file name: {line!r}")
        capacity = float(match["capacity"]) if match["capacity"] else None
        name = cap_instance_name(current, capacity)
        optima[name] = PublishedOptimum(name, float(match["value"]), True, capacity, _decimals(match["value"]))
    return optima


_FCNET_ROW = re.compile(r"^\|\s*(?P<name>[A-Za-z]\w*)\s*\|[^|]*\|[^|]*\|[^|]*\|\s*(?P<value>[^|]*?)\s*\|\s*$")
_ITALIC = re.compile(r"^_(?P<value>[\d.]+)_")


def read_fcnet_optima(text: str) -> dict[str, PublishedOptimum]:
    """Parse the optimal-value table of FCNetLib's README; italic values are best known, not proven.

    >>> table = "|k10x90 |101 |181 |541 |568.00 |\\n|r80x800 |881 |1601 |4801 |_5332.00_<sup>1</sup> |\\n"
    >>> [(o.instance, o.value, o.proven) for o in read_fcnet_optima(table).values()]
    [('k10x90', 568.0, True), ('r80x800', 5332.0, False)]
    """
    optima: dict[str, PublishedOptimum] = {}
    for line in text.replace("\t", " ").splitlines():
        match = _FCNET_ROW.match(line)
        if not match or match["name"] == "Name":
            continue
        cell = match["value"]
        italic = _ITALIC.match(cell)
        value = italic["value"] if italic else cell
        optima[match["name"]] = PublishedOptimum(match["name"], float(value), italic is None, None, _decimals(value))
    return optima


def published_optima(root: Path | None = None) -> dict[str, PublishedOptimum]:
    """Every published value of both families, by instance id."""
    root = root or data_root()
    cap = read_cap_optima((cap_folder(root) / "capopt.txt").read_text(encoding="utf-8"))
    fcnet = read_fcnet_optima((root / "fcnetlib" / "README.md").read_text(encoding="utf-8"))
    return {**cap, **fcnet}


def instance_files(root: Path | None = None) -> dict[str, Path]:
    """Every instance file present, by file stem (``cap41``, ``capa``, ``k10x90`` ...)."""
    root = root or data_root()
    files = {p.stem: p for p in sorted(cap_folder(root).glob("cap*.txt")) if p.stem != "capopt"}
    files.update({p.stem: p for p in sorted(fcnet_folder(root).glob("*.inc"))})
    return files
