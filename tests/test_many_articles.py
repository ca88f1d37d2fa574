"""A site of many articles: a page reads only what it shows (one article's compiled translations,
the language's small index), never a whole catalogue or another article's translations."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content import article_by_slug, article_translations
from app.content.listing import entries
from app.i18n import pofile
from app.i18n.locales import find_locale
from app.i18n_tools.checks import NOT_PUBLISHED, Problem
from app.i18n_tools.report import summary
from tests.articles_support import SECOND_SLUG
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.i18n_helpers import complete, copy_translations, rewrite
from tests.test_translate_cli import cli


@pytest.fixture
def both_translated(two_articles, tmp_path):
    """Both articles translated in Spanish and compiled as `flask translate compile` does."""
    translations = copy_translations(tmp_path / "translations")
    assert cli(tmp_path, translations, "extract").exit_code == 0
    assert cli(tmp_path, translations, "update").exit_code == 0
    rewrite(translations / "es" / "LC_MESSAGES" / "messages.po", complete)
    article_translations.forget()
    return translations


def test_an_article_page_reads_only_its_own_translations(both_translated, database_url, tmp_path, monkeypatch):
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(both_translated))
    read: list[Path] = []
    real = article_translations._json

    def recording(path: Path):
        read.append(path)
        return real(path)

    monkeypatch.setattr(article_translations, "_json", recording)
    monkeypatch.setattr(pofile, "load", lambda *args, **kwargs: pytest.fail("a page parsed a whole catalogue"))
    response = app.test_client().get(f"/es/articles/{SECOND_SLUG}")
    assert response.status_code == 200 and "[es] High temperature (fever) in children" in response.get_data(
        as_text=True
    )
    # Each language's index (publication, hreflang links) and this article's file: nothing else.
    assert {path.name for path in read} == {"articles.json", f"{SECOND_SLUG}.json"}
    assert [path.parents[2].name for path in read if path.name == f"{SECOND_SLUG}.json"] == ["es"]


def test_the_compiled_index_decides_publication_and_the_article_file_the_text(both_translated, database_url, tmp_path):
    po = both_translated / "es" / "LC_MESSAGES" / "messages.po"
    index = article_translations.read_index(po)
    assert set(index) == {ARTICLE_SLUG, SECOND_SLUG}
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(both_translated))
    client = app.test_client()
    assert client.get(f"/es/articles/{SECOND_SLUG}").status_code == 200
    # Without its compiled files a language publishes nothing: the English is offered.
    article_translations.index_path(po).unlink()
    (article_translations.folder(po) / f"{SECOND_SLUG}.json").unlink()
    client = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(both_translated)).test_client()
    response = client.get(f"/es/articles/{SECOND_SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/en/articles/{SECOND_SLUG}"


def _notes_for(slugs: list[str], catalogues: list[str]) -> list[Problem]:
    """What `check_blocks` reports for untranslated articles: every block, then 'not published'."""
    problems = []
    for catalogue in catalogues:
        path = f"translations/{catalogue}/LC_MESSAGES/messages.po"
        for slug in slugs:
            for number in range(10):
                kind = "required block missing" if number < 3 else "block missing"
                problems.append(
                    Problem(path, number, f"{kind}, shown in English: [{slug}|s|{number}]", True, kind, slug)
                )
            problems.append(Problem(path, 1, f"{slug}: not published", True, NOT_PUBLISHED, slug))
    return problems


def test_the_check_summary_of_hundreds_of_articles_fits_a_screen():
    slugs = [f"synthetic-{number:04d}" for number in range(300)]
    catalogues = ["ar", "es", "fr", "zh_Hans"]
    failure = Problem("translations/es/LC_MESSAGES/messages.po", 7, 'untranslated: "Contents"')
    lines = summary([failure, *_notes_for(slugs, catalogues)], {slug: 12 for slug in slugs})
    assert len(lines) <= 24, "\n".join(lines)
    # Failures are always printed in full, file and line first.
    assert '  translations/es/LC_MESSAGES/messages.po:7: untranslated: "Contents"' in lines
    # Notes are counted by kind, not listed.
    assert "    8400  block missing" in lines and "    3600  required block missing" in lines
    assert "  synthetic-0000: ar, es, fr, zh_Hans 2/12 translated, 3 required waiting" in "\n".join(lines)
    assert "— not published in ar, es, fr, zh_Hans" in "\n".join(lines)
    assert "  ... and 290 more" in lines


def test_check_prints_every_line_on_request_and_one_article_alone(two_articles, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    assert cli(tmp_path, translations, "extract").exit_code == 0
    assert cli(tmp_path, translations, "update").exit_code == 0
    short = cli(tmp_path, translations, "check")
    assert short.exit_code == 0, short.output
    total = len(article_by_slug(SECOND_SLUG).messages())
    head = f"{SECOND_SLUG}: ar, es, fr, zh_Hans 0/{total} translated"
    assert head in short.output and "not published in ar, es, fr, zh_Hans" in short.output
    assert "block missing, shown in English:" not in short.output  # counted, not listed
    full = cli(tmp_path, translations, "check", "--details")
    assert full.exit_code == 0
    listed = [line for line in full.output.splitlines() if f"[{SECOND_SLUG}|" in line]
    assert len(listed) == 4 * total
    one = cli(tmp_path, translations, "check", "--article", SECOND_SLUG)
    assert one.output.splitlines()[0].startswith(head)
    assert sorted(one.output.splitlines()[1:-1]) == sorted(
        line for line in full.output.splitlines() if SECOND_SLUG in line and "messages.po" in line
    )
    assert ARTICLE_SLUG not in one.output


def test_a_failure_still_fails_the_summarised_check(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    rewrite(
        translations / "fr" / "LC_MESSAGES" / "messages.po",
        lambda catalog: setattr(catalog.get("Contents"), "string", ""),
    )
    result = cli(tmp_path, translations, "check")
    assert result.exit_code == 1
    assert "1 failure(s), each fails the check:" in result.output
    assert "fr/LC_MESSAGES/messages.po" in result.output and 'untranslated: "Contents"' in result.output


def test_stats_summarise_per_language_and_list_rows_on_request(two_articles, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    assert cli(tmp_path, translations, "extract").exit_code == 0
    assert cli(tmp_path, translations, "update").exit_code == 0
    short = cli(tmp_path, translations, "stats")
    assert short.exit_code == 0, short.output
    assert "es: 1/2 articles published, 1 fully translated" in short.output
    assert f"  {SECOND_SLUG}: 0% translated, not published" in short.output
    assert f"es       {ARTICLE_SLUG}" not in short.output
    one = cli(tmp_path, translations, "stats", "--article", SECOND_SLUG)
    rows = [line.split()[:2] for line in one.output.splitlines()[1:]]
    assert rows == [[catalogue, SECOND_SLUG] for catalogue in ("ar", "es", "fr", "zh_Hans")]


def test_chinese_lists_by_the_english_address(two_articles, database_url, tmp_path):
    app = make_test_app(database_url, tmp_path)
    with app.test_request_context("/zh-hans/"):
        found = entries(find_locale("zh-hans"))
    # The shipped article is published in Chinese; its letter is its slug's, not its title's.
    assert [(entry.article.slug, entry.letter) for entry in found] == [(ARTICLE_SLUG, "M")]
    assert found[0].title != "Muscle spasms in children"
