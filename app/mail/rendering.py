"""Rendering a mail: its text and HTML parts in the recipient's language, and absolute links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.i18n.locales import SiteLocale

ONE_CLICK = "List-Unsubscribe=One-Click"


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for a mail, from SITE_URL (mails are built outside any request)."""
    adapter = current_app.url_map.bind(urlsplit(current_app.config["SITE_URL"]).netloc or "localhost")
    return current_app.config["SITE_URL"] + adapter.build(endpoint, values)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def render_mail(
    template: str,
    site_locale: SiteLocale,
    subject: object,
    *,
    unsubscribe_url: str | None = None,
    **context: object,
) -> RenderedMail:
    """Render `<template>.txt` and `<template>.html` in `site_locale`, with its `lang`/`dir`
    (the HTML part extends mail/_layout.html) and a Content-Language header."""
    with force_locale(site_locale.babel):
        translated_subject = str(subject)
        values = {
            "mail_locale": site_locale,
            "subject": translated_subject,
            "unsubscribe_url": unsubscribe_url,
            **context,
        }
        text = render_template(f"{template}.txt", **values)
        html = render_template(f"{template}.html", **values)
    headers = {"Content-Language": site_locale.lang}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = ONE_CLICK
    return RenderedMail(translated_subject, text, html, headers)
