"""Thin views: pick the article and locale, render."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from app.articles import bp
from app.content import all_articles, article_by_slug
from app.content.rendering import render_article
from app.extensions import db
from app.i18n import SOURCE_LOCALE, find_locale, negotiate_locale, registered_locales
from app.pages import article_page_context


def _locale_or_404(code: str):
    site_locale = find_locale(code)
    if site_locale is None or site_locale.code != code:
        abort(404)
    return site_locale


@bp.get("/")
def root():
    response = redirect(url_for("articles.home", locale=negotiate_locale(request).code), code=302)
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/<locale>/")
def home(locale: str):
    site_locale = _locale_or_404(locale)
    is_source = site_locale.code == SOURCE_LOCALE.code
    articles = [render_article(article, source_locale=is_source) for article in all_articles()]
    return render_template("articles/home.html", articles=articles)


@bp.get("/<locale>/articles/<slug>")
def article(locale: str, slug: str):
    _locale_or_404(locale)
    found = article_by_slug(slug)
    if found is None:
        abort(404)
    return render_template("articles/article.html", **article_page_context(found))


@bp.get("/sitemap.xml")
def sitemap():
    site = current_app.config["SITE_URL"]
    pages = [("articles.home", {})] + [
        ("articles.article", {"slug": article.slug}) for article in all_articles()
    ]
    xml = render_template("articles/sitemap.xml", pages=pages, site=site, locales=registered_locales())
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
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
