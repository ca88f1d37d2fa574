"""The moderation area tells what waits (summary and counted <title>) and lets each moderator
choose their digest mails: a private page with labelled fields, CSRF and an error summary."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from app.comments.service import Submission, post_comment
from app.extensions import db
from app.i18n.locales import LOCALES
from app.moderation.models import Moderator
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, csrf_token_from, make_test_app
from tests.html_tree import parse_html
from tests.i18n_helpers import copy_translations, rewrite, set_listed
from tests.test_moderation import EMAIL, PASSWORD, login


@pytest.fixture
def moderator(app, runner):
    result = runner.invoke(
        args=["moderators", "add", EMAIL, "--password-stdin"], input="correct horse battery staple\n"
    )
    assert result.exit_code == 0, result.output
    return EMAIL


def catalogue(code: str) -> str:
    return next(loc.catalogue for loc in LOCALES if loc.code == code)


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def add_comment(app, body: str, language: str) -> int:
    with app.app_context():
        return post_comment(Submission(ARTICLE_SLUG, "en", language, "Reader", body, None)).id


def settings_of(app) -> tuple[bool, int, str]:
    with app.app_context():
        moderator = db.session.execute(select(Moderator)).scalar_one()
        return moderator.notify, moderator.notify_interval_minutes, moderator.notify_locale


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_queue_says_what_waits_flagged_first_and_counts_in_its_title(app, client, moderator, locale):
    first_fr = add_comment(app, "Merci pour cet article", "fr")
    first_en = add_comment(app, "Thank you", "en")
    add_comment(app, "Encore merci", "fr")
    flagged = add_comment(app, "Write to me at someone@example.org", "en")
    assert login(client, locale).status_code == 303
    html = client.get(f"/{locale}/moderation/").get_data(as_text=True)

    with app.app_context(), force_locale(catalogue(locale)):
        counted = ngettext("%(num)d comment awaiting moderation", "%(num)d comments awaiting moderation", 4)
    assert title_of(html).startswith(counted + " – ")
    tree = parse_html(html)
    flagged_box = tree.find("section", aria_labelledby="queue-flagged-heading")
    groups_box = tree.find("section", aria_labelledby="queue-groups-heading")
    assert flagged_box is not None and groups_box is not None
    assert html.index('id="queue-flagged-heading"') < html.index('id="queue-groups-heading"')
    assert [a.attrs["href"] for a in flagged_box.find_all("a")] == [f"#comment-{flagged}"]
    # One line per article and language, in the order their oldest comment came in.
    assert [a.attrs["href"] for a in groups_box.find_all("a")] == [f"#comment-{first_fr}", f"#comment-{first_en}"]
    assert groups_box.find("span", lang="fr") is not None
    # Each link leads to a comment in the list.
    for target in (flagged, first_fr, first_en):
        assert tree.find("li", id=f"comment-{target}") is not None
    assert f'href="/{locale}/moderation/settings"' in html


def test_an_empty_queue_says_so_in_its_title(client, moderator):
    login(client)
    html = client.get("/en/moderation/").get_data(as_text=True)
    assert title_of(html).startswith("0 comments awaiting moderation")
    assert "queue-flagged-heading" not in html and "queue-groups-heading" not in html


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_settings_page_shows_and_saves_a_moderators_choices(app, client, moderator, locale):
    assert client.get(f"/{locale}/moderation/settings").status_code in (302, 303)  # login first
    login(client, locale)
    response = client.get(f"/{locale}/moderation/settings")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    tree = parse_html(html)
    for field_id in ("settings-notify", "settings-interval", "settings-locale"):
        assert tree.find("label", **{"for": field_id}) is not None, field_id
        assert tree.find("select", id=field_id) is not None, field_id
    assert tree.find("option", value="ar", lang="ar", dir="rtl").text() == "العربية"
    assert "selected" in tree.find("option", value="60").attrs  # the current setting
    assert '<meta name="robots" content="noindex">' in html

    response = client.post(
        f"/{locale}/moderation/settings",
        data={"csrf_token": csrf_token_from(html), "notify": "off", "interval": "1440", "locale": "zh-hans"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{locale}/moderation/settings")
    assert settings_of(app) == (False, 1440, "zh-hans")
    followed = client.get(f"/{locale}/moderation/settings").get_data(as_text=True)
    assert 'role="status"' in followed
    assert "selected" in parse_html(followed).find("option", value="1440").attrs


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_settings_refuse_nonsense_with_an_error_summary(app, client, moderator, locale):
    login(client, locale)
    token = csrf_token_from(client.get(f"/{locale}/moderation/settings").get_data(as_text=True))
    response = client.post(
        f"/{locale}/moderation/settings",
        data={"csrf_token": token, "notify": "off", "interval": "7", "locale": "de"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="settings-error-summary"' in html
    assert 'href="#settings-interval"' in html and 'href="#settings-locale"' in html
    assert 'aria-invalid="true"' in html
    assert settings_of(app) == (True, 60, "en")


def test_settings_need_csrf(app, client, moderator):
    login(client)
    data = {"notify": "off", "interval": "60", "locale": "en"}
    assert client.post("/en/moderation/settings", data=data).status_code == 400
    assert client.post("/en/moderation/settings", data={**data, "csrf_token": "forged"}).status_code == 400
    assert settings_of(app) == (True, 60, "en")


def test_an_option_a_partly_translated_language_lacks_is_marked_english(database_url, tmp_path):
    """An option holds no markup: in a language not listed yet, an option its catalogue does not
    translate is marked English by its own lang and dir (a screen reader then reads it in
    English), and a translated one is not."""
    translations = copy_translations(tmp_path / "translations")
    set_listed(translations / "locales.toml", "es", listed=False)

    def untranslate_on(catalog) -> None:
        catalog.get("On").string = ""

    rewrite(translations / "es" / "LC_MESSAGES" / "messages.po", untranslate_on)
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    with app.app_context():
        moderator = Moderator(email=EMAIL)
        moderator.set_password(PASSWORD)
        db.session.add(moderator)
        db.session.commit()
    client = app.test_client()
    assert login(client, "es").status_code == 303
    html = client.get("/es/moderation/settings").get_data(as_text=True)
    options = {
        found["value"]: found
        for found in re.finditer(
            r'<option (?P<attrs>[^>]*)value="(?P<value>[^"]*)"[^>]*>(?P<text>[^<]*)</option>', html
        )
    }
    assert options["on"]["text"] == "On" and 'lang="en"' in options["on"][0] and 'dir="ltr"' in options["on"][0]
    assert options["off"]["text"] == "Desactivadas" and "lang=" not in options["off"][0]
