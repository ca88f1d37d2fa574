"""The "About our information" page: how articles are written, checked and translated."""

from __future__ import annotations

from flask import current_app, render_template

from app.articles import bp
from app.caching import public_page
from app.i18n import locale_or_404


@bp.get("/<locale>/about")
@public_page()
def about(locale: str):
    locale_or_404(locale)
    return render_template("articles/about.html", contact_email=current_app.config["CONTACT_EMAIL"])
