"""English fixes ship at once: a block whose English changed is shown in English (marked
lang="en", with a translated notice) inside the translated page; when that block is required, the
language leads to the English until it is translated again, and `check` reports it without
failing (docs/architecture.md, "Languages"); `stats` counts it."""

from __future__ import annotations

import copy
import html as html_module
import re

import pytest
import yaml

from app.content import DEFAULT_ARTICLES_DIR, article_by_slug, article_translations, clear_cache
from app.i18n_tools.catalogues import load, merge_template, save
from app.i18n_tools.checks import check_catalogue
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.i18n_helpers import copy_translations, fallback_texts, rewrite
from tests.sitemaps import sitemap_text
from tests.test_translate_cli import cli

ORDINARY = f"{ARTICLE_SLUG}|overview|symptoms"
REQUIRED = f"{ARTICLE_SLUG}|when-to-get-help|see-a-doctor"
CORRECTION = " Corrected sentence added to the English."


def _clear_caches() -> None:
    clear_cache()
    article_translations.forget()


@pytest.fixture(params=[(ORDINARY, REQUIRED)])
def corrected(request, tmp_path, monkeypatch):
    """A copy of the article with the English of some blocks corrected (by default one ordinary
    and one required block), loaded through ARTICLES_DIR, and a copy of the catalogues after
    `flask translate update` (the old translations fuzzy)."""
    changed, correction = request.param, CORRECTION
    if isinstance(changed, dict):  # {"blocks": (...), "correction": " Another sentence."}
        changed, correction = changed["blocks"], changed["correction"]
    original = article_by_slug(ARTICLE_SLUG)
    old = {message.context: message.text for message in original.messages()}
    source_file = DEFAULT_ARTICLES_DIR / f"{ARTICLE_SLUG}.yaml"
    source = yaml.safe_load(source_file.read_text(encoding="utf-8"))
    for section in source["sections"]:
        for block in section["blocks"]:
            if f"{ARTICLE_SLUG}|{section['id']}|{block['id']}" in changed:
                block["text"] = " ".join(str(block["text"]).split()) + correction
    content = tmp_path / "articles"
    content.mkdir()
    (content / source_file.name).write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ARTICLES_DIR", str(content))
    _clear_caches()
    new = {context: old[context] + correction for context in changed}

    translations = copy_translations(tmp_path / "translations")
    template = load(translations / "messages.pot")
    for context, text in new.items():
        entry = copy.deepcopy(template.get(old[context], context=context))
        template.delete(old[context], context=context)
        template.add(text, "", locations=entry.locations, auto_comments=entry.auto_comments, context=context)
    save(template, translations / "messages.pot")
    template = load(translations / "messages.pot")
    rewrite(translations / "es" / "LC_MESSAGES" / "messages.po", lambda catalog: merge_template(catalog, template))
    yield translations, template, new
    _clear_caches()


@pytest.mark.parametrize("corrected", [(ORDINARY,)], indirect=True)
def test_a_changed_block_is_english_inside_the_translated_page(corrected, database_url, tmp_path):
    translations, _, new = corrected
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    html = app.test_client().get(f"/es/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    assert '<html lang="es" dir="ltr"' in html
    assert {html_module.unescape(text) for text in fallback_texts(html)} == set(new.values())
    # Each one is followed by the notice, in the page's language, inside the English block.
    spanish = load(translations / "es" / "LC_MESSAGES" / "messages.po").get(
        "Recently corrected in English; the translation will follow."
    )
    notice = f'<span class="outdated-notice" lang="es" dir="ltr"> {spanish.string or spanish.id}'
    assert html.count(notice) == 1
    # The rest stays translated.
    title = load(translations / "es" / "LC_MESSAGES" / "messages.po").get(
        "Muscle spasms in children", context=f"{ARTICLE_SLUG}|title"
    )
    assert f'<h1 id="article-title">{title.string}</h1>' in html
    assert 'id="translation-status"' in html


def test_a_changed_required_block_unpublishes_the_language_until_translated_again(corrected, database_url, tmp_path):
    translations, template, new = corrected
    path = translations / "es" / "LC_MESSAGES" / "messages.po"
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    # Never outdated urgent advice, never a 404: the Spanish URL leads to the English.
    response = client.get(f"/es/articles/{ARTICLE_SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/en/articles/{ARTICLE_SLUG}"
    assert f"/es/articles/{ARTICLE_SLUG}" not in client.get("/es/").get_data(as_text=True)
    assert f"/es/articles/{ARTICLE_SLUG}" not in sitemap_text(client)
    english = client.get(f"/en/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    # Every catalogue holds the old English's translation: only the English is an alternate.
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', english)
    assert alternates == ["en", "x-default"]

    # `check` reports it, and does not fail: the English fix ships on its own.
    problems = check_catalogue(path, template, shipped=True)
    assert [problem.text for problem in problems if not problem.note] == []
    notes = [problem.text for problem in problems if problem.note]
    assert any(text.startswith(f"{ARTICLE_SLUG}: not published in this language yet") for text in notes), notes
    assert any(text.startswith("required block outdated, shown in English:") and REQUIRED in text for text in notes)
    assert any(text.startswith("block outdated, shown in English:") and ORDINARY in text for text in notes), notes

    # Translating the corrected warning again publishes the article in Spanish again.
    def translate_warning(catalog):
        message = catalog.get(new[REQUIRED], context=REQUIRED)
        message.string += " Frase corregida."
        message.flags.discard("fuzzy")

    rewrite(path, translate_warning)
    notes = [problem.text for problem in check_catalogue(path, template, shipped=True) if problem.note]
    assert not any("not published" in text for text in notes), notes
    # After the deployment's restart (docs/deploy.md), the Spanish page is back.
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    assert app.test_client().get(f"/es/articles/{ARTICLE_SLUG}").status_code == 200


def test_stats_counts_outdated_and_required_outdated_blocks(corrected, tmp_path):
    translations, _, _ = corrected
    result = cli(tmp_path, translations, "stats", "--details")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    header = rows[0]
    es = next(row for row in rows if row[:2] == ["es", ARTICLE_SLUG])
    fr = next(row for row in rows if row[:2] == ["fr", ARTICLE_SLUG])
    outdated, required = header.index("outdated"), header.index("required-outdated")
    assert (es[outdated], es[required]) == ("2", "1")
    # French, not yet updated, still holds the translations of the old English: outdated too.
    assert (fr[outdated], fr[required]) == ("2", "1")
    assert es[header.index("english")] == article_by_slug(ARTICLE_SLUG).source_version.isoformat()


NEW_NUMBER = " Most spasms stop within 10 minutes."


@pytest.mark.parametrize("corrected", [{"blocks": (ORDINARY,), "correction": NEW_NUMBER}], indirect=True)
def test_an_outdated_ordinary_block_whose_english_gains_a_number_is_reported_never_failed(corrected):
    translations, template, new = corrected
    path = translations / "es" / "LC_MESSAGES" / "messages.po"
    assert load(path).get(new[ORDINARY], context=ORDINARY).fuzzy  # `update` marked it
    problems = check_catalogue(path, template, shipped=True)
    assert [problem.text for problem in problems if not problem.note] == []
    notes = [problem.text for problem in problems if problem.note]
    assert any(
        text.startswith("outdated, shown in English until translated again: numbers: 10 of the English missing")
        and ORDINARY in text
        for text in notes
    ), notes

    # Confirmed without the number, the same translation would be shown: then it fails.
    rewrite(path, lambda catalog: catalog.get(new[ORDINARY], context=ORDINARY).flags.discard("fuzzy"))
    failures = [problem.text for problem in check_catalogue(path, template, shipped=True) if not problem.note]
    assert failures == [f'numbers: 10 of the English missing in "{new[ORDINARY][:57]}..." [{ORDINARY}]']
