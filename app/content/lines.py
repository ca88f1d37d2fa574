"""Where each block's English starts in an article file: the line of the `#:` references."""

from __future__ import annotations

import yaml


def text_lines(node: yaml.Node | None) -> dict[str, int]:
    """Map each block's normalised English text to the line it starts on (for `#:` references).

    A text written twice maps to its last line."""
    found: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "text" and isinstance(value, yaml.ScalarNode):
                found[" ".join(value.value.split())] = value.start_mark.line + 1
            else:
                found.update(text_lines(value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.update(text_lines(item))
    return found
