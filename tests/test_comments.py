"""Posting, showing and paginating comments in every locale."""

from __future__ import annotations

import re

import pytest
from babel.numbers import format_decimal
from flask_babel import gettext

from app.comments.models import CommentStatus
from tests.comments_support import (
    ERROR_PREFIX,
    PAGE_LANG,
    all_comments,
    article_url,
    comment_section,
    comments_url,
    post_comment,
    sent_url,
    set_status,
    store_comments,
)
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES


def written_number(number: int, locale: str) -> str:
    """A number as the page's language writes it ("5,000", "5 000")."""
    return format_decimal(number, locale=locale.replace("-hans", "_Hans"))


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_empty_section_shows_form_with_labels_hints_and_honeypot(client, locale):
    html = client.get(article_url(locale)).get_data(as_text=True)
    section = comment_section(html)
    assert 'id="comments-heading"' in section and "comments__empty" in section
    assert 'class="comment-list"' not in section
    assert '<label for="comment-name">' in section and '<label for="comment-comment">' in section
    assert re.search(r'<input[^>]*autocomplete="name"[^>]*id="comment-name"[^>]*name="name"', section)
    assert re.search(r'<textarea[^>]*aria-describedby="comment-comment-hint"[^>]*name="comment"', section)
    assert 'id="comment-name-hint"' in section and "80" in section and written_number(5000, locale) in section
    assert re.search(r'<input autocomplete="off" id="comment-website" name="website" tabindex="-1"', section)
    assert '<div class="honeypot" aria-hidden="true">' in section
    # A public page: the form holds nothing of one reader's (no token, no timestamp).
    assert 'name="csrf_token"' not in section and 'type="hidden"' not in section
    # The comment language defaults to the page's language; every option names its own language.
    select_html = re.search(r'<select[^>]*name="language".*?</select>', section, re.S).group(0)
    assert re.search(rf'lang="{PAGE_LANG[locale]}" selected', select_html)
    assert select_html.count("<option") == len(LOCALE_CODES)
    assert re.search(r'<option dir="rtl" lang="ar" (selected )?value="ar">العربية</option>', select_html)


def test_english_empty_state_uses_the_seed_sentences(client):
    section = comment_section(client.get(article_url("en")).get_data(as_text=True))
    assert "No comments yet" in section and "Be the first to share your thoughts!" in section
    assert (
        "Comments are moderated and may take time to appear. HTML tags are automatically removed for security."
        in section
    )
    assert "personal medical details" in section
    assert ">0 comments</h2>" in section


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_whole_flow_post_pending_approve_shown_with_language(app, client, locale):
    response = post_comment(client, locale, "Amira", "My son had this too.\nRest helped.", language="es")
    assert response.status_code == 303
    assert response.headers["Location"] == sent_url(locale)

    # The author's private confirmation page: a status message, their comment awaiting moderation,
    # and the way back to the article...
    sent = client.get(sent_url(locale))
    assert sent.headers["Cache-Control"] == "private, no-store"
    own_view = sent.get_data(as_text=True)
    status = r'<div class="status-message" role="status" id="status-message" tabindex="-1" autofocus>'
    assert re.search(status, own_view)
    assert "comment--pending" in own_view and "Rest helped." in own_view
    assert f'href="{article_url(locale)}#comments"' in own_view
    # ...while the article stays the same public page for everyone, its author included.
    assert "Rest helped." not in client.get(article_url(locale)).get_data(as_text=True)
    stranger = app.test_client()
    assert "Rest helped." not in stranger.get(article_url(locale)).get_data(as_text=True)
    assert "Rest helped." not in stranger.get(sent_url(locale)).get_data(as_text=True)

    [stored] = all_comments(app)
    assert stored.status is CommentStatus.PENDING
    assert (stored.author_name, stored.language, stored.page_locale) == ("Amira", "es", locale)
    assert stored.body == "My son had this too.\nRest helped."

    set_status(app, [stored.id], CommentStatus.APPROVED)
    # Approval shows at once, on every language version of the article.
    for code in LOCALE_CODES:
        section = comment_section(stranger.get(article_url(code)).get_data(as_text=True))
        assert re.search(
            r'<div class="comment__body" lang="es" dir="ltr">\s*<p class="comment__author">Amira</p>', section
        )
        assert '<p class="comment-text">My son had this too.\nRest helped.</p>' in section
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">', section)
        # A visible language label when the comment's language differs from the page's.
        assert ('<span lang="es" dir="ltr">Español</span>' in section) == (code != "es")
        assert "comments__empty" not in section


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_rejected_and_spam_comments_are_never_shown(app, client, locale):
    for text in ("Rejected words here", "Spam words here", "Approved words here"):
        assert post_comment(client, locale, "Sam", text).status_code == 303
    rejected, spam, approved = all_comments(app)
    set_status(app, [rejected.id], CommentStatus.REJECTED)
    set_status(app, [spam.id], CommentStatus.SPAM)
    set_status(app, [approved.id], CommentStatus.APPROVED)
    html = app.test_client().get(article_url(locale)).get_data(as_text=True)
    assert "Approved words here" in html
    assert "Rejected words here" not in html and "Spam words here" not in html
    # Not even to their author, once a moderator has decided.
    own = client.get(sent_url(locale)).get_data(as_text=True)
    assert "Rejected words here" not in own and "Spam words here" not in own
    assert "Approved words here" not in own  # published, no longer awaiting moderation


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize(
    ("name", "comment", "bad_fields"),
    [
        ("", "", {"name", "comment"}),
        ("   ", " \n\t ", {"name", "comment"}),
        ("N" * 81, "Fine", {"name"}),
        ("Kept Name", "x" * 5001, {"comment"}),
        ("Kept Name", "", {"comment"}),
    ],
    ids=["empty", "whitespace", "name-too-long", "comment-too-long", "comment-missing"],
)
def test_invalid_post_is_422_with_summary_aria_and_error_title(refusing_app, locale, name, comment, bad_fields):
    app = refusing_app
    response = post_comment(app.test_client(), locale, name, comment)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert title_of(html).startswith(ERROR_PREFIX[locale] + " ")
    summary = re.search(r'<div class="error-summary" id="comment-error-summary"[^>]*>.*?</div>', html, re.S)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert 'role="alert"' not in summary.group(0)
    for field in ("name", "comment"):
        tag = re.search(rf'<(?:input|textarea)[^>]*id="comment-{field}"[^>]*>', html).group(0)
        if field in bad_fields:
            assert f'href="#comment-{field}"' in summary.group(0)
            assert 'aria-invalid="true"' in tag
            assert f"comment-{field}-error" in tag and f'id="comment-{field}-error"' in html
        else:
            assert "aria-invalid" not in tag
    if name.strip() and len(name) <= 80:
        assert f'value="{name}"' in html  # what the person typed is still there
    assert all_comments(app) == []


def test_typed_text_is_kept_after_a_failed_post(client):
    html = post_comment(client, "fr", "Zoé Martin", "").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="comment-name"[^>]*value="Zoé Martin"', html)
    html = post_comment(client, "fr", "", "Un long texte\nsur deux lignes").get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>\r?\nUn long texte\nsur deux lignes</textarea>", html)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_markup_is_shown_cleaned_for_confirmation_then_stored(app, client, locale):
    response = post_comment(client, locale, "Lee", "Check vitamin <b>B12</b> levels")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>\r?\nCheck vitamin B12 levels</textarea>", html)
    assert 'href="#comment-comment"' in html and all_comments(app) == []
    # Sending the cleaned text as shown stores it.
    assert post_comment(client, locale, "Lee", "Check vitamin B12 levels").status_code == 303
    assert [c.body for c in all_comments(app)] == ["Check vitamin B12 levels"]


def test_text_that_only_looks_like_markup_is_never_dropped_silently(app, client):
    typed = ["Low vitamin <b12 levels worry me", "Sums like 3 < 5 and 7 > 2 are fine", "if a<b and c>d then"]
    for text in typed:
        assert post_comment(client, "en", "Ana", text).status_code == 303
    assert [comment.body for comment in all_comments(app)] == typed


def test_unicode_is_normalised_and_disguising_characters_removed_but_joiners_kept(app, client):
    decomposed = (
        "Cafe\u0301 \u202egnp.exe\u202c \u2067isolate\u2069 \x07bell, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert post_comment(client, "en", "Zoe\u0308", decomposed).status_code == 303
    [stored] = all_comments(app)
    assert stored.author_name == "Zoë"
    assert stored.body == "Café gnp.exe isolate bell, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ kept


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_heading_counts_with_plural_forms_and_pages_hold_twenty(app, client, locale):
    # The first through the form, the other 44 straight through the comment service.
    post_comment(client, locale, "Reader 0", "Comment number 00", language="en")
    store_comments(app, locale, [(f"Reader {number}", f"Comment number {number:02d}") for number in range(1, 45)])
    set_status(app, [c.id for c in all_comments(app)], CommentStatus.APPROVED)

    page1 = comment_section(client.get(article_url(locale)).get_data(as_text=True))
    assert re.search(r'<h2 id="comments-heading">[^<]*45[^<]*</h2>', page1)
    bodies = re.findall(r"Comment number (\d\d)", page1)
    assert bodies == [f"{n:02d}" for n in range(20)]  # oldest first
    assert f'href="/{locale}/articles/{ARTICLE_SLUG}?comments=2#comments"' in page1
    assert 'aria-current="page"' in page1

    page3 = comment_section(client.get(article_url(locale) + "?comments=3").get_data(as_text=True))
    assert re.findall(r"Comment number (\d\d)", page3) == [f"{n:02d}" for n in range(40, 45)]
    assert 'rel="prev"' in page3 and 'rel="next"' not in page3

    for bad in ("0", "-1", "abc", "99999999999", "3.5", "%00"):  # to page 1, privately
        response = client.get(article_url(locale) + f"?comments={bad}", follow_redirects=True)
        assert response.status_code == 200 and response.request.query_string == b"", bad


def test_singular_and_plural_headings_in_english(app, client):
    post_comment(client, "en", "One", "First one")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    assert ">1 comment</h2>" in client.get(article_url("en")).get_data(as_text=True)
    post_comment(client, "en", "Two", "Second one")
    set_status(app, [all_comments(app)[1].id], CommentStatus.APPROVED)
    assert ">2 comments</h2>" in client.get(article_url("en")).get_data(as_text=True)


def test_rtl_comment_is_marked_rtl_on_a_ltr_page(app, client):
    post_comment(client, "en", "ليلى", "شكرا على المقال", language="ar")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    section = comment_section(client.get(article_url("en")).get_data(as_text=True))
    assert '<div class="comment__body" lang="ar" dir="rtl">' in section
    assert '<span lang="ar" dir="rtl">العربية</span>' in section


def test_unknown_language_is_a_422_not_a_500(app, client):
    response = post_comment(client, "en", "Val", "Words", language="xx-evil")
    assert response.status_code == 422
    assert all_comments(app) == []


def test_duplicate_post_gets_the_same_answer_and_is_stored_as_spam(app, client):
    first = post_comment(client, "en", "Dup", "Same words twice")
    second = post_comment(client, "en", "Dup", "Same   words twice")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert [c.status for c in all_comments(app)] == [CommentStatus.PENDING, CommentStatus.SPAM]


def test_flags_personal_details_and_stores_no_raw_ip(app, client):
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    post_comment(client, "en", "Pat", "Call me on +44 20 7946 0958 or pat@example.org, see https://x.example")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    post_comment(client, "en", "Pat", "Another comment, same network")
    first, second = all_comments(app)
    assert set(first.flags.split(",")) == {"phone", "email", "link"}
    assert second.flags == ""
    assert first.ip_hash and first.ip_hash == second.ip_hash  # same /24, one HMAC
    assert "203.0.113" not in first.ip_hash


def test_unknown_article_or_locale_is_404(client):
    data = {"name": "A", "comment": "B"}
    assert client.post("/en/articles/no-such-article/comments", data=data).status_code == 404
    assert client.post(f"/xx/articles/{ARTICLE_SLUG}/comments", data=data).status_code == 404
    assert client.get(comments_url("en")).status_code == 405


def test_duplicate_is_refused_quietly_and_looks_accepted_to_its_poster(app, client):
    post_comment(client, "en", "Dup", "Same words twice")
    second = app.test_client()
    response = post_comment(second, "en", "Dup", "Same words twice")
    assert response.status_code == 303 and response.headers["Location"] == sent_url("en")
    assert all_comments(app)[-1].status is CommentStatus.SPAM
    page = second.get(sent_url("en")).get_data(as_text=True)
    assert "Same words twice" in page and "comment--pending" in page


def test_honeypot_post_looks_accepted_to_its_poster(app, client):
    response = post_comment(client, "en", "Bot", "Buy things", website="http://spam.example")
    assert response.status_code == 303 and response.headers["Location"] == sent_url("en")
    assert [c.status for c in all_comments(app)] == [CommentStatus.SPAM]
    page = client.get(sent_url("en")).get_data(as_text=True)
    assert "Buy things" in page and "comment--pending" in page


def test_comment_ids_never_clash_with_another_form_on_the_page(client):
    html = client.get(article_url("en")).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_a_limit_is_the_same_number_written_the_same_way_in_hint_and_error(client, locale):
    """The hint says "Up to 5,000 characters" and the error "5,000 characters or fewer", as the
    page's language writes numbers, never "5000" in one and "5,000" in the other."""
    html = post_comment(client, locale, "N" * 81, "x" * 5001).get_data(as_text=True)
    for field, limit in (("name", 80), ("comment", 5000)):
        hint = re.search(rf'<span class="hint" id="comment-{field}-hint">(.*?)</span>', html, re.S).group(1)
        error_at = rf'<span class="error-message" id="comment-{field}-error">(.*?)</span>\n'
        error = re.search(error_at, html, re.S).group(1)
        written = written_number(limit, locale)
        assert written in hint and written in error, (field, hint, error)
        digits_only = str(limit)
        if written != digits_only:
            assert digits_only not in hint and digits_only not in error


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_a_field_in_error_is_described_by_its_error_before_its_hint(client, locale):
    html = post_comment(client, locale, "", "").get_data(as_text=True)
    for field in ("name", "comment"):
        tag = re.search(rf'<(?:input|textarea)[^>]*id="comment-{field}"[^>]*>', html).group(0)
        assert f'aria-describedby="comment-{field}-error comment-{field}-hint"' in tag, tag


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_error_summary_is_a_group_named_by_its_heading(client, locale):
    """aria-labelledby is allowed on role=group, not on a role-less div (which browsers may ignore)."""
    html = post_comment(client, locale, "", "").get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'role="group"' in summary and 'aria-labelledby="comment-error-summary-title"' in summary
    assert 'id="comment-error-summary-title"' in html


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_page_after_posting_says_the_comment_was_sent_in_its_title(app, client, locale):
    post_comment(client, locale, "Amira", "A comment about sleep.")
    html = client.get(sent_url(locale)).get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    with app.test_request_context(f"/{locale}/"):
        outcome = gettext("Comment sent")
    assert outcome != "Comment sent" or locale == "en"
    assert title_of(html).startswith(f"{outcome} – {heading} – "), title_of(html)
