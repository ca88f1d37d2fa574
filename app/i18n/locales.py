"""The locale registry (docs/architecture.md, "Languages"), read from translations/locales.toml,
and how a request's locale is chosen."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Request, abort, current_app, g, request


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
    # In the language switcher, Accept-Language negotiation and hreflang alternates: true once
    # the interface is completely translated (TRANSLATING.md, "Adding a language").
    listed: bool = True

    @property
    def babel(self) -> str:
        """The Babel locale of the page: its catalogue, formatted the locale's way."""
        return self.formats or self.catalogue


SOURCE_LOCALE = SiteLocale("en", "en", "en", "ltr", "English", formats="en_GB")

REGISTRY_FILE = "locales.toml"
SHIPPED_REGISTRY = Path(__file__).resolve().parents[2] / "translations" / REGISTRY_FILE
DIRECTIONS = ("ltr", "rtl")


class RegistryError(ValueError):
    """translations/locales.toml cannot be read: the message names the file and the language."""


def read_registry(path: Path) -> tuple[SiteLocale, ...]:
    """English, then each language of a locales.toml file, in its order (none: English only)."""
    if not path.exists():
        return (SOURCE_LOCALE,)
    try:
        with path.open("rb") as handle:
            entries = tomllib.load(handle).get("locale", [])
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path}: not valid TOML: {error}") from None
    locales = [SOURCE_LOCALE]
    for number, entry in enumerate(entries, start=1):
        try:
            found = SiteLocale(
                code=str(entry["code"]),
                lang=str(entry["lang"]),
                catalogue=str(entry["catalogue"]),
                direction=str(entry["direction"]),
                endonym=str(entry["name"]),
                aliases=tuple(str(alias).lower() for alias in entry.get("aliases", ())),
                listed=entry.get("listed", False) is True,
            )
        except KeyError as error:
            raise RegistryError(f"{path}: language {number} has no {error.args[0]}") from None
        if found.direction not in DIRECTIONS or found.code != found.code.lower():
            raise RegistryError(f"{path}: language {number} ({found.code}): direction is ltr or rtl, code lower case")
        if any(loc.code == found.code for loc in locales):
            raise RegistryError(f"{path}: language {number} ({found.code}) is listed twice")
        locales.append(found)
    return tuple(locales)


def registry_entry(locale: SiteLocale) -> str:
    """A language as a locales.toml entry (what `flask translate init` appends)."""
    fields = [("code", locale.code), ("lang", locale.lang), ("catalogue", locale.catalogue)]
    fields += [("direction", locale.direction), ("name", locale.endonym)]
    lines = ["[[locale]]", *(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields)]
    if locale.aliases:
        lines.append(f"aliases = {json.dumps(list(locale.aliases), ensure_ascii=False)}")
    lines.append(f"listed = {'true' if locale.listed else 'false'}")
    return "\n".join(lines) + "\n"


# The shipped registry; an app reads the one in its own translations directory (init_app).
LOCALES: tuple[SiteLocale, ...] = read_registry(SHIPPED_REGISTRY)


def init_app(app: Flask) -> None:
    """The app's locales: LOCALES from its configuration, else its translations' locales.toml."""
    if "LOCALES" not in app.config:
        first = Path(str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";")[0])
        registry = (first if first.is_absolute() else Path(app.root_path) / first) / REGISTRY_FILE
        app.config["LOCALES"] = read_registry(registry) if registry.exists() else LOCALES


def registered_locales() -> tuple[SiteLocale, ...]:
    """Every language the site serves at its URLs (English first)."""
    return current_app.config.get("LOCALES", LOCALES)


def listed_locales() -> tuple[SiteLocale, ...]:
    """The languages readers are offered: in the switcher, to browsers, to search engines."""
    return tuple(loc for loc in registered_locales() if loc.listed)


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
    locales = listed_locales()
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
