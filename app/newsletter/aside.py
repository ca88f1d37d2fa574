"""What the article page's newsletter aside needs (filled in by the newsletter feature)."""

from __future__ import annotations

from app.content import Article


def newsletter_aside_context(article: Article) -> dict[str, object]:
    return {}
