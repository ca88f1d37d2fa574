"""A second article is one file away: with the test-only fixture article beside the shipped
ones in the configured articles folder (ARTICLES_DIR), the site, the catalogues, the sitemap and
the checks take both, and each language publishes an article only once it is translated there."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.comments.models import Comment
from app.content import all_articles, article_by_slug
from app.content.publication import publication_contexts
from app.extensions import db
from app.i18n_tools.catalogues import load
from app.newsletter.models import Subscriber, SubscriberStatus
from app.timeutil import utcnow
from tests.articles_support import SECOND_SLUG, forget_articles, shipped_articles
from tests.comments_support import SAME_ORIGIN
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, make_test_app
from tests.i18n_helpers import copy_translations, rewrite
from tests.newsletter_support import SITE_URL, mailbox_fixture, smtp_config, text_of  # noqa: F401 (`mailbox`)
from tests.sitemaps import sitemap_text
from tests.test_translate_cli import cli

TRANSLATED = [code for code in LOCALE_CODES if code != "en"]


def slugs_linked(html: str, locale: str) -> list[str]:
    return re.findall(rf'href="/{locale}/articles/([a-z0-9-]+)"', html.split('class="article-list"', 1)[1])


def test_the_fixture_article_is_a_valid_article_loaded_through_the_folder(two_articles, app):
    with app.app_context():
        slugs = [article.slug for article in all_articles()]
    assert SECOND_SLUG in slugs and ARTICLE_SLUG in slugs
    assert len(slugs) == len(shipped_articles()) + 1
    # Without ARTICLES_DIR pointing at it, the fixture is never part of the site.
    assert (Path(__file__).parent / "fixtures" / "articles" / f"{SECOND_SLUG}.yaml").exists()


def test_the_shipped_site_does_not_carry_the_test_article(database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("ARTICLES_DIR", raising=False)
    forget_articles()
    client = make_test_app(database_url, tmp_path).test_client()
    assert SECOND_SLUG not in client.get("/en/").get_data(as_text=True)
    assert client.get(f"/en/articles/{SECOND_SLUG}").status_code == 404


def test_english_home_lists_both_and_both_render(two_articles, database_url, tmp_path):
    client = make_test_app(database_url, tmp_path).test_client()
    home = client.get("/en/").get_data(as_text=True)
    linked = slugs_linked(home, "en")
    assert ARTICLE_SLUG in linked and SECOND_SLUG in linked
    for slug in (ARTICLE_SLUG, SECOND_SLUG):
        response = client.get(f"/en/articles/{slug}")
        assert response.status_code == 200, slug
        assert '<html lang="en" dir="ltr"' in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_an_untranslated_article_leads_to_the_english_and_is_not_listed(two_articles, database_url, tmp_path, locale):
    client = make_test_app(database_url, tmp_path).test_client()
    # The shipped article is published in every language; the new one not yet anywhere but English.
    assert client.get(f"/{locale}/articles/{ARTICLE_SLUG}").status_code == 200
    response = client.get(f"/{locale}/articles/{SECOND_SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/en/articles/{SECOND_SLUG}"
    followed = client.get(f"/{locale}/articles/{SECOND_SLUG}", follow_redirects=True)
    assert followed.status_code == 200 and '<html lang="en" dir="ltr"' in followed.get_data(as_text=True)
    linked = slugs_linked(client.get(f"/{locale}/").get_data(as_text=True), locale)
    assert ARTICLE_SLUG in linked and SECOND_SLUG not in linked
    # The English page of the new article offers no alternate in a language that lacks it, and its
    # language switcher sends that language's readers to their home page, not back to the English.
    english = client.get(f"/en/articles/{SECOND_SLUG}").get_data(as_text=True)
    assert re.findall(r'<link rel="alternate" hreflang="([^"]+)"', english) == ["en", "x-default"]
    switcher = english.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/{locale}/"' in switcher


def test_sitemap_lists_each_article_in_the_languages_that_publish_it(two_articles, database_url, tmp_path):
    xml = sitemap_text(make_test_app(database_url, tmp_path).test_client())
    locs = re.findall(r"<loc>http://localhost(/[^<]+)</loc>", xml)
    for locale in LOCALE_CODES:
        assert f"/{locale}/articles/{ARTICLE_SLUG}" in locs
    assert f"/en/articles/{SECOND_SLUG}" in locs
    assert not [loc for loc in locs if loc.endswith(SECOND_SLUG) and not loc.startswith("/en/")]
    entry = xml.split(f"<loc>http://localhost/en/articles/{SECOND_SLUG}</loc>", 1)[1].split("</url>", 1)[0]
    assert re.findall(r'hreflang="([^"]+)"', entry) == ["en", "x-default"]


def test_the_new_article_has_honest_labels_until_it_is_checked(two_articles, database_url, tmp_path):
    html = make_test_app(database_url, tmp_path).test_client().get(f"/en/articles/{SECOND_SLUG}").get_data(as_text=True)
    version = article_by_slug(SECOND_SLUG).source_version
    assert version == dt.date(2026, 12, 6)
    # No check recorded: what happened is that it was last updated; no "checked", no review claim.
    assert 'Last updated on <time datetime="2026-12-06">6 December 2026</time>.' in html
    assert "Checked against its sources" not in html and "Next review due" not in html
    assert "Written by the Child Health Guide editorial team.</p>" in html
    data = json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert [citation["url"] for citation in data["citation"]] == ["https://www.nhs.uk/conditions/fever-in-children/"]


def translate_for_publication(catalog, slug: str) -> None:
    """Stand-in translations of what publishes an article (title, summary, required blocks)."""
    article = article_by_slug(slug)
    for message in catalog:
        if message.context in publication_contexts(article):
            message.string = f"[es] {message.id}"


@pytest.mark.slow
def test_catalogues_extract_the_new_article_and_publish_it_once_translated(two_articles, database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations")
    result = cli(tmp_path, translations, "extract")
    assert result.exit_code == 0, result.output
    pot = load(translations / "messages.pot")
    title = pot.get("High temperature (fever) in children", context=f"{SECOND_SLUG}|title")
    assert title is not None and title.locations[0][0].endswith(f"articles/{SECOND_SLUG}.yaml")
    assert pot.get("Muscle spasms in children", context=f"{ARTICLE_SLUG}|title") is not None
    assert cli(tmp_path, translations, "update").exit_code == 0

    # Untranslated everywhere: `check` passes and says where it is not published yet.
    result = cli(tmp_path, translations, "check", "--details")
    assert result.exit_code == 0, result.output
    waiting = [line for line in result.output.splitlines() if f"{SECOND_SLUG}: not published in this language" in line]
    assert len(waiting) == len(TRANSLATED), result.output
    assert f"{ARTICLE_SLUG}: not published" not in result.output

    # Spanish translates what publishes it: Spanish lists it, serves it in Spanish, maps it.
    with make_test_app(database_url, tmp_path).app_context():
        rewrite(
            translations / "es" / "LC_MESSAGES" / "messages.po",
            lambda catalog: translate_for_publication(catalog, SECOND_SLUG),
        )
    forget_articles()
    client = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations)).test_client()
    assert SECOND_SLUG in slugs_linked(client.get("/es/").get_data(as_text=True), "es")
    page = client.get(f"/es/articles/{SECOND_SLUG}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="es" dir="ltr"' in html
    assert '<h1 id="article-title">[es] High temperature (fever) in children</h1>' in html
    # Its other blocks wait in English, marked as such.
    assert 'lang="en" dir="ltr">Give them plenty to drink.<' in html
    assert f"/es/articles/{SECOND_SLUG}" in sitemap_text(client)
    assert 'hreflang="es"' in client.get(f"/en/articles/{SECOND_SLUG}").get_data(as_text=True)
    assert f"/fr/articles/{SECOND_SLUG}" not in sitemap_text(client)
    result = cli(tmp_path, translations, "check", "--details")
    assert result.exit_code == 0, result.output
    assert "es/LC_MESSAGES/messages.po" not in "".join(
        line for line in result.output.splitlines() if f"{SECOND_SLUG}: not published" in line
    )


def test_articles_check_and_status_take_both(two_articles, tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["articles", "check"])
    assert result.exit_code == 0, result.output
    assert f"{len(shipped_articles()) + 1} article(s) in {two_articles} pass every check." in result.output
    assert f"note: {SECOND_SLUG} [es]: not published yet" in result.output
    status = runner.invoke(args=["articles", "status"])
    assert status.exit_code == 0, status.output
    rows = {line.split()[0]: line for line in status.output.splitlines()[1:]}
    assert set(rows) == {ARTICLE_SLUG, SECOND_SLUG}
    # Never checked against its sources: due now, and said so.
    assert "now (never checked)" in rows[SECOND_SLUG] and "OVERDUE" in rows[SECOND_SLUG]
    assert rows[SECOND_SLUG].split()[-1] == "en"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_a_comment_posted_where_the_article_is_not_published_reaches_the_english_whole(
    two_articles, database_url, tmp_path, locale
):
    app = make_test_app(database_url, tmp_path)
    client = app.test_client()
    url = f"/{locale}/articles/{SECOND_SLUG}/comments"
    data = {"name": "Amal", "comment": "Thank you, this helped at 3 a.m.", "website": ""}
    # As its GET does: the English answers, here keeping the method and the form (307), so the
    # language's page, which does not exist yet, is never drawn.
    response = client.post(url, data=data, headers=SAME_ORIGIN)
    assert response.status_code == 307
    assert response.headers["Location"] == f"/en/articles/{SECOND_SLUG}/comments"
    sent = client.post(url, data=data, headers=SAME_ORIGIN, follow_redirects=True)
    assert sent.status_code == 200 and sent.request.path == f"/en/articles/{SECOND_SLUG}/comments/sent"
    assert '<html lang="en" dir="ltr"' in sent.get_data(as_text=True)
    with app.app_context():
        [comment] = db.session.execute(select(Comment)).scalars().all()
        assert (comment.article_slug, comment.page_locale, comment.body) == (SECOND_SLUG, "en", data["comment"])
    # A form with a mistake comes back on the English page, filled in, never lost.
    again = client.post(url, data={**data, "comment": ""}, headers=SAME_ORIGIN, follow_redirects=True)
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and '<html lang="en" dir="ltr"' in html and 'value="Amal"' in html
    # Its private confirmation page follows the same rule; the published article's does not move.
    assert client.get(f"/{locale}/articles/{SECOND_SLUG}/comments/sent").headers["Location"] == (
        f"/en/articles/{SECOND_SLUG}/comments/sent"
    )
    assert client.get(f"/{locale}/articles/{ARTICLE_SLUG}/comments/sent").status_code == 200


def test_newsletter_announces_an_article_only_in_the_languages_that_publish_it(
    two_articles, database_url, tmp_path, mailbox
):
    translations = copy_translations(tmp_path / "translations")
    assert cli(tmp_path, translations, "extract").exit_code == 0  # the catalogues take the new article
    assert cli(tmp_path, translations, "update").exit_code == 0
    config = {**smtp_config(mailbox.port), "BABEL_TRANSLATION_DIRECTORIES": str(translations)}
    app = make_test_app(database_url, tmp_path, **config)
    people = {"en": "reader-en@example.org", "es": "lector-es@example.org", "fr": "lecteur-fr@example.org"}
    with app.app_context():
        for locale, email in people.items():
            db.session.add(
                Subscriber(
                    email=email,
                    status=SubscriberStatus.ACTIVE,
                    locale=locale,
                    consent_text="We will email you when we publish or update an article.",
                    source_page=f"/{locale}/subscribe",
                    confirmed_at=utcnow(),
                )
            )
        db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["newsletter", "send", SECOND_SLUG, "--dry-run"])
    assert f"{people['es']}\tes\twaits for the translation" in dry.output
    assert f"{people['en']}\ten\twould send" in dry.output and "1 of 3" in dry.output
    # Published in English only: the English subscriber hears of it; the others are told nothing
    # yet (no mail leading a Spanish reader to an English page), and the operator is told why.
    first = runner.invoke(args=["newsletter", "send", SECOND_SLUG, "--rate", "0"])
    assert first.exit_code == 0, first.output
    assert "2 subscribers not sent" in first.output and "(es: 1, fr: 1)" in first.output
    assert mailbox.recipients == [people["en"]]
    assert f"{SITE_URL}/en/articles/{SECOND_SLUG}" in text_of(mailbox.to(people["en"])[0])

    # Once Spanish publishes it, the same command announces it to the Spanish reader, in Spanish.
    with app.app_context():
        rewrite(
            translations / "es" / "LC_MESSAGES" / "messages.po",
            lambda catalog: translate_for_publication(catalog, SECOND_SLUG),
        )
    forget_articles()
    runner = make_test_app(database_url, tmp_path, **config).test_cli_runner()
    second = runner.invoke(args=["newsletter", "send", SECOND_SLUG, "--rate", "0"])
    assert second.exit_code == 0, second.output
    assert "1 subscribers not sent" in second.output and "(fr: 1)" in second.output
    assert sorted(mailbox.recipients) == sorted([people["en"], people["es"]])
    spanish = text_of(mailbox.to(people["es"])[0])
    assert f"{SITE_URL}/es/articles/{SECOND_SLUG}" in spanish and "[es] High temperature" in spanish
    assert len(mailbox.to(people["en"])) == 1  # still one mail per article per subscriber
