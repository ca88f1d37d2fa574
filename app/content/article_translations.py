"""Each article's translations as the site reads them: one small file per article and language,
written by `flask translate compile` from the language's catalogue and read lazily, one article at
a time, so a worker's first page costs the same whether the site has one article or a thousand.

`translations/<catalogue>/LC_MESSAGES/articles/<slug>.json` holds, for each msgctxt of the article:

- `translated`: the confirmed (not fuzzy) translations, by the English they were made from;
- `started`: whether any translation exists at all, fuzzy or of other English.

`articles.json` beside it holds the same for the messages that decide whether a language
publishes an article (title, summary, required blocks) of every article: lists, links and the
sitemap read that one small file, never every article's.

Which English is current is decided when a page is drawn, from the article file: an English
correction shows at once (the block falls back to English, a required block unpublishes the
language) without compiling again, exactly as the catalogue itself would say. The interface
messages stay in messages.mo, read by Flask-Babel; article messages are left out of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

from app.atomic_files import write_atomically
from app.content import Message as ArticleMessage
from app.content.translation_state import State

FOLDER = "articles"
INDEX = "articles.json"
FORMAT = 1


def _confirmed(message: Message) -> str | None:
    """The translation a reader may see: complete, single-form and not fuzzy."""
    if message.fuzzy or not isinstance(message.string, str) or not message.string:
        return None
    return message.string


def _started(message: Message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return bool(strings) and all(strings)


@dataclass(frozen=True)
class ArticleTranslations:
    """One article's messages in one catalogue, by msgctxt."""

    translated: dict[str, dict[str, str]] = field(default_factory=dict)
    started: frozenset[str] = frozenset()

    def text(self, context: str, english: str) -> str | None:
        """The translation of this English under this msgctxt, if a reader may see one."""
        return self.translated.get(context, {}).get(english)

    def state(self, context: str, english: str) -> State:
        if self.text(context, english) is not None:
            return State.TRANSLATED
        return State.OUTDATED if context in self.started else State.MISSING

    def states(self, english: dict[str, str]) -> dict[str, State]:
        """The state of each message, given its current English by msgctxt."""
        return {context: self.state(context, text) for context, text in english.items()}

    def only(self, contexts: frozenset[str]) -> ArticleTranslations:
        return ArticleTranslations(
            {context: found for context, found in self.translated.items() if context in contexts},
            self.started & contexts,
        )

    def as_data(self) -> dict[str, object]:
        return {"translated": self.translated, "started": sorted(self.started)}

    @classmethod
    def from_data(cls, data: dict) -> ArticleTranslations:
        return cls(data["translated"], frozenset(data["started"]))


NOTHING = ArticleTranslations()


def folder(catalogue_po: Path) -> Path:
    """Where the per-article files of the catalogue at `catalogue_po` (a messages.po) live."""
    return catalogue_po.parent / FOLDER


def index_path(catalogue_po: Path) -> Path:
    """The index of a catalogue: what lists and links need (publication), for every article."""
    return catalogue_po.parent / INDEX


def _slug_in(message: Message, slugs: frozenset[str]) -> str | None:
    prefix = slug_of(message)
    return prefix if message.context and prefix in slugs else None


def split_catalogue(catalog: Catalog, slugs: Iterable[str]) -> tuple[Catalog, dict[str, ArticleTranslations]]:
    """The interface part of a catalogue (for messages.mo) and each article's translations."""
    known = frozenset(slugs)
    interface = Catalog(locale=catalog.locale, domain=catalog.domain, charset=catalog.charset, fuzzy=False)
    interface.mime_headers = catalog.mime_headers
    translated: dict[str, dict[str, dict[str, str]]] = {}
    started: dict[str, set[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        slug = _slug_in(message, known)
        if slug is None:
            interface[message.id] = message
            continue
        assert message.context is not None  # an article message always has one
        if _started(message):
            started.setdefault(slug, set()).add(message.context)
        if (text := _confirmed(message)) is not None and isinstance(message.id, str):
            translated.setdefault(slug, {}).setdefault(message.context, {})[message.id] = text
    articles = {
        slug: ArticleTranslations(translated.get(slug, {}), frozenset(started.get(slug, ())))
        for slug in sorted(set(translated) | set(started))
    }
    return interface, articles


def _write_json(path: Path, data: dict[str, object]) -> None:
    text = json.dumps({"format": FORMAT, **data}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    write_atomically(path, text.encode("utf-8"))  # a worker never reads a half-written file


def write_articles(
    catalogue_po: Path, articles: dict[str, ArticleTranslations], listed: Mapping[str, frozenset[str]]
) -> None:
    """Replace the per-article files of a catalogue (files of articles no longer there go), and
    the index: for each article of `listed`, the translations of the contexts named there."""
    target = folder(catalogue_po)
    target.mkdir(exist_ok=True)
    for old in target.glob("*.json"):
        if old.stem not in articles:
            old.unlink()
    for slug, found in articles.items():
        _write_json(target / f"{slug}.json", found.as_data())
    index = {slug: articles.get(slug, NOTHING).only(contexts).as_data() for slug, contexts in listed.items()}
    _write_json(index_path(catalogue_po), {"articles": index})


def read_article(catalogue_po: Path, slug: str) -> ArticleTranslations:
    """An article's translations in the catalogue at `catalogue_po`, as last compiled; none when
    the file is missing or unreadable (the English shows, as for a catalogue never compiled)."""
    path = folder(catalogue_po) / f"{slug}.json"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return NOTHING
    return _read_cached(path, stamp)


@lru_cache(maxsize=512)
def _read_cached(path: Path, stamp: int) -> ArticleTranslations:
    # Keyed by modification time: a deployed file is read once per worker, a recompiled one
    # again. Bounded: a worker keeps the articles its readers ask for, not the whole site.
    data = _json(path)
    return NOTHING if data is None else ArticleTranslations.from_data(data)


def _json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def read_index(catalogue_po: Path) -> Mapping[str, ArticleTranslations]:
    """Every article's publication contexts as last compiled, by slug (empty when not compiled)."""
    path = index_path(catalogue_po)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _index_cached(path, stamp)


@lru_cache(maxsize=32)
def _index_cached(path: Path, stamp: int) -> Mapping[str, ArticleTranslations]:
    data = _json(path)
    if data is None:
        return {}
    return {slug: ArticleTranslations.from_data(found) for slug, found in data["articles"].items()}


def slug_of(message: Message | ArticleMessage) -> str:
    """The article an article message belongs to: the first part of its msgctxt."""
    return (message.context or "").split("|", 1)[0]


def compile_catalogue(catalog: Catalog, catalogue_po: Path, listed: Mapping[str, frozenset[str]]) -> None:
    """Write what the site reads of a catalogue: messages.mo with the interface messages (fuzzy
    ones left out), one file per article of `listed` (slug -> the contexts its index entry keeps)
    and the index."""
    interface, articles = split_catalogue(catalog, listed)
    compiled = io.BytesIO()
    write_mo(compiled, interface)
    write_atomically(catalogue_po.with_suffix(".mo"), compiled.getvalue())  # read by running workers
    write_articles(catalogue_po, articles, listed)


def forget() -> None:
    """Drop the files read so far (tests that rewrite catalogues within one second)."""
    _read_cached.cache_clear()
    _index_cached.cache_clear()
