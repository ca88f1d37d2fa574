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
        f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor Sam Editor\n"
    )
    assert record.errors == ()
    first, second, check = record.reviews
    assert (first.method, first.role, first.reviewer) == ("back-translation", "doctor", "Dr Ana Ruiz")
    assert (second.method, second.role, second.reviewer) == ("reader-testing", "reader-panel", "Leeds parents panel")
    assert (check.method, check.role, check.reviewer) == ("sources-check", "editor", "Sam Editor")


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
        # Every record claims that a person did it: without a name, no record, whatever the method.
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor   ", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-bilingual-review doctor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-review doctor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} reader-testing reader-panel", "name the reviewer"),
        # A word where the name should be names nobody.
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor editor", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor Editorial team", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} sources-check editor unknown", "name the reviewer"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} clinical-review doctor 123", "name the reviewer"),
        # Without a method and a role nobody can tell what the named person did.
        (f"{ARTICLE_SLUG} {VERSION} {VERSION} Dr Old Style", "the review method, the reviewer's role and name"),
        (f"{ARTICLE_SLUG} {VERSION} {VERSION}", "the review method, the reviewer's role and name"),
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


@pytest.mark.parametrize(("catalogue", "command"), [("en", "articles"), ("fr", "translate")])
def test_a_nameless_record_fails_the_checks_naming_file_and_line(database_url, tmp_path, catalogue, command):
    translations = copy_translations(tmp_path / "translations")
    method, role = ("sources-check", "editor") if catalogue == "en" else ("back-translation", "nurse")
    path = translations / catalogue / "medical-reviews.txt"
    path.write_text(f"# a comment\n{ARTICLE_SLUG} {VERSION} {VERSION} {method} {role}\n", encoding="utf-8")
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    result = app.test_cli_runner().invoke(args=[command, "check"])
    assert result.exit_code == 1
    assert f"{catalogue}/medical-reviews.txt:2: a {method} claims that a person did it" in result.output
    assert "Traceback" not in result.output
    # The page claims nothing from the rejected line, and still answers.
    locale = "en" if catalogue == "en" else "fr"
    response = app.test_client().get(f"/{locale}/articles/{ARTICLE_SLUG}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "lastReviewed" not in html and 'id="medical-review"' not in html
