"""Checks that a translation keeps the medical meaning: numbers, links, glossary terms, the
urgency and time words of required blocks (warnings), notes.

A reviewer who decides that a message is right as it is silences one rule for it with a
translator comment that gives the reason, e.g. `# check-ignore: numbers -- "twice" is clearer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from babel.messages.catalog import Catalog, Message

from app.i18n_tools.catalogues import describe, source_texts, translated_texts
from app.i18n_tools.glossary import Glossary, Term
from app.i18n_tools.patterns import BRACES, PRINTF, TAG
from app.numerals import digits_to_latin, number_separators

IGNORE = re.compile(r"^check-ignore:\s*(?P<rules>[\w\s,-]+?)\s*(?:--\s*(?P<reason>.*\S))?\s*$")
RULES = ("numbers", "urls", "glossary", "urgency")
FLAG_PREFIX = "ignore-"

URL = re.compile(r"https?://[^\s<>\"'()]+[^\s<>\"'().,;:!?]")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digits, decimal separators and thousands groups (a space groups only a run of exactly three
# digits, so "5 6" in a list stays two numbers); a language adds its own symbols (CLDR, numerals.py).
SEPARATORS = frozenset(".,")
NUMBER = r"\d+(?:(?:[{separators}]|[ \u00a0\u202f](?=\d{{3}}(?!\d)))\d+)*"
# Reserved for examples (RFC 2606): an address there reaches nobody, in any language.
EXAMPLE_DOMAINS = {"example.com", "example.org", "example.net"}
DIGIT_RUNS = re.compile(r"\d+")
# Chinese text writes digits full width (８, a width variant of 8, not a numbering system of its
# own); the digits of every numbering system a language uses come from CLDR (numerals.py).
FULL_WIDTH = {"zh": "０１２３４５６７８９"}
# A plural message's forms may write these as words ("one comment", "تعليقان").
SPELLABLE = {"1", "2"}


@dataclass(frozen=True)
class Finding:
    line: int
    rule: str
    text: str
    # In an outdated (fuzzy) message, which the site shows in English: reported, never failed.
    outdated: bool = False


def ignored_rules(message: Message) -> tuple[set[str], list[str]]:
    """The rules a reviewer switched off for this message, and what is wrong with the switches:
    a translator comment `check-ignore: RULE -- reason`, or a gettext flag `ignore-RULE`, the
    form Weblate uses for its own checks (other `ignore-` flags are Weblate's, not ours)."""
    rules = {flag.removeprefix(FLAG_PREFIX) for flag in message.flags if flag.startswith(FLAG_PREFIX)} & set(RULES)
    errors = []
    for comment in message.user_comments:
        match = IGNORE.match(comment.strip())
        if match is None:
            continue
        named = {rule.strip() for rule in match["rules"].split(",") if rule.strip()}
        unknown = sorted(named - set(RULES))
        if unknown:
            errors.append(f"check-ignore names unknown rule(s) {', '.join(unknown)}; known: {', '.join(RULES)}")
        if not match["reason"]:
            errors.append("check-ignore needs a reason after ' -- ', e.g. '# check-ignore: numbers -- why'")
            continue
        rules |= named
    return rules, errors


def _without_code(text: str) -> str:
    for pattern in (URL, EMAIL, TAG, PRINTF, BRACES):
        text = pattern.sub(" ", text)
    return text


def readings(written: str) -> frozenset[str]:
    """What a written number can mean, as plain digits with "." for a decimal point.

    "5,000" may be five thousand (English, "5 000" in French, "5000") or five point zero
    (French); "8,5" and "8.5" are eight and a half. A number is kept when one of its readings
    in the English is one of its readings in the translation.
    """
    runs = DIGIT_RUNS.findall(written)
    found = {".".join(["".join(runs[:-1]), runs[-1]]) if len(runs) > 1 else runs[0]}
    if all(len(run) == 3 for run in runs[1:]):
        found.add("".join(runs))
    return frozenset(found)


@cache
def _number_pattern(language: str | None) -> re.Pattern[str]:
    separators = "".join(sorted(SEPARATORS | number_separators(language)))
    return re.compile(NUMBER.format(separators=re.escape(separators)))


def numbers(text: str, language: str | None = None) -> dict[str, frozenset[str]]:
    """Every number in running text (links, markup and placeholders aside): as written, with
    what it can mean. Digits of every numbering system the language uses (CLDR: Persian ۵,
    Arabic ٥) and Chinese full-width digits (５) count as 0–9; other digits do not."""
    text = text.translate(digits_to_latin(language))
    wide = FULL_WIDTH.get((language or "").replace("-", "_").split("_")[0])
    if wide:
        text = text.translate(str.maketrans(wide, "0123456789"))
    return {match: readings(match) for match in _number_pattern(language).findall(_without_code(text))}


def _missing_numbers(english: dict[str, frozenset[str]], translation: dict[str, frozenset[str]]) -> list[str]:
    meant = set().union(*translation.values())
    return sorted(written for written, means in english.items() if not means & meant)


def _link_kept(link: str, translation: str) -> bool:
    """A link or address is kept exactly, except an example address (at a domain reserved for
    examples), whose name a translator should put in the reader's language: "nombre@example.com"."""
    if link in translation:
        return True
    domain = link.rpartition("@")[2].casefold()
    if EMAIL.fullmatch(link) and domain in EXAMPLE_DOMAINS:  # an address, not a link that ends in one
        return any(found.casefold().endswith("@" + domain) for found in EMAIL.findall(translation))
    return False


def _translated(catalog: Catalog) -> Iterator[Message]:
    for message in catalog:
        if message.id and any(translated_texts(message)):
            yield message


def meaning_findings(
    catalog: Catalog, glossary: Glossary | None = None, required: frozenset[str] = frozenset()
) -> list[Finding]:
    """Numbers, URLs and email addresses kept; glossary terms translated as approved; in the
    required blocks (contexts), the urgency and time words translated as approved."""
    language = str(catalog.locale) if catalog.locale else None
    findings = []
    # Many messages carry the same English and translation (a warning repeated in every article):
    # the numbers of a text, and the terms they leave out, are looked up once.
    numbers_in = cache(numbers)
    not_kept: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[tuple[Term, str]]] = {}

    def terms_not_kept(kind: str, terms: Glossary, sources: list[str], strings: list[str]) -> list[tuple[Term, str]]:
        key = (kind, tuple(sources), tuple(strings))
        if key not in not_kept:
            not_kept[key] = list(_terms_not_kept(terms, sources, strings))
        return not_kept[key]

    for message in _translated(catalog):
        first = len(findings)
        skip, errors = ignored_rules(message)
        findings += [Finding(message.lineno, "check-ignore", error) for error in errors]
        sources = source_texts(message)
        strings = translated_texts(message)
        if "numbers" not in skip:
            wanted = {written: means for text in sources for written, means in numbers_in(text).items()}
            if message.pluralizable:
                wanted = {written: means for written, means in wanted.items() if not means & SPELLABLE}
            for index, text in enumerate(strings):
                if not text:
                    continue
                missing = _missing_numbers(wanted, numbers_in(text, language))
                if missing:
                    form = f" (form {index})" if message.pluralizable else ""
                    shown = ", ".join(missing)
                    findings.append(
                        Finding(
                            message.lineno, "numbers", f"{shown} of the English missing{form} in {describe(message)}"
                        )
                    )
        if "urls" not in skip:
            wanted_links = {link for text in sources for pattern in (URL, EMAIL) for link in pattern.findall(text)}
            for text in filter(None, strings):
                missing_links = sorted(link for link in wanted_links if not _link_kept(link, text))
                if missing_links:
                    findings.append(
                        Finding(
                            message.lineno,
                            "urls",
                            f"{', '.join(missing_links)} must appear unchanged in {describe(message)}",
                        )
                    )
                    break
        if glossary is not None and "glossary" not in skip:
            findings += [
                Finding(
                    message.lineno,
                    "glossary",
                    f'"{term.source}" should be translated {approved} in {describe(message)}',
                )
                for term, approved in terms_not_kept("glossary", glossary, sources, strings)
            ]
        urgency = glossary.urgency if glossary is not None else None
        if urgency is not None and message.context in required and "urgency" not in skip:
            # A warning keeps what makes it urgent: "now" stays "ahora", never "pronto".
            findings += [
                Finding(
                    message.lineno,
                    "urgency",
                    f'this warning says "{term.source}": write {approved}, so that the advice stays as urgent '
                    f"and its time limit unchanged, in {describe(message)}",
                )
                for term, approved in terms_not_kept("urgency", urgency, sources, strings)
            ]
        if message.fuzzy:
            findings[first:] = [replace(finding, outdated=True) for finding in findings[first:]]
    return findings


def _terms_not_kept(terms: Glossary, sources: list[str], strings: list[str]) -> Iterator[tuple[Term, str]]:
    """Each term the English uses that a translated form leaves out, with its approved translations."""
    plain = [_without_code(text) for text in sources]  # once per message, not once per term
    for term in terms.terms:
        if not any(term.used_in(text) for text in plain):
            continue
        if not all(term.kept_in(text) for text in strings if text):
            yield term, " or ".join(f'"{target}"' for target in term.targets)


def placeholder_names(text: str) -> list[str]:
    return [match.group(0) for match in PRINTF.finditer(text) if match.group(0) != "%%"]


def notes_findings(template: Catalog) -> list[tuple[str, int, str]]:
    """(source file, line, text) for each python-format message whose translator note does not
    name every placeholder exactly as written (the note is where a translator learns what
    `%(id)d` will hold)."""
    findings = []
    for message in template:
        if not message.id or not message.python_format:
            continue
        note = " ".join(message.auto_comments)
        wanted = dict.fromkeys(name for text in source_texts(message) for name in placeholder_names(text))
        unnamed = [name for name in wanted if name not in note]
        if unnamed:
            filename, line = message.locations[0] if message.locations else ("?", 0)
            what = "has no translator note" if not note else "has a translator note that does not name"
            findings.append(
                (
                    filename,
                    line,
                    f"placeholder note: {describe(message)} {what} {' '.join(unnamed)}"
                    " (add a '# Translators:' comment saying what each placeholder holds)",
                )
            )
    return findings
