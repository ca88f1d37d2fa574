"""What the article page's comment section needs (filled in by the comments feature)."""

from __future__ import annotations

from app.content import Article


def comment_section_context(article: Article) -> dict[str, object]:
    return {}
