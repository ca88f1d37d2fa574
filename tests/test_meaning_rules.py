"""The meaning checks, as a translator and a reader meet them: a changed dose, link, address or
medical term in a translation is always reported, with the line and the exact message, and what
a faithful translation may change (the number format, digits, spelled-out "one" in a plural
form, an example address's name) is never reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app.i18n_tools.glossary import Glossary, read_glossary
from app.i18n_tools.meaning import Finding, meaning_findings, notes_findings, numbers, readings

LINE = 7


def catalogue(language: str | None, english, translation, comments=(), *, line: int = LINE) -> Catalog:
    catalog = Catalog(locale=language)
    catalog.add(english, translation, lineno=line, user_comments=list(comments))
    return catalog


def found(language, english, translation, comments=(), glossary: Glossary | None = None) -> list[tuple[str, str]]:
    findings = meaning_findings(catalogue(language, english, translation, comments), glossary)
    assert all(finding.line == LINE for finding in findings)
    return [(finding.rule, finding.text) for finding in findings]


def numbers_missing(language, english, translation) -> list[str]:
    return [text for rule, text in found(language, english, translation) if rule == "numbers"]


# --- numbers: a changed dose never passes -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "english", "translation"),
    [
        ("es", "Give 8.5 ml.", "Dar 8,5 ml."),
        ("fr", "Give 8.5 ml.", "Donner 8,5 ml."),
        ("es", "Give 8.5 ml.", "Dar 8.5 ml."),
        ("fr", "Up to 5,000 characters.", "Jusqu'à 5 000 caractères."),
        ("fr", "Up to 5,000 characters.", "Jusqu'à 5\u202f000 caractères."),
        ("fr", "Up to 5,000 characters.", "Jusqu'à 5\u00a0000 caractères."),
        ("es", "Up to 5,000 characters.", "Hasta 5000 caracteres."),
        ("es", "Up to 5,000 characters.", "Hasta 5.000 caracteres."),
        ("es", "1,234,567 children", "1.234.567 niños"),
        ("fr", "1,234,567 children", "1 234 567 enfants"),
        ("es", "1,234,567 children", "1234567 niños"),
        ("fr", "1,234,567.5 litres", "1 234 567,5 litres"),
        ("es", "1,234.5 litres", "1234,5 litros"),
        ("ar", "Give 8.5 ml.", "أعطِ ٨٫٥ مل."),
        ("ar", "Up to 5,000 characters.", "حتى ٥٬٠٠٠ حرف."),
        ("ar", "Give 10 ml.", "أعطِ ١٠ مل."),
        ("zh_Hans", "Give 10 ml.", "给１０毫升。"),
        ("zh_Hans", "Give 10 ml.", "给10毫升。"),
        # Persian writes its own digits (CLDR: default numbering system arabext) and separators.
        ("fa", "Give 5 ml.", "۵ میلی‌لیتر بدهید."),
        ("fa", "Give 5 ml.", "5 میلی‌لیتر بدهید."),
        ("fa", "Give 8.5 ml.", "۸٫۵ میلی‌لیتر بدهید."),
        ("fa", "Up to 5,000 characters.", "تا ۵٬۰۰۰ نویسه."),
        ("ar", "Give 5 ml.", "أعطِ ٥ مل."),
        # Languages this code never names get their digits from CLDR too: Bengali, Marathi.
        ("bn", "Give 15 ml.", "১৫ মিলি দিন।"),
        ("mr", "Give 15 ml.", "१५ मिली द्या."),
        ("es", "Give 2 or 3 doses", "Dar 3 o 2 dosis"),  # order may change
        ("es", "Ages 5 6 and 7", "Edades 5, 6 y 7"),  # a space groups only three digits
        (None, "Give 8.5 ml.", "Give 8.5 ml!"),
    ],
)
def test_a_number_written_the_readers_way_is_kept(language, english, translation):
    assert found(language, english, translation) == []


@pytest.mark.parametrize(
    ("language", "english", "translation", "missing"),
    [
        ("es", "Give 8.5 ml.", "Dar 85 ml.", "8.5"),
        ("es", "Give 8.5 ml.", "Dar 8 ml.", "8.5"),  # the integer part alone is another dose
        ("es", "Give 8.5 ml.", "Dar 5 ml.", "8.5"),
        ("es", "Give 8.5 ml.", "Dar 8,6 ml.", "8.5"),
        ("es", "Give 0.5 ml.", "Dar 5 ml.", "0.5"),
        ("es", "Up to 5,000 characters.", "Hasta 5 caracteres.", "5,000"),
        ("es", "Up to 5,000 characters.", "Hasta 5,00 caracteres.", "5,000"),
        ("es", "Up to 5,000 characters.", "Hasta 50.000 caracteres.", "5,000"),
        ("es", "1,234,567 children", "1.234 niños", "1,234,567"),
        ("es", "1,234,567 children", "1.234.568 niños", "1,234,567"),
        ("es", "1,234.5 litres", "1.234 litros", "1,234.5"),
        ("es", "1,234.5 litres", "234,5 litros", "1,234.5"),
        ("fr", "Ages 5 6 and 7", "Âges 56 et 7", "5, 6"),
        ("es", "Give 10 ml.", "Dar １０ ml.", "10"),  # full-width digits are not Spanish
        ("ar", "Give 10 ml.", "أعطِ ١٥ مل.", "10"),
        ("fa", "Give 5 ml.", "۱۵ میلی‌لیتر بدهید.", "5"),
        ("fa", "Give 8.5 ml.", "۸۵ میلی‌لیتر بدهید.", "8.5"),
        ("es", "Give 5 ml.", "Dar ۵ ml.", "5"),  # Persian digits are not Spanish
        ("bn", "Give 15 ml.", "১৬ মিলি দিন।", "15"),
        ("zh_Hans", "Give 10 ml.", "给１５毫升。", "10"),
        ("es", "Give 2 doses.", "Dar dos dosis.", "2"),  # outside a plural message, no word for a number
        ("es", "Give 1 dose.", "Dar una dosis.", "1"),
    ],
)
def test_a_changed_number_is_reported(language, english, translation, missing):
    assert found(language, english, translation) == [
        ("numbers", f'{missing} of the English missing in "{english}"'),
    ]


def test_every_missing_number_is_named_in_one_report():
    assert numbers_missing("es", "Every 6 hours 2.5 ml, at most 4 doses", "Cada 8 horas 25 ml, 4 dosis") == [
        '2.5, 6 of the English missing in "Every 6 hours 2.5 ml, at most 4 doses"'
    ]


def test_numbers_inside_links_markup_and_placeholders_are_not_counted():
    english = 'See <a href="https://www.nhs.uk/a/12">page 3</a> for %(count)d of {total} and 100%%.'
    translation = 'Ver <a href="https://www.nhs.uk/a/12">página 3</a> para %(count)d de {total} y 100%%.'
    assert found("es", english, translation) == []
    assert numbers("%(count)d or {total} at https://x.example/7 or <h2 id=9>") == {}


def test_what_a_written_number_can_mean():
    assert readings("8.5") == readings("8,5") == {"8.5"}
    assert readings("5,000") == {"5.000", "5000"}
    assert readings("1,234,567") == {"1234.567", "1234567"}
    assert readings("1,234.5") == {"1234.5"}
    assert readings("12") == {"12"}
    assert numbers("Ages 5 6, 2 000 000 and 3\u202f500 or ٨٫٥", "ar") == {
        "5": {"5"},
        "6": {"6"},
        "2 000 000": {"2000.000", "2000000"},
        "3\u202f500": {"3.500", "3500"},
        "8\u066b5": {"8.5"},
    }


PLURAL = ("Give %(num)d dose of 5 ml.", "Give %(num)d doses of 5 ml each.")


def test_a_plural_message_keeps_its_numbers_in_every_form():
    good = ("Dar %(num)d dosis de 5 ml.", "Dar %(num)d dosis de 5 ml cada una.")
    assert found("es", PLURAL, good) == []
    assert found("es", PLURAL, (good[0], "Dar %(num)d dosis de 50 ml cada una.")) == [
        ("numbers", f'5 of the English missing (form 1) in "{PLURAL[0]}"'),
    ]
    assert found("es", PLURAL, ("Dar %(num)d dosis.", "Dar %(num)d dosis.")) == [
        ("numbers", f'5 of the English missing (form 0) in "{PLURAL[0]}"'),
        ("numbers", f'5 of the English missing (form 1) in "{PLURAL[0]}"'),
    ]


def test_an_untranslated_plural_form_is_left_to_the_completeness_check():
    assert found("es", PLURAL, ("", "Dar %(num)d dosis de 50 ml cada una.")) == [
        ("numbers", f'5 of the English missing (form 1) in "{PLURAL[0]}"'),
    ]
    assert found("es", PLURAL, ("Dar %(num)d dosis de 50 ml.", "")) == [
        ("numbers", f'5 of the English missing (form 0) in "{PLURAL[0]}"'),
    ]


def test_a_plural_form_may_spell_one_and_two_but_no_other_number():
    one = ("1 reply", "%(num)d replies")
    assert found("es", one, ("una respuesta", "%(num)d respuestas")) == []
    two = ("2 nights or fewer", "%(num)d nights or 2 fewer")
    assert found("ar", two, ("ليلتان أو أقل", "%(num)d ليالٍ", "%(num)d ليلة", "%(num)d ليالٍ")) == []
    three = ("3 nights", "%(num)d nights and 3 days")
    assert found("es", three, ("tres noches", "%(num)d noches y 3 días")) == [
        ("numbers", '3 of the English missing (form 0) in "3 nights"'),
    ]
    decimal = ("1.5 ml once", "1.5 ml %(num)d times")
    assert found("es", decimal, ("1,5 ml una vez", "15 ml %(num)d veces")) == [
        ("numbers", '1.5 of the English missing (form 1) in "1.5 ml once"'),
    ]


# --- links and addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "translation"),
    [
        ("See https://www.nhs.uk/conditions/rickets/.", "Vea https://www.nhs.uk/conditions/rickets/."),
        ("(https://www.nhs.uk/a)", "(https://www.nhs.uk/a)"),
        ("Write to help@nhs.net.", "Escriba a help@nhs.net."),
        ("Type name@example.com", "Escriba nombre@example.com"),
        ("Type name@example.org", "Escriba nombre@example.org"),
        ("Type name@example.net", "Escriba nombre@example.net"),
        ("Type Name@Example.COM", "Escriba nombre@example.com"),
        ("Type name@example.com", "Escriba nombre@EXAMPLE.com"),
    ],
)
def test_links_and_addresses_kept_pass(english, translation):
    assert found("es", english, translation) == []


@pytest.mark.parametrize(
    ("english", "translation", "missing"),
    [
        ("See https://www.nhs.uk/conditions/rickets/.", "Vea https://www.nhs.uk/conditions/raquitismo/.", None),
        ("See https://www.nhs.uk/a.", "Vea http://www.nhs.uk/a.", None),
        ("Write to help@nhs.net.", "Escriba a ayuda@nhs.net.", "help@nhs.net"),  # a real address is kept exactly
        ("Type name@example.com", "Escriba nombre@ejemplo.com", "name@example.com"),
        ("Type name@example.com", "Escriba nombre@example.org", "name@example.com"),
        ("Type name@example.com", "Escriba example.com", "name@example.com"),
        ("Write to a@b.example.org", "Escriba a x@b.example.org", "a@b.example.org"),  # not a reserved domain
        (
            "See https://www.nhs.uk/?to=a@example.com",
            "Vea https://evil.example/?to=b@example.com",
            "https://www.nhs.uk/?to=a@example.com",
        ),  # a link that ends in an example address is kept exactly (the address alone may change)
    ],
)
def test_a_changed_link_or_address_is_reported(english, translation, missing):
    missing = missing or english.split()[-1].rstrip(".")
    assert found("es", english, translation) == [("urls", f'{missing} must appear unchanged in "{english}"')]


def test_every_changed_link_is_named_in_one_report_per_message():
    english = ("See https://b.example/x or mail c@nhs.net, %(num)d time", "See https://b.example/x, %(num)d times")
    translation = ("Vea %(num)d vez", "Vea %(num)d veces", "Vea https://b.example/x")
    assert found("es", english, translation) == [
        ("urls", f'c@nhs.net, https://b.example/x must appear unchanged in "{english[0]}"'),
    ]


# --- glossary -----------------------------------------------------------------------------------


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "es.csv"
    path.write_text(
        "source,target,description\n"
        "tetany,tetania,Cramps from low calcium.\n"
        "rickets,raquitismo,Soft bones.\n"
        "rickets,el raquitismo,The same with its article.\n"
        "febrile seizures,convulsiones febriles,Fits with a fever.\n",
        encoding="utf-8",
    )
    read = read_glossary(path)
    assert len(read.terms) == 3
    return read


def test_each_glossary_term_in_the_english_must_be_translated_as_approved(glossary):
    english = "Rickets and febrile seizures need a doctor."
    assert (
        found("es", english, "El raquitismo y las convulsiones febriles necesitan un médico.", glossary=glossary) == []
    )
    assert found("es", english, "El raquitismo y las crisis febriles necesitan un médico.", glossary=glossary) == [
        ("glossary", f'"febrile seizures" should be translated "convulsiones febriles" in "{english}"'),
    ]
    assert found("es", english, "La enfermedad y las crisis necesitan un médico.", glossary=glossary) == [
        ("glossary", f'"rickets" should be translated "raquitismo" or "el raquitismo" in "{english}"'),
        ("glossary", f'"febrile seizures" should be translated "convulsiones febriles" in "{english}"'),
    ]
    assert found("es", english, "La enfermedad y las crisis necesitan un médico.", glossary=None) == []


def test_a_term_in_any_form_of_the_english_binds_every_translated_form(glossary):
    english = ("%(num)d child has tetany", "%(num)d children have it")
    assert found("es", english, ("%(num)d niño tiene tetania", "%(num)d niños la tienen"), glossary=glossary) == [
        ("glossary", f'"tetany" should be translated "tetania" in "{english[0]}"'),
    ]
    english = ("%(num)d child", "%(num)d children have tetany")
    assert found("es", english, ("%(num)d niño", "%(num)d niños tienen tetania"), glossary=glossary) == [
        ("glossary", f'"tetany" should be translated "tetania" in "{english[0]}"'),
    ]
    both = ("%(num)d niño tiene tetania", "%(num)d niños tienen tetania")
    assert found("es", english, both, glossary=glossary) == []
    assert found("es", english, ("", "%(num)d niños tienen tetania"), glossary=glossary) == []


def test_a_term_between_tags_is_a_use(glossary):
    english = "<strong>Rickets</strong> makes bones soft."
    assert found("es", english, "<strong>El raquitismo</strong> ablanda los huesos.", glossary=glossary) == []
    assert found("es", english, "<strong>La enfermedad</strong> ablanda los huesos.", glossary=glossary) == [
        ("glossary", f'"rickets" should be translated "raquitismo" or "el raquitismo" in "{english}"'),
    ]


def test_a_reason_can_silence_the_glossary(glossary):
    english, translation = "Rickets makes bones soft.", "La enfermedad ablanda los huesos."
    reason = ["check-ignore: glossary -- the disease is named in the previous sentence"]
    assert found("es", english, translation, reason, glossary=glossary) == []


def test_a_term_only_inside_a_link_or_markup_is_not_a_use(glossary):
    english = 'See <a href="https://www.nhs.uk/conditions/rickets/">the NHS</a>.'
    translation = 'Vea <a href="https://www.nhs.uk/conditions/rickets/">el NHS</a>.'
    assert found("es", english, translation, glossary=glossary) == []


# --- a reviewer's reasoned exception -----------------------------------------------------------


def test_a_reason_silences_the_named_rules_only():
    english, translation = "Give 2 doses, see https://www.nhs.uk/a.", "Dar dos dosis, vea https://www.nhs.uk/b."
    numbers_off = ['check-ignore: numbers -- "dos" reads better']
    assert found("es", english, translation, numbers_off) == [
        ("urls", f'https://www.nhs.uk/a must appear unchanged in "{english}"'),
    ]
    for comments in (
        ["check-ignore: numbers, urls -- reviewed"],
        ["check-ignore:numbers,urls--reviewed"],
        ["a note first", "  check-ignore: urls, numbers -- reviewed  "],
    ):
        assert found("es", english, translation, comments) == [], comments


def test_several_reasoned_switches_add_up():
    english, translation = "Give 2 doses, see https://www.nhs.uk/a.", "Dar dos dosis, vea https://www.nhs.uk/b."
    both = ["check-ignore: numbers -- words read better", "check-ignore: urls -- the Spanish page"]
    assert found("es", english, translation, both) == []
    assert found("es", english, translation, ["check-ignore: urls", "check-ignore: numbers -- words"]) == [
        ("check-ignore", "check-ignore needs a reason after ' -- ', e.g. '# check-ignore: numbers -- why'"),
        ("urls", f'https://www.nhs.uk/a must appear unchanged in "{english}"'),
    ]


def test_a_switch_without_a_reason_or_with_an_unknown_rule_is_reported():
    english, translation = "Give 2 doses.", "Dar dos dosis."
    assert found("es", english, translation, ["check-ignore: numbers"]) == [
        ("check-ignore", "check-ignore needs a reason after ' -- ', e.g. '# check-ignore: numbers -- why'"),
        ("numbers", '2 of the English missing in "Give 2 doses."'),
    ]
    assert found("es", english, translation, ["check-ignore: numbers, dose -- words read better"]) == [
        ("check-ignore", "check-ignore names unknown rule(s) dose; known: numbers, urls, glossary, urgency"),
    ]
    assert found("es", english, translation, ["check-ignore: urls, spelling, dose -- why"]) == [
        ("check-ignore", "check-ignore names unknown rule(s) dose, spelling; known: numbers, urls, glossary, urgency"),
        ("numbers", '2 of the English missing in "Give 2 doses."'),
    ]


def test_an_untranslated_message_is_not_checked():
    assert found("es", "Give 2 doses.", "", ["check-ignore: numbers"]) == []
    assert found("es", ("%(num)d dose of 5 ml", "%(num)d doses of 5 ml"), ("", "")) == []


def test_findings_name_the_catalogue_line():
    catalog = catalogue("es", "Give 2 doses.", "Dar dos dosis.", line=41)
    assert meaning_findings(catalog) == [Finding(41, "numbers", '2 of the English missing in "Give 2 doses."')]


# --- placeholder notes for translators ---------------------------------------------------------


def template_with(*messages) -> Catalog:
    template = Catalog()
    for english, notes, locations, flags in messages:
        template.add(english, auto_comments=notes, locations=locations, flags=flags)
    return template


def test_every_placeholder_must_be_named_in_the_translator_note():
    template = template_with(
        ("Hello %(name)s, %(count)d new", ["Translators: %(name)s is a name"], [("a.html", 3)], ["python-format"]),
        ("Up %(pct)d%% and %(n)s", [], [], ["python-format"]),
        ("All named %(a)s %(b)s", ["%(a)s and", "%(b)s"], [("b.py", 9)], ["python-format"]),
        ("100%% sure", [], [("d.py", 2)], ["python-format"]),
        ("Rated 100%amazing by parents", [], [("e.py", 4)], []),  # a percent sign, no placeholder
        (("%(num)d day", "%(num)d days, %(left)d left"), ["%(num)d is a count", "%(left)d"], [("f.py", 5)], []),
    )
    assert notes_findings(template) == [
        (
            "a.html",
            3,
            'placeholder note: "Hello %(name)s, %(count)d new" has a translator note that does not name %(count)d'
            " (add a '# Translators:' comment saying what each placeholder holds)",
        ),
        (
            "?",
            0,
            'placeholder note: "Up %(pct)d%% and %(n)s" has no translator note %(pct)d %(n)s'
            " (add a '# Translators:' comment saying what each placeholder holds)",
        ),
    ]
