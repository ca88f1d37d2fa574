"""Trust signals say what happened, derived from the review records: the byline names the
editorial team (no expert title without a person), "Checked against its sources on …" and
"Next review due …" come from the English record, translated pages say the date is the English
text's, English dates are British, and the catalogue headers claim no team that does not exist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from flask_babel import gettext

from app.content import article_by_slug
from app.content.review import next_review_due
from app.content.review_status import english_status
from app.i18n_tools.catalogues import load
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, ReadOnlyApps, make_test_app
from tests.i18n_helpers import SHIPPED_TRANSLATIONS, copy_compiled, copy_translations

TRANSLATED = [code for code in LOCALE_CODES if code != "en"]
ARTICLE = article_by_slug(ARTICLE_SLUG)


def article_html(client, locale: str) -> str:
    return client.get(f"/{locale}/articles/{ARTICLE_SLUG}").get_data(as_text=True)


def meta(html: str) -> str:
    return " ".join(html.split('id="article-checked">', 1)[1].split("</p>", 1)[0].split())


def british(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def time_tag(day: dt.date) -> str:
    return f'<time datetime="{day.isoformat()}">{british(day)}</time>'


def test_the_shipped_english_claims_no_review():
    record = (SHIPPED_TRANSLATIONS / "en" / "medical-reviews.txt").read_text(encoding="utf-8")
    lines = [line.split() for line in record.splitlines() if line.strip() and not line.startswith("#")]
    # No named person has checked the English yet, so nothing is recorded and the page claims
    # no check: a record is added only when a named reviewer really does one.
    assert lines == []


@pytest.fixture(scope="module")
def checked_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The translations with a sources check of the current English recorded on the version's date."""
    translations = copy_translations(tmp_path_factory.mktemp("checked") / "translations")
    copy_compiled(translations)  # what the site reads
    version = ARTICLE.source_version
    with (translations / "en" / "medical-reviews.txt").open("a", encoding="utf-8") as handle:
        handle.write(f"{ARTICLE_SLUG} {version} {version} sources-check editor Sam Editor\n")
    status = english_status(ARTICLE, translations)
    assert status.checked_on == version and status.next_due == next_review_due(version)
    return translations


@pytest.fixture
def checked(read_only_apps: ReadOnlyApps, checked_translations: Path) -> FlaskClient:
    """A client of the site with that record: an app the module's tests only read from, so they
    share it (tests/conftest.py, read-only apps)."""
    app = read_only_apps.app_for({"BABEL_TRANSLATION_DIRECTORIES": str(checked_translations)})
    return app.test_client()


def test_english_page_says_checked_against_its_sources_and_next_review_due_in_british_dates(checked):
    html = article_html(checked, "en")
    version = ARTICLE.source_version
    assert '<html lang="en" dir="ltr"' in html
    assert meta(html) == (
        f"Checked against its sources on {time_tag(version)}. Next review due by {time_tag(next_review_due(version))}."
    )
    # What it never says: a review it was not, or an author who does not exist.
    for claim in ("Last reviewed", "Senior Expert", "Contributing Writer", "About the author"):
        assert claim not in html


def test_the_shipped_page_says_what_its_record_says(client):
    status = english_status(ARTICLE, SHIPPED_TRANSLATIONS)
    line = meta(article_html(client, "en"))
    if status.checked_on:
        assert line.startswith(f"Checked against its sources on {time_tag(status.checked_on)}.")
    else:  # the English changed since its last check: it says so, and keeps the yearly clock
        assert line.startswith(f"Last updated on {time_tag(ARTICLE.source_version)}.")
    if status.next_due:
        assert f"Next review due by {time_tag(status.next_due)}." in line
    if not status.checked_on:
        assert "This article has not yet been reviewed." in line


def test_the_byline_names_the_editorial_team_and_links_to_how_we_work(checked):
    html = article_html(checked, "en")
    box = html.split('<section class="author-box">', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="byline-heading">About this article</h2>' in box
    assert "Written by the Child Health Guide editorial team and checked against the sources listed above." in box
    assert 'href="/en/about"' in box


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translated_pages_say_the_dates_are_the_english_texts(checked, locale):
    html = article_html(checked, locale)
    line = meta(html)
    # The dates are the English record's, in the page's language, and the label says whose they are.
    version = ARTICLE.source_version
    assert line.count("<time") == 2
    assert f'datetime="{version}"' in line and f'datetime="{next_review_due(version)}"' in line
    catalogue = SHIPPED_TRANSLATIONS / locale.replace("zh-hans", "zh_Hans") / "LC_MESSAGES" / "messages.po"
    catalog = read_po(catalogue.open("rb"))
    for english in (
        "The English text was checked against its sources on %(date)s.",
        "The English text is due to be checked again by %(date)s.",
    ):
        translated = catalog.get(english).string
        assert translated and translated.split("%(date)s")[0].strip() in line, english
    box = html.split('<section class="author-box">', 1)[1].split("</section>", 1)[0]
    byline = "Written by the Child Health Guide editorial team and checked against the sources listed above."
    assert catalog.get(byline).string in box
    for claim in ("Senior", "sénior", "Especialista", "资深专家", "Expert"):
        assert claim not in box


def test_without_a_record_the_page_says_last_updated_and_claims_no_check(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    (translations / "en" / "medical-reviews.txt").write_text("# no check recorded\n", encoding="utf-8")
    copy_compiled(translations)  # what the site reads
    client = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations)).test_client()
    html = article_html(client, "en")
    version = ARTICLE.source_version
    assert meta(html) == (
        f'Last updated on <time datetime="{version.isoformat()}">{version.day} {version:%B %Y}</time>.'
        " This article has not yet been reviewed."
    )
    assert "Written by the Child Health Guide editorial team.</p>" in html
    assert '"lastReviewed"' not in html and '"reviewedBy"' not in html
    with client.application.test_request_context("/es/"):
        not_reviewed = gettext("The English text has not yet been reviewed.")
    assert not_reviewed != "The English text has not yet been reviewed."
    assert not_reviewed in article_html(client, "es")


def test_a_check_of_an_older_english_keeps_the_clock_but_not_the_claim(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    older = ARTICLE.source_version - dt.timedelta(days=200)
    (translations / "en" / "medical-reviews.txt").write_text(
        f"{ARTICLE_SLUG} {older} {older} sources-check editor Sam Editor\n", encoding="utf-8"
    )
    client = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations)).test_client()
    line = meta(article_html(client, "en"))
    assert line.startswith("Last updated on") and "Checked against" not in line
    assert f'Next review due by <time datetime="{next_review_due(older).isoformat()}">' in line


def test_a_named_clinical_review_of_the_english_is_shown_and_claimed(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    copy_compiled(translations)  # what the site reads
    version = ARTICLE.source_version
    with (translations / "en" / "medical-reviews.txt").open("a", encoding="utf-8") as handle:
        handle.write(f"{ARTICLE_SLUG} {version} {version + dt.timedelta(days=3)} clinical-review doctor Dr Ana Ruiz\n")
    client = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations)).test_client()
    html = article_html(client, "en")
    assert "Clinical review of the English text: Dr Ana Ruiz, doctor, <time" in html
    assert '"reviewedBy": [{"@type": "Person", "name": "Dr Ana Ruiz"}]' in html
    assert f'"lastReviewed": "{(version + dt.timedelta(days=3)).isoformat()}"' in html
    # A review of the English is no review of a translation.
    assert '"reviewedBy"' not in article_html(client, "es")


@pytest.mark.parametrize("catalogue", ["es", "fr", "zh_Hans", "ar"])
def test_catalogue_headers_claim_no_team_and_no_date_before_the_english(catalogue):
    catalog = load(SHIPPED_TRANSLATIONS / catalogue / "LC_MESSAGES" / "messages.po")
    translator, team = catalog.last_translator, catalog.language_team
    assert "medical translation team" not in translator and "medical" not in team.lower()
    assert "AI-assisted" in translator and "no medical review recorded" in translator
    assert catalog.revision_date.date() >= ARTICLE.source_version


def test_dates_on_english_pages_are_british_and_translations_keep_theirs(checked):
    version = ARTICLE.source_version
    assert f">{british(version)}</time>" in article_html(checked, "en")
    assert f"{version:%B} {version.day}, {version.year}" not in article_html(checked, "en")
    spanish = {11: "noviembre", 12: "diciembre"}[version.month]
    assert f">{version.day} de {spanish} de {version.year}</time>" in article_html(checked, "es")
