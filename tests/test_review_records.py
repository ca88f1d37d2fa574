"""Review records say how: method, reviewer's role, date and English version; a record of an
older English version lapses; the article's provenance lines and the About page use them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.content import article_by_slug
from app.content.review import parse_reviews
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.i18n_helpers import copy_translations

ARTICLE = article_by_slug(ARTICLE_SLUG)
VERSION = ARTICLE.source_version


def test_a_record_names_method_role_and_the_person_who_did_it():
    record = parse_reviews(
        f"{ARTICLE_SLUG} {VERSION} {VERSION + dt.timedelta(days=3)} back-translation doctor Dr Ana Ruiz\n"
        f"{ARTICLE_SLUG} {VERSION} {VERSION + dt.timedelta(days=5)} reader-testing reader-panel Leeds parents panel\n"
        f"{ARTICLE_SLUG} {VERSION} {VERSION + dt.timedelta(days=1)} Dr Old Style\n"
        f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor\n"
    )
    assert record.errors == ()
    first, second, legacy, check = record.reviews
    assert (first.method, first.role, first.reviewer) == ("back-translation", "doctor", "Dr Ana Ruiz")
    assert (second.method, second.role, second.reviewer) == ("reader-testing", "reader-panel", "Leeds parents panel")
    # The editor's check against the sources needs no name: it claims nothing more.
    assert (check.method, check.role, check.reviewer) == ("sources-check", "editor", "")
    # A line in the format used before methods were recorded still counts, of unknown method.
    assert (legacy.method, legacy.role, legacy.reviewer) == (None, None, "Dr Old Style")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} back-translation surgeon", "after the method, the reviewer's role"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} peer-review doctor", "unknown review method 'peer-review'"),
    ],
)
def test_an_unknown_method_or_role_is_an_error(line, error):
    record = parse_reviews(line)
    assert record.reviews == () and error in record.errors[0][1]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        # A clinical, bilingual or reader review claims that a person did it: without a name, no record.
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-bilingual-review doctor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-review doctor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} reader-testing reader-panel", "name the reviewer"),
        # An editor's check is a sources check and nothing else, and only an editor does one.
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-review editor Sam", "a sources check is done by the editor"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check doctor Dr Who", "a sources check is done by the editor"),
    ],
)
def test_a_record_never_claims_more_than_what_happened(line, error):
    record = parse_reviews(line)
    assert record.reviews == () and error in record.errors[0][1]


def test_only_reviews_of_the_current_english_count():
    older = VERSION - dt.timedelta(days=30)
    record = parse_reviews(
        f"{ARTICLE_SLUG} {older} {older + dt.timedelta(days=1)} back-translation doctor Dr A\n"
        f"{ARTICLE_SLUG} {VERSION} {VERSION + dt.timedelta(days=2)} clinical-bilingual-review medical-translator B\n"
    )
    assert [review.method for review in record.current_for(ARTICLE)] == ["clinical-bilingual-review"]


def test_the_article_and_the_about_page_say_how_it_was_reviewed(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    (translations / "es" / "medical-reviews.txt").write_text(
        f"{ARTICLE_SLUG} {VERSION - dt.timedelta(days=30)} {VERSION} reader-testing reader-panel Leeds panel\n"
        f"{ARTICLE_SLUG} {VERSION} {VERSION + dt.timedelta(days=2)} back-translation nurse Sam Lee\n",
        encoding="utf-8",
    )
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    html = client.get(f"/es/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    block = html.split('<div id="medical-review">', 1)[1].split("</div>", 1)[0]
    # The copy is compiled as shipped: the labels are in the page's language.
    assert "Retrotraducción: Sam Lee, enfermero, <time datetime=" in block
    assert f'datetime="{(VERSION + dt.timedelta(days=2)).isoformat()}"' in block
    assert "Tested with parents and carers" not in block  # a review of an older English lapses
    assert 'id="unreviewed-translation"' not in html
    # The structured data claims that review, and the person the record names, nothing more.
    data = json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert data["lastReviewed"] == (VERSION + dt.timedelta(days=2)).isoformat()
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Sam Lee"}]
    about = client.get("/en/about").get_data(as_text=True)
    each = about.split('id="about-each-translation"', 1)[1].split("</ul>", 1)[0]
    assert "Back-translation: Sam Lee, nurse" in each
    assert each.count("automated checks only; no review by a person is recorded yet.") == 3
    assert "Back-translation: a second translator" in about
    assert "Tested with parents and carers: people who speak the language" in about
