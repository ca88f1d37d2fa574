"""Where catalogues live, and extracting, merging and creating them with Babel's Python API."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.i18n import pofile
from app.i18n.locales import SiteLocale
from app.i18n_tools.plurals import formula_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
BABEL_CFG = PROJECT_ROOT / "babel.cfg"
PROJECT_NAME = "Child Health Guide"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
# Babel puts the language's name in place of "Translations template" and the year for YEAR.
HEADER_COMMENT = f"""\
# Translations template for {PROJECT_NAME}.
# Copyright (C) YEAR {PROJECT_NAME}
# This file is distributed under the same license as the {PROJECT_NAME} project.
#"""
TEMPLATE_NOTE = "# Written by `flask translate extract` from the code, templates and articles: do not edit it."


def load(path: Path, *, strict: bool = False) -> Catalog:
    """A catalogue with the previous English of its fuzzy messages (see app/i18n/pofile.py)."""
    return pofile.load(path, strict=strict)


def save(catalog: Catalog, path: Path, *, sort_by_file: bool = False) -> None:
    """Write it as GNU gettext (msgmerge) and Weblate write PO files (see app/i18n/pofile.py)."""
    pofile.write(catalog, path, sort_by_file=sort_by_file)


def message_key(message: Message) -> tuple[str, str | None]:
    """A message's identity: its msgid (the singular one for plurals) and msgctxt."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def source_texts(message: Message) -> list[str]:
    """The English of a message: its msgid, or its singular and plural."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def translated_texts(message: Message) -> list[str]:
    """Its translation: the msgstr, or every plural form."""
    return [message.string] if isinstance(message.string, str) else list(message.string)


def describe(message: Message) -> str:
    """How a message is named in a problem report: its English (shortened) and its context."""
    msgid = message_key(message)[0]
    short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    where = f" [{message.context}]" if message.context else ""
    return f'"{short}"{where}'


def extract_template(root: Path = PROJECT_ROOT) -> Catalog:
    """Every translatable message in the code, templates and articles, as babel.cfg maps them."""
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(
        project=PROJECT_NAME,
        copyright_holder=PROJECT_NAME,
        charset="utf-8",
        header_comment=HEADER_COMMENT.removesuffix("#") + TEMPLATE_NOTE + "\n#",
    )
    found = extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    babel_header = dict(catalog.mime_headers)
    pofile.set_header(
        catalog,
        [
            ("Project-Id-Version", PROJECT_NAME),
            # No address receives reports about the English yet: TRANSLATING.md says to open an issue.
            ("Report-Msgid-Bugs-To", ""),
            ("POT-Creation-Date", babel_header["POT-Creation-Date"]),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Generated-By", babel_header["Generated-By"]),
        ],
    )
    return catalog


def merge_template(catalog: Catalog, template: Catalog) -> None:
    """Bring a catalogue up to date with the template, keeping every translation.

    Unchanged messages keep their translation. A message whose English changed gets the
    old translation marked fuzzy, with the old English as `#| msgctxt` / `#| msgid` for the
    translator (Poedit and Weblate show the difference): article blocks are matched by their
    msgctxt, UI strings by similarity to a string that disappeared. New messages start empty:
    Babel's own fuzzy matching would also guess translations for new strings from unrelated
    existing ones. As in msgmerge, a message that stays fuzzy keeps its previous English (the
    English its translation was made from, even after a second change), and one a translator
    confirmed has none.
    """
    earlier = {message_key(message): _previous(message) for message in catalog if message.id and message.fuzzy}
    catalog.update(_messages_copy(template), no_fuzzy_matching=True, update_header_comment=False)
    catalog.msgid_bugs_address = template.msgid_bugs_address  # as msgmerge does, with POT-Creation-Date
    gone = dict(catalog.obsolete)
    for message in catalog:
        if not message.id:
            continue
        if _has_translation(message):
            previous = earlier.get(message_key(message)) if message.fuzzy else None
            pofile.set_previous(message, *(previous or (None, None)))
            continue
        pofile.set_previous(message, None, None)
        key = _changed_source(message, gone)
        if key is None:
            continue
        old = gone.pop(key)
        del catalog.obsolete[key]
        message.string = old.string
        message.flags.add("fuzzy")
        pofile.set_previous(message, *(_previous(old) if old.fuzzy and old.previous_id else _english(old)))


def _messages_copy(template: Catalog) -> Catalog:
    """What Catalog.update reads of the template (its messages and creation date), with copies
    of its messages. Babel puts the template's own Message objects into the catalogue for new
    messages, and merge_template gives them a translation: without a copy, one language's
    translation would leak through the shared template into the next catalogue merged with it.
    Message.clone is the copy Babel makes of the messages it merges (a deep copy of the whole
    catalogue costs seconds at hundreds of articles)."""
    copied = Catalog(fuzzy=False)
    copied.creation_date = template.creation_date
    for message in template:
        if message.id:
            copied[message.id] = message.clone()
    return copied


def _english(message: Message) -> tuple[list[str], str | None]:
    return source_texts(message), message.context


def _previous(message: Message) -> tuple[list[str], str | None] | None:
    if not message.previous_id:
        return None
    return list(message.previous_id), pofile.previous_context(message)


def _has_translation(message: Message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return any(strings)


def _changed_source(message: Message, gone: dict) -> object | None:
    candidates = {
        key: old
        for key, old in gone.items()
        if old.context == message.context and old.pluralizable == message.pluralizable and _has_translation(old)
    }
    if message.context is not None:
        return next(iter(candidates), None)
    by_text = {message_key(old)[0]: key for key, old in candidates.items()}
    close = difflib.get_close_matches(message_key(message)[0], list(by_text), n=1, cutoff=0.6)
    return by_text[close[0]] if close else None


@dataclass(frozen=True)
class NewLocale:
    site_locale: SiteLocale
    babel_locale: Locale


def new_locale(code: str) -> NewLocale:
    """What a URL code such as `pt-br` or `de` means: raises ValueError for unknown languages."""
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError) as error:
        raise ValueError(f"unknown language code {code!r}") from error
    lang = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    name = locale.get_display_name(locale) or lang
    site_locale = SiteLocale(
        code=lang.lower(),
        lang=lang,
        catalogue=str(locale),
        direction="rtl" if locale.character_order == "right-to-left" else "ltr",
        endonym=name[:1].upper() + name[1:],
        listed=False,  # until its interface is translated (TRANSLATING.md, "Adding a language")
    )
    return NewLocale(site_locale, locale)


def init_catalogue(template: Catalog, new: NewLocale) -> Catalog:
    """A fresh catalogue for a new language, with its Language and Plural-Forms headers.

    Plural-Forms is the formula `check` accepts: Babel's own table lags behind its CLDR data
    for some languages in some releases.
    """
    catalog = Catalog(
        locale=new.babel_locale,
        project=PROJECT_NAME,
        copyright_holder=PROJECT_NAME,
        language_team=new.site_locale.endonym,
        msgid_bugs_address=template.msgid_bugs_address or None,
        header_comment=HEADER_COMMENT,
        charset="utf-8",
        fuzzy=False,
        revision_date=dt.datetime.now(dt.UTC),
    )
    catalog.creation_date = template.creation_date
    catalog.mime_headers = [("Plural-Forms", formula_for(str(new.babel_locale)))]
    for message in template:
        if message.id:
            catalog.add(
                message.id,
                ("",) * catalog.num_plurals if message.pluralizable else "",
                locations=message.locations,
                flags=message.flags - {"fuzzy"},
                auto_comments=message.auto_comments,
                user_comments=message.user_comments,
                context=message.context,
            )
    return catalog
