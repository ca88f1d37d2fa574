"""POST /<locale>/articles/<slug>/comments: check, store as pending, send the reader back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.comments.forms import STAMP_FORGED, STAMP_STALE, STAMP_TOO_FAST, CommentForm
from app.comments.sanitise import clean_text
from app.comments.section import SESSION_KEY, STATUS_CATEGORY
from app.comments.service import Submission, post_comment, record_spam, seconds_until_allowed
from app.content import Article, article_by_slug
from app.database import answer_if_unavailable
from app.extensions import csrf
from app.i18n import SiteLocale, locale_or_404, registered_locales
from app.pages import article_page_context

bp = Blueprint("comments", __name__)

CSRF_MISSING = "The CSRF token is missing."
OWN_COMMENTS_KEPT = 20


def _known_languages() -> set[str]:
    return {loc.lang for loc in registered_locales()}


def _page_or_404(locale: str, slug: str) -> tuple[SiteLocale, Article]:
    site_locale = locale_or_404(locale)
    article = article_by_slug(slug)
    if article is None:
        abort(404)
    return site_locale, article


def _again(article: Article, form: CommentForm, status: int, messages=(), headers=None):
    """The whole article page again, with this form, its text and its errors."""
    context = article_page_context(
        article,
        comment_form=form,
        comment_form_posted=True,
        comment_messages=list(messages),
        page_has_errors=True,
    )
    return render_template("articles/article.html", **context), status, headers or {}


def _accepted(site_locale: SiteLocale, article: Article):
    """The same answer for every post that was not refused openly, spam included."""
    flash(_("Thank you. Your comment has been sent and will appear after a moderator approves it."), STATUS_CATEGORY)
    url = url_for("articles.article", locale=site_locale.code, slug=article.slug, _anchor="comments")
    return redirect(url, code=303)


def _submission(form: CommentForm, site_locale: SiteLocale, article: Article) -> Submission:
    return Submission(
        article_slug=article.slug,
        page_locale=site_locale.code,
        # A refused (spam) post was never validated: only a language on the list is stored.
        language=form.language.data if form.language.data in _known_languages() else site_locale.lang,
        author_name=clean_text(form.name.data or "").text,
        body=clean_text(form.comment.data or "").text,
        ip=request.remote_addr,
    )


@bp.post("/<locale>/articles/<slug>/comments")
@csrf.exempt  # the form checks its own token, so an expired one can keep the text
def post(locale: str, slug: str):
    site_locale, article = _page_or_404(locale, slug)
    form = CommentForm(article_slug=article.slug, page_lang=site_locale.lang)
    answer_if_unavailable(
        lambda: _again(
            article,
            form,
            503,
            [_("We could not save your comment just now. Your comment has been kept: please send it again later.")],
            {"Retry-After": "30"},
        )
    )
    valid = form.validate()

    if form.csrf_errors:
        if CSRF_MISSING in form.csrf_errors:
            abort(400)
        form.csrf_token.errors = []
        form.refresh_stamp()
        return _again(
            article, form, 400, [_("Your session timed out. Your comment has been kept: please send it again.")]
        )

    verdict = form.stamp_verdict()
    if verdict == STAMP_STALE:
        form.refresh_stamp()
        return _again(
            article,
            form,
            422,
            [_("This form was open for too long. Your comment has been kept: please send it again.")],
        )
    spam = form.honeypot_filled or verdict in (STAMP_TOO_FAST, STAMP_FORGED)

    wait = seconds_until_allowed(request.remote_addr)
    if wait is not None:
        if spam:
            return _accepted(site_locale, article)
        message = _(
            "You have sent several comments in a short time. Your comment has been kept: please try again later."
        )
        return _again(article, form, 429, [message], {"Retry-After": str(wait)})

    if spam:
        record_spam(_submission(form, site_locale, article))
        return _accepted(site_locale, article)
    if not valid:
        return _again(article, form, 422)

    name, body = clean_text(form.name.data), clean_text(form.comment.data)
    if name.changed or body.changed:
        notice = _("We removed HTML tags. Check the cleaned text, edit it if needed, and send it again.")
        for field, cleaned in ((form.name, name), (form.comment, body)):
            if cleaned.changed:
                field.data = cleaned.text
                field.errors = [notice]
        # An emptied field needs the person's words, not a silent empty comment.
        return _again(article, form, 422)

    comment = post_comment(_submission(form, site_locale, article))
    if comment.status.value == "pending":
        session[SESSION_KEY] = ([*session.get(SESSION_KEY, []), comment.id])[-OWN_COMMENTS_KEPT:]
    return _accepted(site_locale, article)
