"""Article sources: content files in `articles/`, English, one gettext message per block."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"


@dataclass(frozen=True)
class Message:
    """One translatable piece of an article: its English text, context and translator note."""

    context: str
    text: str
    note: str


@dataclass(frozen=True)
class Block:
    id: str
    kind: str  # "paragraph", "list_item" or "warning"
    message: Message


@dataclass(frozen=True)
class Section:
    id: str
    heading: Message
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Article:
    slug: str
    source_version: dt.date
    last_reviewed: dt.date
    title: Message
    summary: Message
    author_role: Message
    author_description: Message
    sections: tuple[Section, ...]

    def messages(self) -> list[Message]:
        found = [self.title, self.summary, self.author_role, self.author_description]
        for section in self.sections:
            found.append(section.heading)
            found.extend(block.message for block in section.blocks)
        return found


def _message(context: str, raw: dict) -> Message:
    return Message(context=context, text=" ".join(str(raw["text"]).split()), note=raw.get("note", ""))


def parse_article(source: dict) -> Article:
    slug = source["slug"]
    sections = []
    for section in source["sections"]:
        prefix = f"{slug}|{section['id']}"
        blocks = tuple(
            Block(
                id=block["id"],
                kind=block.get("kind", "paragraph"),
                message=_message(f"{prefix}|{block['id']}", block),
            )
            for block in section["blocks"]
        )
        sections.append(
            Section(id=section["id"], heading=_message(f"{prefix}|heading", section["heading"]), blocks=blocks)
        )
    return Article(
        slug=slug,
        source_version=source["source_version"],
        last_reviewed=source["last_reviewed"],
        title=_message(f"{slug}|title", source["title"]),
        summary=_message(f"{slug}|summary", source["summary"]),
        author_role=_message(f"{slug}|author|role", source["author"]["role"]),
        author_description=_message(f"{slug}|author|description", source["author"]["description"]),
        sections=tuple(sections),
    )


def load_article_file(path: Path) -> Article:
    with path.open(encoding="utf-8") as handle:
        return parse_article(yaml.safe_load(handle))


@cache
def all_articles() -> tuple[Article, ...]:
    return tuple(load_article_file(path) for path in sorted(ARTICLES_DIR.glob("*.yaml")))


def article_by_slug(slug: str) -> Article | None:
    return next((article for article in all_articles() if article.slug == slug), None)
