"""Thin views: pick the article and locale, render. Every page here is public (app/caching)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from app.articles import bp
from app.articles.a_to_z import home_context
from app.caching import keep_private, public_page
from app.caching.freshness import article_revision
from app.comments.section import canonical_comments_value, comments_page_number, comments_query
from app.content import article_by_slug
from app.content.publication import is_published
from app.extensions import db
from app.i18n import SOURCE_LOCALE, locale_or_404, negotiate_locale, registered_locales
from app.pages import article_page_context


def _article_version(app: Flask, view_args: Mapping[str, Any]) -> Hashable:
    return article_revision(app, view_args["slug"])


@bp.get("/")
@public_page(vary=("Accept-Language",))
def root():
    return redirect(url_for("articles.home", locale=negotiate_locale(request).code), code=302)


@bp.get("/<locale>/")
@public_page()
def home(locale: str):
    return render_template("articles/home.html", **home_context(locale_or_404(locale)))


@bp.get("/<locale>/articles/<slug>")
@public_page(version=_article_version, query=comments_query)
def article(locale: str, slug: str):
    site_locale = locale_or_404(locale)
    found = article_by_slug(slug)
    if found is None:
        abort(404)
    if not is_published(found, site_locale):
        # Not yet translated here: the English, which publishes on its own (DESIGN §9).
        return redirect(url_for("articles.article", locale=SOURCE_LOCALE.code, slug=slug), code=302)
    if (page := canonical_comments_value(request.args)) is not None:
        # `?comments=01`, `?comments=x`: one address per page, so a cache holds one copy of it.
        keep_private()
        return redirect(url_for("articles.article", locale=locale, slug=slug, comments=page or None), code=301)
    return render_template("articles/article.html", **article_page_context(found, comments_page_number(request.args)))


@bp.get("/robots.txt")
@public_page()
def robots():
    site = current_app.config["SITE_URL"]
    lines = ["User-agent: *"]
    lines += [f"Disallow: /{loc.code}/moderation/" for loc in registered_locales()]
    lines += [f"Sitemap: {site}{url_for('articles.sitemap')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
