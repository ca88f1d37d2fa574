"""Thin views: pick the article and locale, render."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import page_cache
from app.articles import bp
from app.comments.section import SESSION_KEY as OWN_COMMENTS_KEY
from app.content import all_articles, article_by_slug
from app.content.rendering import render_article
from app.extensions import db
from app.freshness import article_revision
from app.i18n import SOURCE_LOCALE, locale_or_404, negotiate_locale, registered_locales
from app.pages import article_page_context


@bp.get("/")
def root():
    response = redirect(url_for("articles.home", locale=negotiate_locale(request).code), code=302)
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/<locale>/")
def home(locale: str):
    site_locale = locale_or_404(locale)

    def render() -> str:
        is_source = site_locale.code == SOURCE_LOCALE.code
        articles = [render_article(article, source_locale=is_source) for article in all_articles()]
        return render_template("articles/home.html", articles=articles)

    if page_cache.shareable():
        return page_cache.serve_shared(page_cache.home_key(locale), None, render)
    return render()


@bp.get("/<locale>/articles/<slug>")
def article(locale: str, slug: str):
    locale_or_404(locale)
    found = article_by_slug(slug)
    if found is None:
        abort(404)

    def render() -> str:
        return render_template("articles/article.html", **article_page_context(found))

    if page_cache.shareable(extra_reader_state=bool(session.get(OWN_COMMENTS_KEY))):
        try:
            freshness = article_revision(slug)
        except SQLAlchemyError:  # no database: render without the cache (the page degrades itself)
            db.session.rollback()
        else:
            page_key = page_cache.article_key(locale, slug, request.args.get("comments"))
            return page_cache.serve_shared(page_key, freshness, render)
    return render()


@bp.get("/sitemap.xml")
def sitemap():
    site = current_app.config["SITE_URL"]
    pages = [("articles.home", {})] + [("articles.article", {"slug": article.slug}) for article in all_articles()]
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
