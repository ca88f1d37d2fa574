"""Babel extractor for article content files, wired into babel.cfg as `[article: ...]`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import yaml

from app.content import compose_yaml, parse_article_text


def extract_article(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: dict
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield every block as a `pgettext(context, text)` call with its translator note.

    `flask translate extract` adds the articles of ARTICLES_DIR itself (app/i18n_tools/template.py);
    this lets `pybabel extract` do the same with an `[article: <folder>/*.yaml]` mapping.
    """
    raw = fileobj.read().decode("utf-8")
    article = parse_article_text(raw, getattr(fileobj, "name", "<article>"))
    lines = text_lines(compose_yaml(raw))
    for message in article.messages():
        yield lines.get(message.text, 1), "pgettext", (message.context, message.text), [message.note]


def text_lines(node: yaml.Node | None) -> dict[str, int]:
    """Map each block's normalised English text to the line it starts on (for `#:` references)."""
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
