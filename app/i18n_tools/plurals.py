"""Whether a Plural-Forms formula sends every count to the form that CLDR's plural rules expect."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale
from babel.messages.plurals import get_plural
from babel.plural import PluralRule, to_gettext

# The largest number the site ever puts into a plural message: comments on one article or in the
# moderation queue (pre-moderated, at most 20 a day from one address) and character limits (5,000
# for a comment). 100,000 leaves a wide margin.
# Counts above it cannot be displayed, so a formula that differs from CLDR only there (CLDR's
# "many" for exact millions in Spanish and French) is worth a note, never a failure.
LARGEST_SITE_COUNT = 100_000

# gettext numbers the forms; CLDR names them. A catalogue's forms follow this order.
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")

# Every count up to 10,000 (where the irregular cases of every language lie), then the
# neighbourhoods of round numbers up to ten million (where rules on n mod 100, 1,000 or
# 1,000,000 change again), 1,000,000 and 1,000,001 among them.
SAMPLE: tuple[int, ...] = tuple(
    sorted(
        set(range(10_001)).union(
            base + offset
            for base in (20_000, 50_000, 100_000, 200_000, 1_000_000, 2_000_000, 10_000_000)
            for offset in range(-2, 103)
        )
    )
)
SHOWN_RANGES = 5
# Stands for any form number a formula gives that the catalogue does not have.
NO_SUCH_FORM = -1
PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class FormulaReport:
    """What is wrong with a formula (errors fail `check`) and what is merely worth knowing (notes)."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_formula(plural_forms: str) -> tuple[int, Callable[[int], int]]:
    """The form count and the formula as a function; ValueError if it is not a gettext formula.

    gettext.c2py tokenises and parses the C expression itself and accepts only `n`, numbers
    and C operators, so catalogue text is never evaluated as Python.
    """
    match = PLURAL_FORMS.match(plural_forms)
    if match is None:
        raise ValueError(f"not of the form 'nplurals=N; plural=EXPRESSION;': {plural_forms!r}")
    count = int(match.group(1))
    if count < 1:
        raise ValueError(f"nplurals must be at least 1, not {count}")
    return count, gettext.c2py(match.group(2))


@lru_cache
def cldr_rule(locale: str) -> PluralRule:
    return Locale.parse(locale).plural_form


def _in_cldr_order(categories: Iterable[str]) -> tuple[str, ...]:
    found = set(categories)
    return tuple(category for category in CLDR_ORDER if category in found)


@lru_cache
def form_layouts(locale: str) -> dict[int, tuple[str, ...]]:
    """The categories a catalogue's forms stand for, in order, by the number of forms it declares.

    Either the categories that some count up to LARGEST_SITE_COUNT falls into (so Spanish and
    French need no form for exact millions) or every category CLDR has for the language.
    """
    on_site = _in_cldr_order(
        category for n, category in zip(SAMPLE, sample_categories(locale), strict=True) if n <= LARGEST_SITE_COUNT
    )
    everything = _in_cldr_order([*cldr_rule(locale).tags, "other"])
    return {len(everything): everything, len(on_site): on_site}


def _ranges(numbers: list[int]) -> str:
    """11, 12, …, 99, 111, … as "11–99, 111–199, …", the first few runs only."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    shown = [f"{first:,}" if first == last else f"{first:,}–{last:,}" for first, last in runs[:SHOWN_RANGES]]
    return ", ".join(shown) + (", …" if len(runs) > SHOWN_RANGES else "")


def _form_name(index: int, layout: tuple[str, ...]) -> str:
    if index == NO_SUCH_FORM:
        return f"a form that does not exist (nplurals={len(layout)})"
    return f'form {index} ("{layout[index]}")'


@lru_cache
def sample_categories(locale: str) -> tuple[str, ...]:
    """CLDR's category for each count of SAMPLE, in order (computed once per locale: Babel's rule
    evaluation is the costly part of a check)."""
    rule = cldr_rule(locale)
    return tuple(rule(n) for n in SAMPLE)


def _misplaced(formula: Callable[[int], int], categories: tuple[str, ...], layout: tuple[str, ...]) -> dict:
    """(form the formula gives, CLDR category) -> the sampled counts where those disagree."""
    found: dict[tuple[int, str], list[int]] = {}
    for n, category in zip(SAMPLE, categories, strict=True):
        given = formula(n)
        if not 0 <= given < len(layout):
            given = NO_SUCH_FORM
        expected = layout.index(category) if category in layout else None
        if given != expected:
            found.setdefault((given, category), []).append(n)
    return found


def _describe_misplaced(given: int, category: str, numbers: list[int], layout: tuple[str, ...]) -> str:
    if category in layout:
        wanted = _form_name(layout.index(category), layout)
    else:
        wanted = f'"{category}", which this {len(layout)}-form catalogue has no form for'
    return f"Plural-Forms gives {_form_name(given, layout)} for n = {_ranges(numbers)}; CLDR's rules give {wanted}"


def _compare(locale: str, plural_forms: str) -> FormulaReport:
    """Errors and notes for a formula, before saying which formula is expected."""
    report = FormulaReport()
    try:
        count, formula = parse_formula(plural_forms)
    except (ValueError, SyntaxError, RecursionError) as error:
        report.errors.append(f"Plural-Forms is not a valid gettext formula ({error})")
        return report
    layouts = form_layouts(locale)
    if count not in layouts:
        options = " or ".join(f"{len(layout)} ({', '.join(layout)})" for layout in sorted(layouts.values(), key=len))
        report.errors.append(f"Plural-Forms declares {count} forms; {locale} needs {options}")
        return report
    layout = layouts[count]
    try:
        misplaced = _misplaced(formula, sample_categories(locale), layout)
    except ArithmeticError as error:  # "n % 0" passes the parser and fails only when run
        report.errors.append(f"Plural-Forms fails when computed: {error}")
        return report
    for (given, category), numbers in sorted(misplaced.items()):
        on_site = [n for n in numbers if n <= LARGEST_SITE_COUNT]
        if on_site:
            report.errors.append(_describe_misplaced(given, category, on_site, layout))
        else:
            report.notes.append(
                f"{_describe_misplaced(given, category, numbers, layout)}; the site never shows a count "
                f"above {LARGEST_SITE_COUNT:,}, so this is fine"
            )
    return report


def check_formula(locale: str, plural_forms: str) -> FormulaReport:
    """Compare the formula with CLDR's categories for every sampled count.

    A difference at a count the site can show is an error, which also names a formula that
    would be right; one only above LARGEST_SITE_COUNT is a note.
    """
    report = _compare(locale, plural_forms)
    try:
        count = parse_formula(plural_forms)[0]
    except (ValueError, SyntaxError, RecursionError):
        count = 0
    accepted = accepted_formulas(locale)
    expects = f"expected: {accepted.get(count) or formula_for(locale)}"
    return FormulaReport([f"{error}; {expects}" for error in report.errors], report.notes)


@lru_cache
def accepted_formulas(locale: str) -> dict[int, str]:
    """By number of forms, a formula that agrees with CLDR on every count the site shows.

    Babel's gettext formula comes first: it is the one translators' tools know. The others are
    generated from CLDR's rules, for all of its categories or for those the site can show.
    """
    rule = cldr_rule(locale)
    on_site = form_layouts(locale)[min(form_layouts(locale))]
    candidates = (
        get_plural(locale).plural_forms,
        to_gettext(rule),
        to_gettext(PluralRule({category: rule.rules[category] for category in on_site if category != "other"})),
    )
    accepted: dict[int, str] = {}
    for candidate in candidates:
        if not _compare(locale, candidate).errors:
            accepted.setdefault(parse_formula(candidate)[0], candidate)
    return accepted


def formula_for(locale: str) -> str:
    """The Plural-Forms a new catalogue gets: Babel's gettext formula if it agrees with CLDR on
    every count the site shows, else one generated from CLDR's rules (Babel 2.18 gives Hebrew
    two forms where CLDR has three, for instance)."""
    accepted = accepted_formulas(locale)
    babel_formula = get_plural(locale).plural_forms
    if babel_formula in accepted.values():
        return babel_formula
    return accepted.get(max(form_layouts(locale)), babel_formula)
