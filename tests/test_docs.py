"""Documentation generated from code stays in step with it."""

from pathlib import Path

from eipopt.docs import schema_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_format_doc_matches_the_schema():
    """Regenerate with `make docs` when the schema changes."""
    assert (ROOT / "docs" / "scenario-format.md").read_text() == schema_markdown()
