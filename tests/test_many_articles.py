"""A site of many articles: a page reads only what it shows (one article's compiled translations,
the language's small index), never a whole catalogue or another article's translations."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content import article_translations
from app.i18n_tools import pofile
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
