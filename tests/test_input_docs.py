"""docs/input-rules.md is generated from the schema, settings ranges, checks and limits, and stays in step."""

from __future__ import annotations

from pathlib import Path

from eipopt.docs import input_rules_markdown
from eipopt.io import MAX_ROWS
from eipopt.model.schema import TABLES
from eipopt.model.settings import RANGES
from eipopt.model.suspicious import WARNINGS
from eipopt.model.validation import CHECKS

DOC = Path(__file__).resolve().parents[1] / "docs" / "input-rules.md"


def test_input_rules_doc_matches_the_code():
    """Regenerate with `make docs` when a rule changes."""
    assert DOC.read_text() == input_rules_markdown()


def test_input_rules_doc_lists_every_rule():
    text = input_rules_markdown()
    for key, allowed in RANGES.items():
        assert f"| `{key}` | {allowed} |" in text
    for rule in (*CHECKS, *WARNINGS):
        assert f"`{rule.__name__}`" in text
    for name in TABLES:
        assert f"`{name}`" in text
    assert f"{MAX_ROWS:,} rows" in text
