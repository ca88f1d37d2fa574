"""Article sources: content files in the articles folder (ARTICLES_DIR), English, one gettext
message per block, each file checked against the schema in `app.content.schema`."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from flask import current_app, has_app_context
from pydantic import ValidationError

from app.collector import collector_paused
from app.content.errors import ArticleError, Positions, from_rules, from_validation, shown_path, syntax_error
from app.content.lines import text_lines
from app.content.schema import TIMEFRAMES, URGENCIES, ArticleFile, BlockFile, SectionFile, rule_problems

__all__ = ["TIMEFRAMES", "URGENCIES", "ArticleError"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# The shipped articles; ARTICLES_DIR (environment or app config) points the site elsewhere.
DEFAULT_ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One translatable piece of an article: its English text, context and translator note."""

    context: str
    text: str
    note: str
    # The line its text starts on in the article file (the `#:` reference of the catalogue
    # template), from the file's one parse; 1 when not parsed from a file.
    line: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Block:
    id: str
    kind: str  # "paragraph", "list_item" or "warning"
    message: Message
    urgency: str | None = None  # one of URGENCIES for a warning, None for anything else
    timeframe: str | None = None  # one of TIMEFRAMES for an urgent warning, None for anything else
    # A required block's translation never lags behind its English in a shipped language.
    required: bool = False
    # A warning's points, shown as a short list under its lead sentence (one message each, so a
    # frightened parent scans a list rather than a paragraph). Required like the warning itself.
    items: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Source:
    """A published page the article relies on; its title is shown as published, untranslated."""

    id: str
    title: str
    publisher: str
    url: str
    language: str  # BCP 47 tag of the page, so the link can carry its own `hreflang`
    accessed: dt.date | None = None


@dataclass(frozen=True)
class Section:
    id: str
    heading: Message
    blocks: tuple[Block, ...]
    source_ids: tuple[str, ...] = ()
    # The article's "at a glance" box of when to get help now: drawn at the top of the page,
    # first in Contents. At most one per article, and it must be the first section.
    at_a_glance: bool = False


@dataclass(frozen=True)
class Article:
    slug: str
    source_version: dt.date  # the date of the current English text
    title: Message
    summary: Message
    sections: tuple[Section, ...]
    sources: tuple[Source, ...] = ()

    def required_contexts(self) -> frozenset[str]:
        return frozenset(
            message.context
            for section in self.sections
            for block in section.blocks
            if block.required
            for message in (block.message, *block.items)
        )

    def messages(self) -> list[Message]:
        found = [self.title, self.summary]
        for section in self.sections:
            found.append(section.heading)
            for block in section.blocks:
                found.append(block.message)
                found.extend(block.items)
        return found


def _message(context: str, text: str, note: str, lines: dict[str, int]) -> Message:
    normalised = " ".join(text.split())
    return Message(context=context, text=normalised, note=note, line=lines.get(normalised, 1))


def _block(prefix: str, raw: BlockFile, lines: dict[str, int]) -> Block:
    context = f"{prefix}|{raw.id}"
    return Block(
        id=raw.id,
        kind=raw.kind,
        message=_message(context, raw.text, raw.note, lines),
        urgency=raw.urgency,
        timeframe=raw.timeframe,
        required=raw.required,
        items=tuple(_message(f"{context}|{item.id}", item.text, item.note, lines) for item in raw.items),
    )


def _section(slug: str, raw: SectionFile, lines: dict[str, int]) -> Section:
    prefix = f"{slug}|{raw.id}"
    return Section(
        id=raw.id,
        heading=_message(f"{prefix}|heading", raw.heading.text, raw.heading.note, lines),
        blocks=tuple(_block(prefix, block, lines) for block in raw.blocks),
        source_ids=tuple(raw.sources),
        at_a_glance=raw.at_a_glance,
    )


def parse_article(source: object, *, path: str = "<article>", positions: Positions | None = None) -> Article:
    """The article a parsed YAML document describes; ArticleError (a ValueError) names the first
    problem: its field's path and, given the file's `positions`, its line."""
    positions = positions or Positions(None)
    try:
        raw = ArticleFile.model_validate(source)
    except ValidationError as error:
        raise from_validation(path, error, positions) from None
    problems = list(rule_problems(raw))
    if problems:
        raise from_rules(path, problems, positions)
    slug = raw.slug
    lines = text_lines(positions.root)
    return Article(
        slug=slug,
        source_version=raw.source_version,
        title=_message(f"{slug}|title", raw.title.text, raw.title.note, lines),
        summary=_message(f"{slug}|summary", raw.summary.text, raw.summary.note, lines),
        sections=tuple(_section(slug, section, lines) for section in raw.sections),
        sources=tuple(
            Source(
                id=item.id,
                title=item.title,
                publisher=item.publisher,
                url=item.url,
                language=item.language,
                accessed=item.accessed,
            )
            for item in raw.sources
        ),
    )


# libyaml's parser where PyYAML was built with it: about ten times faster than the pure-Python
# one, and every start-up reads every article.
FAST_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parsed_once(text: str, loader_class: type) -> tuple[yaml.Node | None, object]:
    """The node tree (positions) and the values constructed from it, as yaml.load's own steps."""
    loader = loader_class(text)
    try:
        tree = loader.get_single_node()
        return tree, loader.construct_document(tree) if tree is not None else None
    finally:
        loader.dispose()


def _yaml_tree_and_data(text: str) -> tuple[yaml.Node | None, object]:
    try:
        return _parsed_once(text, FAST_YAML_LOADER)
    except yaml.YAMLError:
        # Parsed again by PyYAML's own parser, whose messages and positions the error quotes.
        return yaml.compose(text), yaml.safe_load(text)


def parse_article_text(text: str, path: str = "<article>") -> Article:
    """An article from the text of its file: one ArticleError for a syntax or schema problem."""
    try:
        tree, source = _yaml_tree_and_data(text)
    except yaml.YAMLError as error:
        raise syntax_error(path, error) from None
    return parse_article(source, path=path, positions=Positions(tree))


def load_article_file(path: Path) -> Article:
    shown = shown_path(path, PROJECT_ROOT)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ArticleError(shown, None, "", f"cannot be read as UTF-8 text: {error}") from None
    article = parse_article_text(text, shown)
    if article.slug != path.stem:
        raise ArticleError(shown, 1, "slug", f"the slug {article.slug!r} must be the file's name ({path.stem}.yaml)")
    return article


@dataclass(frozen=True, eq=False)
class Library:
    """The articles of a folder that load, and one error for each file that does not.

    Compared and hashed by identity: one loaded folder is one key for caches derived from it.
    """

    articles: tuple[Article, ...]
    errors: tuple[ArticleError, ...]


def articles_dir() -> Path:
    """The articles folder: the app's ARTICLES_DIR, else the environment's, else the shipped one."""
    configured = current_app.config.get("ARTICLES_DIR") if has_app_context() else None
    configured = configured or os.environ.get("ARTICLES_DIR")
    path = Path(configured) if configured else DEFAULT_ARTICLES_DIR
    return path if path.is_absolute() else PROJECT_ROOT / path


@cache
def load_library(directory: Path) -> Library:
    """Every `*.yaml` file of the folder, by file name; a broken file is skipped with its error."""
    articles: list[Article] = []
    errors: list[ArticleError] = []
    # Thousands of YAML nodes an article, built and dropped: see app/collector.py.
    with collector_paused():
        for path in sorted(directory.glob("*.yaml")):
            try:
                articles.append(load_article_file(path))
            except ArticleError as error:
                errors.append(error)
    return Library(tuple(articles), tuple(errors))


def clear_cache() -> None:
    """Forget loaded articles (tests that change files; a deployment restarts instead)."""
    load_library.cache_clear()


def report_broken_articles(directory: Path) -> tuple[ArticleError, ...]:
    """Log, at start-up, each article file that cannot be published: the rest of the site serves on."""
    errors = load_library(directory).errors
    for error in errors:
        log.error("article not published: %s (run `flask articles check`)", error)
    return errors


def all_articles() -> tuple[Article, ...]:
    return load_library(articles_dir()).articles


def article_by_slug(slug: str) -> Article | None:
    return next((article for article in all_articles() if article.slug == slug), None)
