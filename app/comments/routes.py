"""POST /<locale>/articles/<slug>/comments: check, store as pending, send the reader to a private
confirmation page. The article page itself stays public: nothing of this reader's goes on it."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState

from app import cross_origin
from app.articles.page import add_page_part, article_page_context
from app.caching.revision import register_revision
from app.comments.forms import CommentForm
from app.comments.sanitise import clean_text
from app.comments.section import SESSION_KEY, comment_section_context
from app.comments.service import (
    Submission,
    comment_revision,
    own_comments_among,
    post_comment,
    record_spam,
    seconds_until_allowed,
)
from app.content import Article, article_by_slug
from app.content.publication import is_published
from app.content.rendering import render_article
from app.database import answer_if_unavailable
from app.extensions import csrf
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, current_locale, registered_locales
from app.interface_fallback import gettext as _

bp = Blueprint("comments", __name__)

OWN_COMMENTS_KEPT = 20


@bp.record_once
def _on_article_pages(state: BlueprintSetupState) -> None:
    """Comments are part of every article page: its comment section, and its version (a
    moderation decision makes a new version of the page in every cache)."""
    add_page_part(state.app, comment_section_context)
    register_revision(state.app, comment_revision)


def _known_languages() -> set[str]:
    return {loc.lang for loc in registered_locales()}


def _page_or_404(slug: str) -> tuple[SiteLocale, Article]:
    article = article_by_slug(slug)
    if article is None:
        abort(404)
    return current_locale(), article


def _english_if_unpublished(endpoint: str, site_locale: SiteLocale, article: Article):
    """As the article page does (per-language publication, docs/architecture.md): where the
    article is not published in this language (yet, or no longer), the English answers.
    307 keeps the method and the posted form, so a comment sent from such a page reaches the
    English page's form whole, never lost."""
    if is_published(article, site_locale):
        return None
    return redirect(url_for(endpoint, locale=SOURCE_LOCALE.code, slug=article.slug), code=307)


def _again(article: Article, form: CommentForm, status: int, messages=(), headers=None):
    """The whole article page again, with this form, its text and its errors (a private answer)."""
    context = article_page_context(
        article,
        comment_form=form,
        comment_form_posted=True,
        comment_messages=list(messages),
        page_has_errors=True,
    )
    return render_template("articles/article.html", **context), status, headers or {}


def _accepted(site_locale: SiteLocale, article: Article, comment_id: int | None = None):
    """The same answer for every post that was not refused openly, spam included: the poster
    cannot tell a quiet refusal from an accepted comment."""
    if comment_id is not None:
        session[SESSION_KEY] = [*session.get(SESSION_KEY, []), comment_id][-OWN_COMMENTS_KEPT:]
    return redirect(url_for("comments.sent", slug=article.slug), code=303)


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
@csrf.exempt  # a public form: refused by origin below, not by a per-reader token
@cross_origin.checked_in_view
def post(locale: str, slug: str):
    site_locale, article = _page_or_404(slug)
    if (english := _english_if_unpublished("comments.post", site_locale, article)) is not None:
        return english
    form = CommentForm(article_slug=article.slug, page_lang=site_locale.lang)
    if cross_origin.refused():
        # Translators: shown above the comment form when the post came from another website.
        message = _(
            "Your comment was sent from another website, so we did not accept it. "
            "Your comment has been kept: check it and send it again from this page."
        )
        return _again(article, form, 403, [message])
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
    spam = form.honeypot_filled

    wait = seconds_until_allowed(request.remote_addr)
    if wait is not None:
        if spam:
            return _accepted(site_locale, article)
        message = _(
            "You have sent several comments in a short time. Your comment has been kept: please try again later."
        )
        return _again(article, form, 429, [message], {"Retry-After": str(wait)})

    if spam:
        return _accepted(site_locale, article, record_spam(_submission(form, site_locale, article)).id)
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
    return _accepted(site_locale, article, comment.id)


@bp.get("/<locale>/articles/<slug>/comments/sent")
def sent(locale: str, slug: str):
    """Private: confirms the post and shows this browser its comments awaiting moderation."""
    site_locale, article = _page_or_404(slug)
    if (english := _english_if_unpublished("comments.sent", site_locale, article)) is not None:
        return english
    own = own_comments_among(session.get(SESSION_KEY, []), article.slug)
    rendered = render_article(article, source_locale=site_locale.code == SOURCE_LOCALE.code)
    locales = {loc.lang: loc for loc in registered_locales()}
    return render_template("comments/sent.html", article=rendered, own_comments=own, comment_locales=locales)
