"""``scenario.yaml`` read strictly: no duplicated keys, no aliases, and where each key is.

PyYAML's ``safe_load`` keeps the last of two equal keys (so a typo'd copy of a
key silently wins) and expands aliases, so that ten lines of anchors can make
a billion-element document ("billion laughs"). Scenario files need neither.
"""

from __future__ import annotations

from typing import Any

import yaml


class StrictYamlError(ValueError):
    """The YAML is not acceptable; ``line`` is where (1-based), if known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses aliases and duplicated mapping keys."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise StrictYamlError(f"alias '*{event.anchor}' is not allowed in a scenario file; write the value out", event.start_mark.line + 1)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool | None):
                raise StrictYamlError(f"a key must be a plain name, not {type(key).__name__}", line)
            if key in seen:
                raise StrictYamlError(f"key '{key}' appears twice (lines {seen[key]} and {line}); keep one", line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_settings_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The document in ``text`` and the line of each settings key.

    Lines are keyed by dotted path (``solver.threads``), budgets by their id
    (``budgets.total`` and ``budgets.total.limit``).
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise StrictYamlError(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise StrictYamlError(f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, _key_lines(node)


def _key_lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            dotted = f"{prefix}{key_node.value}"
            lines[dotted] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, dotted + "."))
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            pairs = item.value if isinstance(item, yaml.MappingNode) else []
            name = next((v.value for k, v in pairs if k.value == "id"), None)
            label = f"{prefix}{name}" if name is not None else f"{prefix[:-1]}[{position}]"
            lines[label] = item.start_mark.line + 1
            for key, line in _key_lines(item, label + ".").items():
                lines.setdefault(key, line)
    return lines
