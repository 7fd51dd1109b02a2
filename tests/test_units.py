"""Capacities given as rates become annual amounts in the resource's unit (pint)."""

from __future__ import annotations

import pytest

from eipopt.model.units import UnitError, annual_amount, parse_unit


@pytest.mark.parametrize(
    ("value", "unit", "resource_unit", "hours", "density", "expected"),
    [
        # 6,000 Nm3/h * 6,240 h * 1.977 kg/Nm3 = 74,018,880 kg = 74,018.88 t
        (6000, "Nm3/h", "t", 6240, 1.977, 74_018.88),
        # 2 t/h * 8,000 h = 16,000 t
        (2, "t/h", "t", 8000, None, 16_000),
        # 500 kW * 7,000 h = 3,500,000 kWh = 3,500 MWh
        (500, "kW", "MWh", 7000, None, 3_500),
        # 10 m3/h of water (1,000 kg/m3) * 8,760 h = 87,600 t
        (10, "m3/h", "t", 8760, 1000, 87_600),
        # 87,600 t of water back to m3 with the density: 87,600 m3
        (87_600, "t", "m3", 8760, 1000, 87_600),
        # an annual amount in another unit: 3 kt = 3,000 t ('kt' is kilotonne, not knot)
        (3, "kt", "t", 8760, None, 3_000),
        # blank unit: already the resource's annual amount
        (123.4, "", "t", 8760, None, 123.4),
        # 1 GJ/h * 1,000 h = 1,000 GJ = 277.78 MWh
        (1, "GJ/h", "MWh", 1000, None, 1000 / 3.6),
    ],
)
def test_annual_amount(value, unit, resource_unit, hours, density, expected):
    assert annual_amount(value, unit, resource_unit, hours, density) == pytest.approx(expected, rel=1e-12)


def test_volume_to_mass_needs_a_density():
    with pytest.raises(UnitError, match="density"):
        annual_amount(6000, "Nm3/h", "t", 6240, None)


def test_incompatible_units_are_refused():
    with pytest.raises(UnitError, match="cannot convert"):
        annual_amount(5, "kW", "t", 8760, 1000)


def test_unknown_unit():
    with pytest.raises(UnitError, match="unknown unit 'furlongs_per_fortnight'"):
        parse_unit("furlongs_per_fortnight")
