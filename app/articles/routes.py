"""Thin views: pick the article and locale, render. Every page here is public (app/caching)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from app.articles import bp
from app.articles.a_to_z import home_context
from app.articles.page import article_page_context, canonical_comments_value, comments_page_number, comments_query
from app.caching import keep_private, public_page
from app.caching.revision import page_revision
from app.content import article_by_slug
from app.content.publication import is_published
from app.extensions import db
from app.i18n.locales import SOURCE_LOCALE, current_locale, negotiate_locale, registered_locales


def _article_version(app: Flask, view_args: Mapping[str, Any]) -> Hashable:
    """The article page's version: its comment revision, read from the database on every view
    (an approval through any worker or host shows at once)."""
    return page_revision(app, view_args["slug"])


@bp.get("/")
@public_page(vary=("Accept-Language",))
def root():
    return redirect(url_for("articles.home", locale=negotiate_locale(request).code), code=302)


@bp.get("/<locale>/")
@public_page()
def home(locale: str):
    return render_template("articles/home.html", **home_context(current_locale()))


@bp.get("/<locale>/articles/<slug>")
@public_page(version=_article_version, query=comments_query)
def article(locale: str, slug: str):
    site_locale = current_locale()
    found = article_by_slug(slug)
    if found is None:
        abort(404)
    if not is_published(found, site_locale):
        # Not yet translated here: the English, which publishes on its own (docs/architecture.md, "Languages").
        return redirect(url_for("articles.article", locale=SOURCE_LOCALE.code, slug=slug), code=302)
    if (page := canonical_comments_value(request.args)) is not None:
        # `?comments=01`, `?comments=x`: one address per page, so a cache holds one copy of it.
        keep_private()
        return redirect(url_for("articles.article", slug=slug, comments=page or None), code=301)
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
