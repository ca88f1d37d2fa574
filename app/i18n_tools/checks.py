"""The rules of `flask translate check`: each returns problems that name a file and a line."""

from __future__ import annotations

import gettext
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError
from translate.storage import pypo

from app.content import all_articles
from app.content.publication import publication_contexts
from app.content.review import read_reviews, reviews_path, wrong_language_methods
from app.content.translation_state import State, message_states
from app.i18n.locales import SiteLocale
from app.i18n.pofile import previous_context
from app.i18n_tools.catalogues import PROJECT_ROOT, describe, load, message_key, source_texts, translated_texts
from app.i18n_tools.glossary import COLUMNS, Glossary, glossary_path, read_terms, urgency_path
from app.i18n_tools.meaning import meaning_findings, notes_findings
from app.i18n_tools.patterns import BRACES, PRINTF, TAG
from app.i18n_tools.plurals import check_formula
from app.i18n_tools.syntax import syntax_errors

REFRESH = "run flask translate extract, then flask translate update"
NOT_PUBLISHED = "article not published in this language yet"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    text: str
    # A note is worth a translator's attention but does not fail `check`.
    note: bool = False
    # For the summary: the kind of problem (else the text up to its first colon), and the
    # article it concerns, if any.
    kind: str = field(default="", compare=False)
    article: str = field(default="", compare=False)

    @property
    def group(self) -> str:
        return self.kind or self.text.split(":", 1)[0]

    def __str__(self) -> str:
        path = Path(self.path)
        shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        return f"{shown}:{self.line}: {'note: ' if self.note else ''}{self.text}"


def _problem(path: Path, message: Message, text: str) -> Problem:
    """A problem in one message. In an outdated (fuzzy) message it is a note, whatever the rule:
    the site shows that message in English and compile leaves it out, so it must never block
    the English fix that made it outdated."""
    if message.fuzzy:
        return Problem(str(path), message.lineno, f"outdated, shown in English until translated again: {text}", True)
    return Problem(str(path), message.lineno, text)


def _translated(catalog: Catalog) -> Iterator[Message]:
    """Messages that carry a translation (fuzzy ones included: they may ship once confirmed)."""
    for message in catalog:
        if message.id and any(translated_texts(message)):
            yield message


def _syntax_errors(path: Path) -> list[Problem]:
    """Every line GNU gettext (msgfmt, Poedit) would reject or Babel would misread (see syntax.py)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return [Problem(str(path), line, f"compile error: not UTF-8: {error.reason}")]
    return [Problem(str(path), line, f"compile error: not valid PO: {detail}") for line, detail in syntax_errors(text)]


def _strings(texts: Iterable[str]) -> list[str]:
    strings = list(texts)
    while strings and not strings[-1]:
        strings.pop()
    return strings


def check_readers_agree(catalog: Catalog, path: Path) -> list[Problem]:
    """translate-toolkit, which Weblate reads catalogues with, sees the same messages, translations,
    fuzzy flags and previous English (`#|`) as the site's own reader."""
    store = pypo.pofile(path.read_bytes())
    ours = {message_key(message): message for message in catalog if message.id}
    problems = []
    theirs = set()
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        source = unit.source.strings if unit.hasplural() else [unit.source]
        key = (source[0], unit.getcontext() or None)
        theirs.add(key)
        message = ours.get(key)
        if message is None:
            detail = f'"{source[0][:57]}" [{key[1]}]' if key[1] else f'"{source[0][:57]}"'
            problems.append(Problem(str(path), 1, f"readers disagree: translate-toolkit (Weblate) reads {detail}"))
            continue
        target = unit.target.strings if unit.hasplural() else [unit.target]
        differences = []
        if source != source_texts(message):
            differences.append("English")
        if _strings(target) != _strings(translated_texts(message)):
            differences.append("translation")
        if unit.isfuzzy() != message.fuzzy:
            differences.append("fuzzy flag")
        if message.fuzzy and message.previous_id:
            previous = unit.prev_source.strings if unit.prev_msgid_plural else [unit.prev_source]
            if previous != list(message.previous_id) or (unit.prev_context or None) != previous_context(message):
                differences.append("previous English (#|)")
        if differences:
            problems.append(
                Problem(
                    str(path),
                    message.lineno,
                    f"readers disagree: translate-toolkit (Weblate) reads another {', '.join(differences)} "
                    f"in {describe(message)}",
                )
            )
    for key, message in ours.items():
        if key not in theirs:
            problems.append(
                Problem(
                    str(path),
                    message.lineno,
                    f"readers disagree: translate-toolkit (Weblate) misses {describe(message)}",
                )
            )
    return problems


def check_newlines(catalog: Catalog, path: Path) -> list[Problem]:
    """As `msgfmt -c`: a translation starts and ends with a newline exactly when its English does."""
    problems = []
    for message in _translated(catalog):
        english = source_texts(message)
        for text in translated_texts(message):
            if not text:
                continue
            for where, test in (("begin", str.startswith), ("end", str.endswith)):
                if test(text, "\n") != test(english[0], "\n"):
                    problems.append(
                        _problem(
                            path,
                            message,
                            f"compile error: the English and the translation do not both {where} with a "
                            f"newline in {describe(message)}",
                        )
                    )
    return sorted(set(problems))


def _header_line(path: Path, field: str) -> int:
    """The line of a header field, so that a problem with it points there."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return next((number for number, line in enumerate(handle, start=1) if line.startswith(f'"{field}:')), 1)


def check_compiles(path: Path) -> tuple[Catalog | None, list[Problem]]:
    """The catalogue parses strictly, has valid headers and compiles to a loadable .mo file."""
    if syntax := _syntax_errors(path):
        return None, syntax
    try:
        catalog = load(path, strict=True)
    except PoFileError as error:  # Babel counts lines from 0
        return None, [Problem(str(path), error.lineno + 1, f"compile error: {error}")]
    except UnicodeDecodeError as error:
        return None, [Problem(str(path), 1, f"compile error: not UTF-8: {error}")]
    problems = []
    if catalog.locale is None:
        problems.append(Problem(str(path), 1, "compile error: the header has no valid Language"))
    if catalog.fuzzy:
        problems.append(Problem(str(path), 1, "the header is marked fuzzy, so compile skips this catalogue"))
    for message, errors in catalog.check():
        for error in errors:
            problems.append(_problem(path, message, f"compile error: {error}"))
    problems += check_newlines(catalog, path) + check_readers_agree(catalog, path)
    mo = io.BytesIO()
    try:
        write_mo(mo, catalog)
        mo.seek(0)
        gettext.GNUTranslations(mo)
    except (ValueError, SyntaxError, OSError) as error:
        problems.append(Problem(str(path), 1, f"compile error: {error}"))
    return catalog, problems


def check_complete(catalog: Catalog, path: Path) -> list[Problem]:
    """A shipped locale has no untranslated and no fuzzy UI message (article blocks: check_blocks)."""
    problems = []
    article_contexts = {message.context for article in all_articles() for message in article.messages()}
    for message in catalog:
        if not message.id or message.context in article_contexts:
            continue
        if not any(translated_texts(message)):
            problems.append(Problem(str(path), message.lineno, f"untranslated: {describe(message)}"))
        elif message.fuzzy:
            problems.append(
                Problem(str(path), message.lineno, f"fuzzy (check it, then remove the flag): {describe(message)}")
            )
    return problems


def placeholders(text: str, *, printf: bool) -> Counter[str]:
    found: Counter[str] = Counter(f"{{{name}}}" for name in BRACES.findall(text))
    if printf:
        found.update(match.group(0) for match in PRINTF.finditer(text) if match.group(0) != "%%")
    return found


def check_blocks(catalog: Catalog, path: Path, template: Catalog) -> list[Problem]:
    """Article messages not translated from the current English, as notes: the page shows them in
    English, and an article whose title, summary or required blocks wait is not published in this
    language until they are translated (its URL leads to the English): never a failure, because
    the English publishes on its own (docs/architecture.md, "Languages").

    The current English is the template's: it is what the catalogue is made from.
    """
    articles = all_articles()
    contexts = {message.context for article in articles for message in article.messages()}
    english = {message.context: message_key(message)[0] for message in template if message.context in contexts}
    lines = {message.context: message.lineno for message in catalog if message.id and message.context}
    states = message_states(catalog, english)
    problems = []
    for article in articles:
        # Only what the template holds: a catalogue is made from the template, not from the files.
        waiting = sorted(
            context
            for context in publication_contexts(article) & english.keys()
            if states.get(context, State.MISSING) is not State.TRANSLATED
        )
        if waiting:
            detail = (
                f"{article.slug}: not published in this language yet (its URL shows the English) until "
                f"{len(waiting)} message(s) are translated from the current English: the title, the summary "
                "and every required block"
            )
            problems.append(
                Problem(
                    str(path), lines.get(waiting[0], 1), detail, note=True, kind=NOT_PUBLISHED, article=article.slug
                )
            )
    required = frozenset().union(*(article.required_contexts() for article in articles), frozenset())
    for context, state in states.items():
        if state is State.TRANSLATED:
            continue
        text = english[context]
        short = text if len(text) <= 60 else text[:57] + "..."
        what = "its English changed since it was translated" if state is State.OUTDATED else "it has no translation"
        kind = "required block" if context in required else "block"
        detail = f'{kind} {state.value}, shown in English: "{short}" [{context}]: {what}'
        group = f"{kind} {state.value}, shown in English"
        slug = context.split("|", 1)[0]
        problems.append(Problem(str(path), lines.get(context, 1), detail, note=True, kind=group, article=slug))
    return problems


def check_language_files(translations: Path, site_locale: SiteLocale) -> list[Problem]:
    """A registered language has its glossary and urgency list (`flask translate init` starts
    both), and they approve a translation for every term the other languages' lists have:
    otherwise the glossary and urgency rules would pass it silently. For a language not yet
    listed, the terms still to approve are a note."""
    glossary = glossary_path(translations, site_locale.catalogue)
    problems = []
    for path in (glossary, urgency_path(glossary)):
        if not path.exists():
            text = f"missing: a registered language needs this file, with the header {','.join(COLUMNS)}"
            problems.append(Problem(str(path), 0, text))
            continue
        own = {term.source.casefold() for term in read_terms(path).terms}
        others = {
            term.source.casefold(): term.source
            for other in sorted(path.parent.glob("*.csv"))
            if other != path
            for term in read_terms(other).terms
        }
        wanted = sorted(spelled for key, spelled in others.items() if key not in own)
        if wanted:
            text = f"no approved translation yet for {', '.join(wanted)} (the other languages' lists have them)"
            problems.append(Problem(str(path), 1, text, note=not site_locale.listed))
    return problems


# The kind of the note saying where a language not yet listed stands (printed in full by the summary).
LISTING = "listing"


def check_listing(path: Path, site_locale: SiteLocale) -> list[Problem]:
    """A language not yet listed: how much of its interface waits, as a note (never a failure)."""
    if site_locale.listed:
        return []
    catalog = load(path)
    waiting = len(check_complete(catalog, path))
    if waiting:
        detail = (
            f"{site_locale.code} is not listed yet (translations/locales.toml): {waiting} interface message(s) "
            "to translate; its pages show them in English"
        )
    else:
        detail = f"{site_locale.code}: the interface is translated: set listed = true in translations/locales.toml"
    return [Problem(str(path), 1, detail, note=True, kind=LISTING)]


def check_placeholders(catalog: Catalog, path: Path) -> list[Problem]:
    """Every placeholder of the English is kept, none added or renamed.

    In a plural message every form but the last may leave a placeholder out (Arabic's
    "one" and "two" forms often spell the number); none may add or rename one.
    """
    problems = []
    for message in _translated(catalog):
        printf = message.python_format
        source = Counter[str]()
        for text in source_texts(message):
            source |= placeholders(text, printf=printf)
        strings = translated_texts(message)
        for index, text in enumerate(strings):
            if not text:
                continue
            found = placeholders(text, printf=printf)
            added = sorted(set(found) - set(source))
            missing = sorted(set(source) - set(found))
            last = index == len(strings) - 1
            if added or (missing and (last or not message.pluralizable)):
                form = f" (form {index})" if message.pluralizable else ""
                detail = ", ".join(
                    part
                    for part in (
                        f"missing {' '.join(missing)}" if missing else "",
                        f"unknown {' '.join(added)}" if added else "",
                    )
                    if part
                )
                problems.append(_problem(path, message, f"placeholders differ{form}: {detail} in {describe(message)}"))
    return problems


def tags(text: str) -> Counter[str]:
    return Counter(" ".join(tag.split()) for tag in TAG.findall(text))


def check_markup(catalog: Catalog, path: Path) -> list[Problem]:
    """Inline markup (emphasis, links) is kept exactly as in the English."""
    problems = []
    for message in _translated(catalog):
        source = tags(source_texts(message)[-1])
        for text in translated_texts(message):
            if text and tags(text) != source:
                expected = " ".join(sorted(source.elements())) or "no tags"
                problems.append(
                    _problem(
                        path, message, f"markup differs from the English (expected {expected}): {describe(message)}"
                    )
                )
                break
    return problems


def check_plural_header(catalog: Catalog, path: Path) -> list[Problem]:
    """Plural-Forms sends every count the site shows to the form CLDR's rules name."""
    if catalog.locale is None:
        return []
    report = check_formula(str(catalog.locale), catalog.plural_forms)
    line = _header_line(path, "Plural-Forms")
    return [Problem(str(path), line, text) for text in report.errors] + [
        Problem(str(path), line, text, note=True) for text in report.notes
    ]


def check_plural_messages(catalog: Catalog, path: Path) -> list[Problem]:
    """Every plural message fills every form that Plural-Forms declares."""
    problems = []
    expected = catalog.num_plurals
    for message in _translated(catalog):
        if message.pluralizable:
            strings = translated_texts(message)
            padded = strings + [""] * (expected - len(strings))
            empty = [str(index) for index, text in enumerate(padded) if not text]
            if empty:
                problems.append(
                    _problem(
                        path,
                        message,
                        f"plural forms missing: form {', '.join(empty)} of {expected} is empty in " + describe(message),
                    )
                )
    return problems


def check_up_to_date(catalog: Catalog, path: Path, template: Catalog) -> list[Problem]:
    """The catalogue holds exactly the messages of the source: nothing missing, nothing stale."""
    problems = []
    have = {message_key(message): message for message in catalog if message.id}
    want = {message_key(message): message for message in template if message.id}
    for key, message in want.items():
        if key not in have:
            filename, lineno = message.locations[0] if message.locations else ("?", 0)
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"out of date: {describe(message)} from {filename}:{lineno} is not in the catalogue ({REFRESH})",
                )
            )
    for key, message in have.items():
        if key not in want:
            problems.append(
                Problem(
                    str(path),
                    message.lineno,
                    f"out of date: {describe(message)} is no longer in the source ({REFRESH})",
                )
            )
    return problems


def check_reviews(translations: Path, catalogue: str) -> list[Problem]:
    """The medical review record names real articles, in the documented format."""
    path = reviews_path(translations, catalogue)
    record = read_reviews(path)
    problems = [Problem(str(path), line, text) for line, text in record.errors]
    problems += [Problem(str(path), line, text) for line, text in wrong_language_methods(record, catalogue)]
    slugs = {article.slug for article in all_articles()}
    problems += [
        Problem(str(path), review.line, f"no article {review.slug!r}")
        for review in record.reviews
        if review.slug not in slugs
    ]
    return problems


def check_meaning(catalog: Catalog, path: Path, glossary: Glossary | None = None) -> list[Problem]:
    """Numbers, links, glossary terms and (in required blocks) urgency words of the English survive
    translation (see meaning.py)."""
    required = frozenset().union(*(article.required_contexts() for article in all_articles()))
    problems = [
        Problem(
            str(path),
            finding.line,
            f"outdated, shown in English until translated again: {finding.rule}: {finding.text}",
            True,
        )
        if finding.outdated
        else Problem(str(path), finding.line, f"{finding.rule}: {finding.text}")
        for finding in meaning_findings(catalog, glossary, required)
    ]
    for terms in (glossary, glossary.urgency if glossary else None):
        if terms is not None and terms.path is not None:
            problems += [Problem(str(terms.path), line, text) for line, text in terms.errors]
    return problems


def check_placeholder_notes(template: Catalog, root: Path = PROJECT_ROOT) -> list[Problem]:
    """Every python-format message of the source explains its placeholders to translators.

    This reads the template extracted from the code, not a catalogue: the note is written in
    the code, and a catalogue only gets it at the next extract and update.
    """
    return [Problem(str(root / filename), line, text) for filename, line, text in notes_findings(template)]


def check_catalogue(path: Path, template: Catalog, *, shipped: bool, glossary: Glossary | None = None) -> list[Problem]:
    """Every rule for one catalogue; completeness only for locales the site serves."""
    catalog, problems = check_compiles(path)
    if catalog is None:
        return problems
    rules: Iterable = (check_placeholders, check_markup, check_plural_header, check_plural_messages)
    for rule in rules:
        problems += rule(catalog, path)
    problems += check_meaning(catalog, path, glossary)
    if shipped:
        problems += check_complete(catalog, path) + check_blocks(catalog, path, template)
    problems += check_up_to_date(catalog, path, template)
    return sorted(set(problems), key=lambda problem: (problem.path, problem.line, problem.text))
