"""Every rule of `flask translate check`, each proven by a fixture catalogue broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n_tools.catalogues import extract_template, load
from app.i18n_tools.checks import check_catalogue, check_up_to_date

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"


@pytest.fixture(scope="module")
def template():
    return load(FIXTURES / "messages.pot")


@pytest.mark.parametrize("name", ["good_es.po", "good_ar.po"])
def test_correct_catalogues_pass_every_rule(template, name):
    assert check_catalogue(FIXTURES / name, template, shipped=True) == []


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
    assert problems == []


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
