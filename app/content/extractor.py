"""Babel extractor for article content files, wired into babel.cfg as `[article: ...]`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from app.content import parse_article_text


def extract_article(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: dict
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield every block as a `pgettext(context, text)` call with its translator note.

    `flask translate extract` adds the articles of ARTICLES_DIR itself (app/i18n_tools/template.py);
    this lets `pybabel extract` do the same with an `[article: <folder>/*.yaml]` mapping.
    """
    raw = fileobj.read().decode("utf-8")
    article = parse_article_text(raw, getattr(fileobj, "name", "<article>"))
    for message in article.messages():
        yield message.line, "pgettext", (message.context, message.text), [message.note]
