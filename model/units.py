"""Units through pint: resource units, and link capacities converted to annual amounts.

A capacity given as a rate (``6000 Nm3/h``, ``2 t/h``, ``500 kW``) becomes an
annual amount with the link's full-load operating hours; between volume and
mass the resource's density is used (``Nm3`` is a normal cubic metre, so the
density must be the one at normal conditions).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from eipopt.model.unit_cache import cache_folder, unit_answers

if TYPE_CHECKING:
    import pint

# pint's defaults read 'kt' as knots and know no 'm3'; a park's data means otherwise.
_DEFINITIONS = [
    "m3 = meter ** 3",
    "Nm3 = meter ** 3 = normal_cubic_meter",
    "kt = 1000 * metric_ton = kilotonne",
    "Mt = 1e6 * metric_ton = megatonne",
]


@functools.cache
def registry() -> pint.UnitRegistry:
    """The project's unit registry (pint defaults plus park units), built on first use, once per process.

    pint is imported here, not with this module, so that commands that read no
    units (``eipopt --help``) do not pay for it, and commands whose units were
    all seen before do not need it at all (:mod:`eipopt.model.unit_cache`).
    pint keeps its parsed definitions in eipopt's cache folder, which makes
    building the registry several times faster after the first run; without a
    writable cache folder the definitions are parsed afresh.
    """
    pint = _import_pint()
    try:
        ureg = pint.UnitRegistry(on_redefinition="ignore", cache_folder=_pint_cache_folder(pint))
    except OSError:
        ureg = pint.UnitRegistry(on_redefinition="ignore")
    for definition in _DEFINITIONS:
        ureg.define(definition)
    return ureg


def _pint_cache_folder(pint) -> Path:
    """pint's definition cache for this pint installation alone.

    pint's shared default folder (``":auto:"``) stores the paths of the
    definition files it parsed; once the environment that wrote it is gone,
    every other environment's registry fails to read it and pint parses its
    definitions afresh on every run (0.4 s instead of 0.05 s).
    """
    installation = hashlib.sha256(str(Path(pint.__file__).resolve()).encode()).hexdigest()[:12]
    return cache_folder() / "pint" / f"{pint.__version__}-{installation}"


def _import_pint():
    """pint, imported without Dask.

    pint 0.25 imports ``dask.base`` (and with it much of Dask and jinja2: about
    0.1-0.3 s) whenever Dask is installed, to handle Dask arrays, which eipopt
    never gives it (upstream defers this import in later releases). While pint
    is first imported, Dask is marked as absent (``sys.modules["dask"] = None``
    makes ``find_spec`` report it missing); the mark is removed at once, so
    ``import dask`` works as usual afterwards.
    """
    import sys

    if "pint" in sys.modules or "dask" in sys.modules:
        import pint

        return pint
    sys.modules["dask"] = None
    try:
        import pint
    finally:
        del sys.modules["dask"]
    return pint


class UnitError(ValueError):
    """A unit is unknown or cannot be converted."""


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string, raising :class:`UnitError` with a readable message.

    Offset units (``degC``, ``degF``) are refused: an annual amount cannot be
    multiplied or converted in them.
    """
    ureg = registry()
    import pint  # imported by registry(), without Dask

    try:
        unit = ureg.Unit(text)
    except Exception as exc:  # noqa: BLE001 - pint's parser raises tokenize, syntax, arithmetic and its own errors
        raise UnitError(f"unknown unit '{text}'") from exc
    try:
        ureg.Quantity(1.0, unit) * ureg.Quantity(1.0, unit)
    except pint.errors.OffsetUnitCalculusError as exc:
        raise UnitError(f"'{text}' is an offset unit (a temperature scale); amounts need units such as t, MWh, m3 or kW") from exc
    return unit


def check_unit(text: str) -> None:
    """Raise :class:`UnitError` unless :func:`parse_unit` accepts ``text`` (asking pint only about units it was not asked before)."""
    answers = unit_answers(tuple(_DEFINITIONS))
    known = answers.get(f"unit:{text}")
    if known is None:
        try:
            parse_unit(text)
        except UnitError as exc:
            answers.put(f"unit:{text}", None, str(exc))
            raise
        answers.put(f"unit:{text}", 1.0, None)
    elif known[1] is not None:
        raise UnitError(known[1])


def short_ton_warning(text: str) -> str | None:
    """A warning when pint reads ``text`` with a US short ton (907.185 kg) where a metric tonne is likely meant."""
    if re.search(r"(?<![A-Za-z_])tons?(?![A-Za-z_])", text) and "short_ton" not in text:
        return f"'{text}': pint reads 'ton' as the US short ton (907.185 kg); write 't' or 'tonne' for a metric tonne"
    return None


def annual_amount(
    value: float,
    capacity_unit: str,
    resource_unit: str,
    operating_hours: float,
    density_kg_per_m3: float | None,
) -> float:
    """Convert a capacity to an annual amount in the resource's unit.

    ``capacity_unit`` blank means ``value`` is already an annual amount in
    ``resource_unit``. A rate (a unit per time: ``Nm3/h``, ``t/h``, ``kW``) is
    multiplied by ``operating_hours`` hours; between volume and mass the density
    is used.

    >>> round(annual_amount(6000, "Nm3/h", "t", 6240, 1.977), 3)
    74018.88
    """
    if not capacity_unit:
        return float(value)
    density = None if density_kg_per_m3 is None or density_kg_per_m3 != density_kg_per_m3 else float(density_kg_per_m3)
    return float(value) * _conversion_factor(capacity_unit, resource_unit, float(operating_hours), density)


@functools.lru_cache(maxsize=4096)
def _conversion_factor(capacity_unit: str, resource_unit: str, operating_hours: float, density_kg_per_m3: float | None) -> float:
    """:func:`_pint_conversion_factor`, answered from the cache of earlier runs when it holds the question."""
    answers = unit_answers(tuple(_DEFINITIONS))
    question = f"factor:{capacity_unit!r} {resource_unit!r} {operating_hours!r} {density_kg_per_m3!r}"
    known = answers.get(question)
    if known is None:
        try:
            factor = _pint_conversion_factor(capacity_unit, resource_unit, operating_hours, density_kg_per_m3)
        except UnitError as exc:
            answers.put(question, None, str(exc))
            raise
        answers.put(question, factor, None)
        return factor
    if known[1] is not None:
        raise UnitError(known[1])
    return float(known[0])


def _pint_conversion_factor(capacity_unit: str, resource_unit: str, operating_hours: float, density_kg_per_m3: float | None) -> float:
    """Annual amount of one unit of capacity (cached: a park has few distinct unit pairs)."""
    ureg = registry()
    amount = ureg.Quantity(1.0, parse_unit(capacity_unit))
    target = ureg.Quantity(1, parse_unit(resource_unit)).units
    density = None if density_kg_per_m3 is None else ureg.Quantity(density_kg_per_m3, "kg/m**3")
    # an amount as given, or a rate times the operating hours; each directly or through the density
    for quantity in (amount, amount * ureg.Quantity(operating_hours, "hour")):
        candidates = [quantity] + ([quantity * density, quantity / density] if density is not None else [])
        for candidate in candidates:
            if candidate.dimensionality == ureg.Quantity(1, target).dimensionality:
                factor = float(candidate.to(target).magnitude)
                if not math.isfinite(factor) or factor == 0:
                    raise UnitError(f"converting '{capacity_unit}' to '{resource_unit}' gives {factor:g}; check both units")
                return factor
    hint = "" if density is not None else " (volume <-> mass needs the resource's density_kg_per_m3)"
    raise UnitError(f"cannot convert '{capacity_unit}' to '{resource_unit}'{hint}")
