"""The shipped scenarios declare exactly the columns of their own that their generators write."""

from __future__ import annotations

import pytest
import yaml

from scenarios.generators import GENERATORS
from tests.input_copies import SCENARIOS


@pytest.mark.parametrize("name", list(GENERATORS))
def test_extra_columns_are_declared_as_the_generator_writes_them(name):
    declared = yaml.safe_load((SCENARIOS / name / "scenario.yaml").read_text()).get("extra_columns", {})
    assert declared == GENERATORS[name]().extra_columns()
