"""The meaning checks of `flask translate check`: each rule has a fixture that fails it and
fixtures that pass, and a reviewer can switch a rule off for one message with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n_tools.catalogues import PROJECT_ROOT, extract_template, load
from app.i18n_tools.checks import check_catalogue, check_placeholder_notes
from app.i18n_tools.glossary import glossary_path, read_glossary
from app.i18n_tools.meaning import numbers

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"
SHIPPED = PROJECT_ROOT / "translations"


@pytest.fixture(scope="module")
def template():
    return load(FIXTURES / "meaning.pot")


def problems_of(name: str, template, catalogue: str = "es") -> list[str]:
    glossary = read_glossary(glossary_path(FIXTURES, catalogue))
    found = check_catalogue(FIXTURES / name, template, shipped=True, glossary=glossary)
    return [str(problem) for problem in found if not problem.note]


@pytest.mark.parametrize(
    ("name", "catalogue"),
    [
        ("meaning_good_es.po", "es"),  # 8,5 and 1000 for 8.5 and 1,000; a localised example address
        ("meaning_good_ar.po", "ar"),  # Arabic-Indic digits, "one" and "two" spelled out, no short vowel
        ("meaning_good_zh_Hans.po", "zh_Hans"),  # full-width digits
        ("meaning_good_fa.po", "fa"),  # Persian digits and separators (CLDR's default for Persian)
        ("ignored_es.po", "es"),  # a number written as a word, with a reviewer's reason
    ],
)
def test_faithful_translations_pass(template, name, catalogue):
    assert problems_of(name, template, catalogue) == []


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("numbers_es.po", 12, 'numbers: 8.5 of the English missing in "Give 8.5 to 10'),
        ("numbers_fa.po", 12, 'numbers: 10 of the English missing in "Give 8.5 to 10'),  # ۱۵ for 10
        ("urls_es.po", 15, "urls: https://www.nhs.uk/conditions/rickets/ must appear unchanged"),
        ("example_address_es.po", 18, "urls: name@example.com must appear unchanged"),
        ("glossary_es.po", 22, '"rickets" should be translated "raquitismo" in "Rickets makes bones soft."'),
        ("ignore_without_reason_es.po", 13, "check-ignore: check-ignore needs a reason"),
    ],
)
def test_each_meaning_rule_fails_naming_catalogue_line_and_rule(template, name, line, expected):
    shown = problems_of(name, template)
    assert any(text.startswith(f"tests/fixtures/catalogues/{name}:{line}: ") and expected in text for text in shown), (
        shown
    )


def test_a_reason_switches_off_only_the_rule_it_names(template):
    # ignored_es.po silences "numbers" for the dose; spelling 1,000 as "mil" is then accepted,
    # but without the reason the same text fails twice (no reason, and the number).
    shown = problems_of("ignore_without_reason_es.po", template)
    assert any("numbers: 1,000 of the English missing" in text for text in shown), shown


@pytest.mark.parametrize(
    ("english", "translation", "language", "kept"),
    [
        ("5,000 characters", "5000 caractères", "fr", True),
        ("5,000 characters", "5 000 caractères", "fr", True),
        ("5,000 characters", "٥٠٠٠ حرف", "ar", True),
        ("8.5 micrograms", "8,5 microgramos", "es", True),
        ("8.5 micrograms", "85 microgramos", "es", False),
        ("10 ml", "１０毫升", "zh", True),
        ("10 ml", "１０ ml", "es", False),  # full-width digits are not Spanish
        ("2 to 5 in 100 children", "2 à 5 enfants sur 10", "fr", False),
    ],
)
def test_numbers_are_compared_by_what_they_mean(english, translation, language, kept):
    meant = set().union(*numbers(translation, language).values())
    assert all(means & meant for means in numbers(english).values()) is kept


def test_a_python_format_message_without_a_note_naming_its_placeholder_fails():
    problems = [str(problem) for problem in check_placeholder_notes(load(FIXTURES / "notes_missing.pot"))]
    assert problems == [
        'templates/moderation/queue.html:10: placeholder note: "Signed in as %(email)s." has no translator'
        " note %(email)s (add a '# Translators:' comment saying what each placeholder holds)"
    ]
    assert check_placeholder_notes(load(FIXTURES / "meaning.pot")) == []


def test_every_placeholder_in_the_code_is_explained_to_translators():
    assert [str(problem) for problem in check_placeholder_notes(extract_template())] == []


@pytest.mark.parametrize("catalogue", ["es", "fr", "zh_Hans", "ar"])
def test_the_shipped_glossaries_hold_the_article_terms(catalogue):
    glossary = read_glossary(glossary_path(SHIPPED, catalogue))
    assert glossary.errors == ()
    terms = {term.source for term in glossary.terms}
    assert {"rickets", "tetany", "febrile seizures", "recovery position", "EEG", "epilepsy", "electrolytes"} <= terms
    assert {"oral rehydration solution", "dehydration", "vitamin D", "calcium"} <= terms
