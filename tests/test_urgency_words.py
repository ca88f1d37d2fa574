"""The urgency and time words of a warning (a required block) survive translation: "now" stays
"ahora", never "pronto"; "an hour" stays "una hora", never "dos horas". The words and their
accepted translations are in translations/urgency/<catalogue>.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.content import all_articles
from app.i18n_tools.catalogues import PROJECT_ROOT, load
from app.i18n_tools.checks import check_catalogue
from app.i18n_tools.glossary import glossary_path, read_glossary, urgency_path

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"
SHIPPED = PROJECT_ROOT / "translations"
CATALOGUES = ("es", "fr", "zh_Hans", "ar")


@pytest.fixture(scope="module")
def template():
    return load(SHIPPED / "messages.pot")


def urgency_problems(name: str, template, *, comment: str | None = None, tmp_path: Path | None = None) -> list[str]:
    path = FIXTURES / name
    if comment is not None:
        assert tmp_path is not None
        text = path.read_text(encoding="utf-8").replace(
            'msgctxt "muscle-spasms-in-children|get-help-now|call-emergency-number"\n',
            f'{comment}\nmsgctxt "muscle-spasms-in-children|get-help-now|call-emergency-number"\n',
        )
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
    glossary = read_glossary(glossary_path(SHIPPED, "es"))
    found = check_catalogue(path, template, shipped=True, glossary=glossary)
    return [str(problem).split(": ", 1)[1] for problem in found if ": urgency: " in str(problem) and not problem.note]


def test_a_warning_translated_with_its_urgency_passes(template):
    assert urgency_problems("urgency_good_es.po", template) == []


def test_a_weakened_warning_fails_naming_the_word_and_its_approved_translation(template):
    shown = urgency_problems("urgency_es.po", template)
    assert len(shown) == 4, shown
    now, hour, more, today = shown
    assert now.startswith('urgency: this warning says "now": write "ahora" or "de inmediato" or "inmediatamente"')
    assert "[muscle-spasms-in-children|get-help-now|call-emergency-number]" in now
    assert hour.startswith('urgency: this warning says "an hour": write "una hora"')
    assert more.startswith('urgency: this warning says "more than": write "más de"')
    assert today.startswith('urgency: this warning says "today": write "hoy"')


def test_the_failures_name_the_catalogue_line_of_each_message(template):
    glossary = read_glossary(glossary_path(SHIPPED, "es"))
    found = check_catalogue(FIXTURES / "urgency_es.po", template, shipped=True, glossary=glossary)
    lines = sorted(problem.line for problem in found if ": urgency: " in str(problem))
    assert lines == [13, 22, 31, 35]


def test_a_reviewer_can_switch_the_rule_off_for_one_warning_with_a_reason(template, tmp_path):
    shown = urgency_problems(
        "urgency_es.po", template, comment="# check-ignore: urgency -- checked by Dr Ruiz", tmp_path=tmp_path
    )
    assert [text for text in shown if '"now"' in text] == []
    assert len(shown) == 3


def test_words_outside_a_warning_are_not_checked(template):
    # "a few minutes" in an interface message is not a warning's time limit.
    assert all("a few minutes" not in text for text in urgency_problems("urgency_es.po", template))


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_each_shipped_language_lists_the_urgency_words_of_the_warnings(catalogue):
    with urgency_path(glossary_path(SHIPPED, catalogue)).open(encoding="utf-8", newline="") as handle:
        sources = {row["source"] for row in csv.DictReader(handle)}
    assert {"now", "today", "an hour", "minutes", "emergency number"} <= sources
    # Every listed word guards something: it occurs in the English of some required block.
    required = [
        message.text
        for article in all_articles()
        for message in article.messages()
        if message.context in article.required_contexts()
    ]
    glossary = read_glossary(glossary_path(SHIPPED, catalogue))
    assert glossary.urgency is not None
    unused = [term.source for term in glossary.urgency.terms if not any(term.used_in(text) for text in required)]
    assert unused == []
