"""Untranslated blocks fall back to English marked lang="en" dir="ltr", and the page says so."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from flask.testing import FlaskClient

from app.content import article_by_slug
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, ReadOnlyApps, make_test_app
from tests.i18n_helpers import complete, copy_translations, fallback_texts, rewrite

ARTICLE_URL = f"/es/articles/{ARTICLE_SLUG}"


@pytest.fixture(scope="module")
def incomplete_es(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str], Catalog]:
    """Translations whose Spanish catalogue, otherwise complete, lacks a heading and two
    paragraphs: the folder, the texts removed and the catalogue."""
    article = article_by_slug(ARTICLE_SLUG)
    (overview,) = [section for section in article.sections if section.id == "overview"]
    (first_aid,) = [section for section in article.sections if section.id == "seizure-first-aid"]
    removed = [overview.heading, overview.blocks[0].message, first_aid.blocks[0].message]
    translations = copy_translations(tmp_path_factory.mktemp("incomplete-es") / "translations")

    def drop(catalog):
        complete(catalog)
        for message in removed:
            catalog.delete(message.text, context=message.context)

    catalog = rewrite(translations / "es" / "LC_MESSAGES" / "messages.po", drop)
    return translations, {message.text for message in removed}, catalog


@pytest.fixture
def incomplete_es_client(
    read_only_apps: ReadOnlyApps, incomplete_es: tuple[Path, set[str], Catalog]
) -> tuple[FlaskClient, set[str], Catalog]:
    """A client of the site with those translations: an app the module's tests only read from, so
    they share it (tests/conftest.py, read-only apps)."""
    translations, removed, catalog = incomplete_es
    app = read_only_apps.app_for({"BABEL_TRANSLATION_DIRECTORIES": str(translations)})
    return app.test_client(), removed, catalog


def shown(catalog, msgid: str) -> str:
    """What the page shows for a UI string: its translation, or the English while it has none."""
    message = catalog.get(msgid)
    return message.string if message is not None and message.string and not message.fuzzy else msgid


def test_untranslated_blocks_are_english_with_their_own_language(incomplete_es_client):
    client, removed, catalog = incomplete_es_client
    html = client.get(ARTICLE_URL).get_data(as_text=True)
    assert '<html lang="es" dir="ltr"' in html
    # Exactly the removed messages are marked (the heading twice: contents list and h2).
    assert fallback_texts(html) == removed
    assert 'id="translation-status"' in html
    assert shown(catalog, "Some parts of this page have not been translated yet and are shown in English.") in html


def test_home_page_says_the_article_is_only_partly_translated(incomplete_es_client):
    client, _, catalog = incomplete_es_client
    html = client.get("/es/").get_data(as_text=True)
    assert shown(catalog, "Partly translated: some parts are shown in English.") in html
    assert shown(catalog, "Fully translated.") not in html


def test_a_complete_catalogue_marks_nothing(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    rewrite(translations / "es" / "LC_MESSAGES" / "messages.po", complete)
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    html = app.test_client().get(ARTICLE_URL).get_data(as_text=True)
    assert fallback_texts(html) == set()
    assert "translation-status" not in html


@pytest.mark.parametrize("locale", [code for code in LOCALE_CODES if code != "en"])
def test_shipped_translations_leave_no_english_blocks(read_only_client, locale):
    """Passes once translators have finished every article message of the shipped locales."""
    for url in (f"/{locale}/", f"/{locale}/articles/{ARTICLE_SLUG}"):
        html = read_only_client.get(url).get_data(as_text=True)
        assert fallback_texts(html) == set(), url
        assert 'id="translation-status"' not in html, url


@pytest.mark.parametrize("damage", ["truncated", "not a catalogue"])
def test_a_damaged_compiled_catalogue_shows_its_interface_in_english_not_a_500(database_url, tmp_path, caplog, damage):
    """A .mo file cut short (copied in half) or not a catalogue at all: every page in that
    language once answered 500, the error page too. Now the interface shows in English, marked
    as English for screen readers, the article keeps its own translation (compiled apart), the
    other languages are untouched, and the log says which file to mend."""
    translations = copy_translations(tmp_path / "translations")
    compiled = translations / "ar" / "LC_MESSAGES" / "messages.mo"
    whole = compiled.read_bytes()
    compiled.write_bytes(whole[: len(whole) // 3] if damage == "truncated" else b"not a catalogue at all")
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    for path in (f"/ar/articles/{ARTICLE_SLUG}", "/ar/", "/ar/no-such-page"):
        response = client.get(path)
        assert response.status_code == (404 if "no-such" in path else 200), path
        page = response.get_data(as_text=True)
        assert 'lang="en"' in page and "Skip to main content" in page, path
    article = client.get(f"/ar/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    assert "تقلصات" in article or "تشنج" in article, "the article's own Arabic translation is gone"
    errors = [record for record in caplog.records if "cannot be read" in record.getMessage()]
    assert len(errors) == 1, "the damaged catalogue is reported once, not at every message"
    assert "messages.mo" in errors[0].getMessage()
    spanish = client.get(f"/es/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    assert "Skip to main content" not in spanish


def test_a_damaged_catalogue_recompiled_shows_again_where_reloading_is_on(database_url, tmp_path):
    """The English stand-in lasts only until the catalogue is mended: with catalogue reloading on
    (`make run`), the next page after a good .mo is written is in Arabic again."""
    translations = copy_translations(tmp_path / "translations")
    compiled = translations / "ar" / "LC_MESSAGES" / "messages.mo"
    whole = compiled.read_bytes()
    compiled.write_bytes(whole[:100])
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), RELOAD_CATALOGUES=True)
    client = app.test_client()
    assert "Skip to main content" in client.get("/ar/").get_data(as_text=True)
    compiled.write_bytes(whole)
    os.utime(compiled, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    mended = client.get("/ar/").get_data(as_text=True)
    assert "Skip to main content" not in mended and 'lang="ar"' in mended
