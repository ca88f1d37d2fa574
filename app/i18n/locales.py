"""The locale registry (docs/architecture.md, "Languages") and how a request's locale is chosen."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request, abort, current_app, g, request


@dataclass(frozen=True)
class SiteLocale:
    code: str  # URL prefix, e.g. "zh-hans"
    lang: str  # BCP 47 tag for <html lang>, e.g. "zh-Hans"
    catalogue: str  # gettext catalogue directory under translations/, e.g. "zh_Hans"
    direction: str  # "ltr" or "rtl"
    endonym: str  # the language's name in itself, for the switcher
    aliases: tuple[str, ...] = ()  # extra Accept-Language tags that mean this locale
    # The Babel locale for dates and numbers when it differs from the catalogue's, e.g. "en_GB":
    # the English is British, so its dates read "6 December 2026" while <html lang> stays "en".
    formats: str = ""

    @property
    def babel(self) -> str:
        """The Babel locale of the page: its catalogue, formatted the locale's way."""
        return self.formats or self.catalogue


SOURCE_LOCALE = SiteLocale("en", "en", "en", "ltr", "English", formats="en_GB")

# Adding a language: `flask translate init CODE`, translate the catalogue, add one line here.
LOCALES: tuple[SiteLocale, ...] = (
    SOURCE_LOCALE,
    SiteLocale("es", "es", "es", "ltr", "Español"),
    SiteLocale("fr", "fr", "fr", "ltr", "Français"),
    SiteLocale("zh-hans", "zh-Hans", "zh_Hans", "ltr", "简体中文", ("zh", "zh-cn", "zh-sg", "zh-my")),
    SiteLocale("ar", "ar", "ar", "rtl", "العربية"),
)


def registered_locales() -> tuple[SiteLocale, ...]:
    return current_app.config.get("LOCALES", LOCALES)


def find_locale(code: str | None) -> SiteLocale | None:
    if not code:
        return None
    code = code.lower()
    return next((loc for loc in registered_locales() if loc.code == code), None)


def locale_or_404(code: str | None) -> SiteLocale:
    """The locale a URL prefix names exactly (e.g. "zh-hans", never "ZH-Hans"), or a 404."""
    found = find_locale(code)
    if found is None or found.code != code:
        abort(404)
    return found


def current_locale() -> SiteLocale:
    """The locale of the page being rendered: from the URL, else the negotiated one."""
    cached = g.get("site_locale")
    if cached is None:
        cached = locale_from_url() or negotiate_locale(request)
        g.site_locale = cached
    return cached


def locale_from_url() -> SiteLocale | None:
    if request.view_args and "locale" in request.view_args:
        return find_locale(request.view_args["locale"])
    # Paths that matched no route (404s) still carry a locale prefix worth honouring.
    first = request.path.lstrip("/").split("/", 1)[0]
    return find_locale(first)


def _match_tag(tag: str) -> SiteLocale | None:
    tag = tag.strip().lower().replace("_", "-")
    if not tag or tag == "*":
        return None
    locales = registered_locales()
    for loc in locales:
        if tag == loc.code or tag == loc.lang.lower() or tag in loc.aliases:
            return loc
    # Script subtags decide Chinese: zh-Hans-* is ours, zh-Hant/zh-TW/zh-HK are not.
    for loc in locales:
        if tag.startswith(loc.lang.lower() + "-"):
            return loc
    primary = tag.split("-", 1)[0]
    if primary == "zh":
        return None
    return next((loc for loc in locales if loc.lang.lower() == primary), None)


def negotiate_locale(req: Request) -> SiteLocale:
    """Accept-Language (best quality first), then English. No cookie: reading leaves no trace,
    and the language is in every URL after this."""
    for tag, quality in req.accept_languages:
        if quality <= 0:
            continue
        if match := _match_tag(tag):
            return match
    return registered_locales()[0]


def babel_locale_selector() -> str:
    """Flask-Babel's locale: the page's catalogue, or its formatting locale (en_GB for English)."""
    return current_locale().babel
