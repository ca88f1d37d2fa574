"""Helpers for the translation tests: temporary translation directories and fallback blocks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog

from app.content import all_articles
from app.content.publication import compile_for_site
from app.i18n_tools.catalogues import load, save

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_TRANSLATIONS = PROJECT_ROOT / "translations"

# A block that fell back to English, as templates/macros/content.html marks it (switcher links
# also carry lang="en", but with hreflang; those are not fallback blocks).
FALLBACK_BLOCK = re.compile(r'<(?P<tag>\w+)(?P<attrs>[^>]*?) lang="en" dir="ltr">(?P<text>[^<]*)<')


def fallback_texts(html: str) -> set[str]:
    return {match["text"] for match in FALLBACK_BLOCK.finditer(html) if "hreflang" not in match["attrs"]}


def copy_translations(destination: Path, *, term_lists: bool = False) -> Path:
    """A working copy of the shipped catalogues (.pot and .po, compiled as shipped), review records and locale
    registry; the glossaries and urgency lists with `term_lists`, else empty ones (stand-in
    translations such as "[es] …" would fail their rules)."""
    shipped = [SHIPPED_TRANSLATIONS / "messages.pot", *SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")]
    shipped.append(SHIPPED_TRANSLATIONS / "locales.toml")
    for term_list in SHIPPED_TRANSLATIONS.glob("*/*.csv"):
        if term_lists:
            shipped.append(term_list)
        else:
            target = destination / term_list.relative_to(SHIPPED_TRANSLATIONS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(term_list.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    for source in [*shipped, *SHIPPED_TRANSLATIONS.glob("*/medical-reviews.txt")]:
        target = destination / source.relative_to(SHIPPED_TRANSLATIONS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return copy_compiled(destination)


def copy_compiled(destination: Path) -> Path:
    """The shipped catalogues as compiled (`flask translate compile`): what the site reads."""
    for compiled in [
        *SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"),
        *SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/articles/*.json"),
        *SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/articles.json"),
    ]:
        target = destination / compiled.relative_to(SHIPPED_TRANSLATIONS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(compiled, target)
    return destination


def rewrite(path: Path, change) -> Catalog:
    """Load a catalogue, let `change(catalog)` edit it, save it and compile it next to it (as
    `flask translate compile` does, for the articles ARTICLES_DIR names)."""
    catalog = load(path)
    change(catalog)
    save(catalog, path)
    compile_for_site(catalog, path, all_articles())
    return catalog


def complete(catalog: Catalog) -> None:
    """Give every untranslated or fuzzy message a stand-in translation, so a test can rely on a
    complete catalogue whatever the translators have finished so far."""
    for message in catalog:
        if not message.id or (message.string and not message.fuzzy and all(message.string)):
            continue
        if isinstance(message.id, str):
            message.string = f"[{catalog.locale}] {message.id}"
        else:
            message.string = tuple(f"[{catalog.locale}] {message.id[-1]}" for _ in range(catalog.num_plurals))
        message.flags.discard("fuzzy")


def set_listed(registry: Path, code: str, listed: bool = True) -> None:
    """Mark a language of a locales.toml listed (complete) or not, as a translator edits it."""
    text = registry.read_text(encoding="utf-8")
    entry = text.index(f'code = "{code}"')
    old, new = ("listed = false", "listed = true") if listed else ("listed = true", "listed = false")
    registry.write_text(text[:entry] + text[entry:].replace(old, new, 1), encoding="utf-8")
