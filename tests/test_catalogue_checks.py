"""Every rule of `flask translate check`, each proven by a fixture catalogue broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.comments.forms import COMMENT_MAX, NAME_MAX
from app.i18n_tools.catalogues import extract_template, load
from app.i18n_tools.checks import check_catalogue, check_up_to_date
from app.i18n_tools.plurals import LARGEST_SITE_COUNT, check_formula, formula_for

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"


@pytest.fixture(scope="module")
def template():
    return load(FIXTURES / "messages.pot")


def failures(problems):
    return [str(problem) for problem in problems if not problem.note]


@pytest.mark.parametrize("name", ["good_es.po", "good_ar.po"])
def test_correct_catalogues_pass_every_rule(template, name):
    assert failures(check_catalogue(FIXTURES / name, template, shipped=True)) == []


def test_a_formula_that_differs_from_cldr_only_above_the_site_limit_gets_a_note(template):
    # Spanish keeps two forms: CLDR's "many" applies only to exact millions.
    problems = check_catalogue(FIXTURES / "good_es.po", template, shipped=True)
    assert [(problem.line, problem.note) for problem in problems] == [(8, True)]
    assert 'form 1 ("other") for n = 1,000,000, 2,000,000, 10,000,000' in problems[0].text
    assert '"many", which this 2-form catalogue has no form for' in problems[0].text


def test_an_arabic_formula_with_the_right_count_but_another_meaning_fails(template):
    """Babel 2.18's Arabic formula has six forms, but swaps CLDR's "many" (11–99) and "other"."""
    problems = check_catalogue(FIXTURES / "plural_formula_ar.po", template, shipped=True)
    assert all(problem.line == 7 and not problem.note for problem in problems)
    texts = [problem.text for problem in problems]
    assert len(texts) == 2
    assert texts[0].startswith(
        'Plural-Forms gives form 4 ("many") for n = 100–102, 200–202, 300–302, 400–402, 500–502, …; '
        'CLDR\'s rules give form 5 ("other"); expected: nplurals=6;'
    )
    assert texts[1].startswith(
        'Plural-Forms gives form 5 ("other") for n = 11–99, 111–199, 211–299, 311–399, 411–499, …; '
        'CLDR\'s rules give form 4 ("many"); expected: nplurals=6;'
    )
    assert all(text.endswith(f"expected: {formula_for('ar')}") for text in texts)
    assert check_formula("ar", formula_for("ar")).errors == []


@pytest.mark.parametrize(
    ("locale", "formula", "expected"),
    [
        ("fr", "nplurals=2; plural=(n != 1);", 'form 1 ("other") for n = 0; CLDR\'s rules give form 0 ("one")'),
        ("es", "nplurals=3; plural=(n != 1);", 'form 1 ("many") for n = 0, 2–10,000, 19,998–20,102'),
        ("ar", "nplurals=2; plural=(n != 1);", "declares 2 forms; ar needs 6 (zero, one, two, few, many, other)"),
        ("es", "nplurals=4; plural=(n != 1);", "declares 4 forms; es needs 2 (one, other) or 3 (one, many, other)"),
        ("es", "nplurals=2; plural=__import__('os');", "not a valid gettext formula"),
        ("es", "nplurals=2; plural=(n % 0);", "fails when computed"),
        ("es", "plural=(n != 1);", "not a valid gettext formula"),
        ("zh_Hans", "nplurals=1; plural=n;", "a form that does not exist (nplurals=1) for n = 1–10,000, 19,998–"),
    ],
)
def test_a_formula_that_sends_a_count_the_site_shows_elsewhere_fails(locale, formula, expected):
    report = check_formula(locale, formula)
    assert any(expected in error for error in report.errors), report.errors


@pytest.mark.parametrize(
    ("locale", "formula"),
    [
        ("es", "nplurals=2; plural=(n != 1);"),
        ("es", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),
        ("fr", "nplurals=2; plural=(n > 1);"),
        ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"),
        ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
        ("zh_Hans", "nplurals=1; plural=0;"),
    ],
)
def test_the_gnu_and_the_cldr_formulas_both_pass(locale, formula):
    assert check_formula(locale, formula).errors == []


def test_the_site_limit_covers_every_count_the_site_shows():
    assert max(NAME_MAX, COMMENT_MAX) <= LARGEST_SITE_COUNT


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("broken_syntax_es.po", 48, "compile error"),
        ("untranslated_es.po", 47, 'untranslated: "Contents"'),
        ("fuzzy_es.po", 48, 'fuzzy (check it, then remove the flag): "Contents"'),
        ("placeholder_missing_es.po", 27, "placeholders differ: missing %(date)s"),
        ("placeholder_renamed_es.po", 32, "placeholders differ: missing {name}, unknown {nombre}"),
        ("placeholder_added_es.po", 41, "placeholders differ (form 1): unknown %(name)s"),
        ("markup_es.po", 36, "markup differs from the English"),
        ("out_of_date_es.po", 1, '"Contents" from templates/articles/article.html:33 is not in the catalogue'),
        ("out_of_date_es.po", 47, '"Table of contents" is no longer in the source'),
        ("plural_header_ar.po", 6, "Plural-Forms declares 2 forms; ar needs 6"),
        ("plural_missing_ar.po", 31, "plural forms missing: form 4 of 6"),
    ],
)
def test_each_broken_catalogue_fails_naming_file_and_line(template, name, line, expected):
    problems = check_catalogue(FIXTURES / name, template, shipped=True)
    shown = [str(problem) for problem in problems]
    assert any(
        problem.path.endswith(name) and problem.line == line and expected in problem.text for problem in problems
    ), shown
    assert all(text.startswith(f"tests/fixtures/catalogues/{name}:") for text in shown)


def test_untranslated_messages_are_allowed_while_a_locale_is_not_yet_shipped(template):
    problems = check_catalogue(FIXTURES / "untranslated_es.po", template, shipped=False)
    assert failures(problems) == []


def test_plural_forms_may_spell_out_the_number_except_in_the_last_form(template):
    # good_ar.po writes "one comment" and "two comments" as words: that passes (see above);
    # plural_header_ar.po has its last form without %(num)d, and that fails.
    problems = check_catalogue(FIXTURES / "plural_header_ar.po", template, shipped=True)
    assert any("placeholders differ (form 1): missing %(num)d" in problem.text for problem in problems)


def test_a_new_string_in_a_template_without_catalogue_entry_fails(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "new.html").write_text('<p>\n{{ _("Contents") }} {{ _("A brand new sentence") }}</p>\n')
    source = extract_template(tmp_path)
    problems = check_up_to_date(load(FIXTURES / "good_es.po"), FIXTURES / "good_es.po", source)
    missing = [problem.text for problem in problems if "is not in the catalogue" in problem.text]
    assert missing == [
        'out of date: "A brand new sentence" from templates/new.html:2 is not in the catalogue'
        " (run flask translate extract, then flask translate update)"
    ]


def _rules_named(texts: list[str]) -> list[str]:
    return sorted(next(rule for rule in ("numbers:", "urls:", "markup differs") if rule in text) for text in texts)


def test_every_rule_reports_an_outdated_block_without_failing():
    # outdated_es.po: a fuzzy block whose new English has a number, a link and a tag the old
    # translation lacks; outdated_confirmed_es.po: the same translation confirmed (shown).
    outdated = FIXTURES / "outdated_es.po"
    problems = check_catalogue(outdated, load(outdated), shipped=True)
    assert [problem for problem in problems if not problem.note] == []
    prefix = "outdated, shown in English until translated again: "
    reported = [problem.text for problem in problems if problem.text.startswith(prefix)]
    assert _rules_named(reported) == ["markup differs", "numbers:", "urls:"], reported
    confirmed = FIXTURES / "outdated_confirmed_es.po"
    failures = [
        problem.text for problem in check_catalogue(confirmed, load(confirmed), shipped=True) if not problem.note
    ]
    assert _rules_named(failures) == ["markup differs", "numbers:", "urls:"], failures
