"""Weblate-ready: the glossaries export as TBX with their notes and read back through
translate-toolkit (Weblate's reader); a reviewer can switch a meaning rule off with a gettext
flag; and the settings TRANSLATING.md's "Using Weblate" names hold for this repository."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest
from translate.storage import tbx

from app.i18n.locales import read_registry
from app.i18n_tools.catalogues import PROJECT_ROOT, load
from app.i18n_tools.checks import check_catalogue, check_readers_agree
from app.i18n_tools.glossary import glossary_path, read_glossary, read_rows, urgency_path
from app.i18n_tools.meaning import RULES
from tests.i18n_helpers import copy_translations
from tests.test_translate_cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"
SHIPPED = PROJECT_ROOT / "translations"
GUIDE = (PROJECT_ROOT / "TRANSLATING.md").read_text(encoding="utf-8")
WEBLATE = GUIDE[GUIDE.index("## Using Weblate") : GUIDE.index("\n## ", GUIDE.index("## Using Weblate") + 1)]
SETTINGS = dict(re.findall(r"^\| ([^|]+?) \| (.+?) \|$", WEBLATE, re.M))
# Weblate check flag -> the rule of `flask translate check` that covers it, as the guide says.
COVERED = {
    "python-format": "placeholders",
    "python-brace-format": "placeholders",
    "xml-tags": "markup",
    "plurals": "plural forms",
    "begin-newline": "compile error",
    "end-newline": "compile error",
}


def code(text: str) -> str:
    return text.strip().strip("`")


def test_the_tbx_export_round_trips_through_translate_toolkit_with_every_note(tmp_path):
    translations = copy_translations(tmp_path / "translations", term_lists=True)
    result = cli(tmp_path, translations, "glossary", "--tbx", str(tmp_path / "tbx"))
    assert result.exit_code == 0, result.output
    for locale in read_registry(translations / "locales.toml")[1:]:
        store = tbx.tbxfile.parsefile(str(tmp_path / "tbx" / f"{locale.lang}.tbx"))
        read = [(unit.source, unit.target, unit.getnotes("definition")) for unit in store.units]
        glossary = glossary_path(SHIPPED, locale.catalogue)
        terms = [(row.source, row.target, row.description) for row in read_rows(glossary)[0]]
        urgency = [(row.source, row.target, row.description) for row in read_rows(urgency_path(glossary))[0]]
        assert read[: len(terms)] == terms
        assert [(source, target) for source, target, _ in read[len(terms) :]] == [(s, t) for s, t, _ in urgency]
        assert all(
            note.startswith("Urgency or time word") and description in note
            for (_, _, note), (_, _, description) in zip(read[len(terms) :], urgency, strict=True)
        )
        assert len(read) == len(terms) + len(urgency) > 0
        # The file names the language Weblate maps it to.
        assert f'xml:lang="{locale.lang}"' in (tmp_path / "tbx" / f"{locale.lang}.tbx").read_text(encoding="utf-8")


def test_a_flag_switches_a_rule_off_as_the_comment_does():
    template = load(FIXTURES / "meaning.pot")
    glossary = read_glossary(glossary_path(FIXTURES, "es"))
    flagged = check_catalogue(FIXTURES / "ignored_flag_es.po", template, shipped=True, glossary=glossary)
    assert [str(problem) for problem in flagged if not problem.note] == []


def test_only_our_rules_flags_switch_anything_off(tmp_path):
    template = load(FIXTURES / "meaning.pot")
    glossary = read_glossary(glossary_path(FIXTURES, "es"))
    for flag, fails in (("ignore-numbers", False), ("ignore-same", True), ("ignore-urls", True)):
        path = tmp_path / f"{flag}.po"
        path.write_text(
            (FIXTURES / "ignored_flag_es.po").read_text(encoding="utf-8").replace("ignore-numbers", flag),
            encoding="utf-8",
        )
        failures = [
            problem.text
            for problem in check_catalogue(path, template, shipped=True, glossary=glossary)
            if not problem.note
        ]
        assert bool(failures) == fails, (flag, failures)
        assert all(text.startswith("numbers: 1,000 of the English missing") for text in failures)


def test_update_keeps_a_reviewers_flag(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    path = translations / "es" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    context = 'msgctxt "muscle-spasms-in-children|when-to-get-help|get-help-today"\n'
    path.write_text(text.replace(context, "#, ignore-urgency\n" + context, 1), encoding="utf-8")
    assert cli(tmp_path, translations, "update").exit_code == 0
    message = load(path).get("Get medical help today if:", context=context.split('"')[1])
    assert "ignore-urgency" in message.flags


def test_the_weblate_file_mask_matches_exactly_the_catalogues_of_the_registered_languages():
    mask = code(SETTINGS["File mask"])
    found = {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in PROJECT_ROOT.glob(mask)
        if fnmatch.fnmatch(path.relative_to(PROJECT_ROOT).as_posix(), mask)
    }
    registered = {
        f"translations/{loc.catalogue}/LC_MESSAGES/messages.po" for loc in read_registry(SHIPPED / "locales.toml")[1:]
    }
    assert found == registered
    # Weblate takes the language from the part the * matches: a catalogue name it can parse.
    assert all(re.fullmatch(r"[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?", Path(path).parts[1]) for path in found)


def test_the_weblate_template_is_the_file_extract_writes_and_every_catalogue_is_a_po_file_weblate_reads():
    template = PROJECT_ROOT / code(SETTINGS["Template for new translations"])
    assert template == SHIPPED / "messages.pot" and template.exists()
    assert SETTINGS["File format"] == "gettext PO file"
    assert SETTINGS["Monolingual base language file"].startswith("(empty")
    for path in PROJECT_ROOT.glob(code(SETTINGS["File mask"])):
        assert check_readers_agree(load(path), path) == []  # translate-toolkit, Weblate's reader


def test_the_checks_switched_off_in_weblate_are_covered_by_check():
    flags = [flag.strip() for flag in code(SETTINGS["Translation flags"]).split(",")]
    assert [flag.removeprefix("ignore-") for flag in flags] == list(COVERED)
    for check, rule in COVERED.items():
        assert f"`{check}`" in WEBLATE and f"*{rule}*" in WEBLATE
    # The flags that switch our own rules off are exactly our rules.
    named = set(re.findall(r"`ignore-(\w+)`", WEBLATE))
    assert named == set(RULES)


@pytest.mark.parametrize("command", re.findall(r"`flask (translate glossary --tbx [^`]+)`", WEBLATE))
def test_the_glossary_command_in_the_guide_writes_one_tbx_per_language(command, tmp_path):
    translations = copy_translations(tmp_path / "translations", term_lists=True)
    args = command.split()[1:]
    args[-1] = str(tmp_path / args[-1])
    result = cli(tmp_path, translations, *args)
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / command.split()[-1]).glob("*.tbx"))
    assert written == sorted(f"{loc.lang}.tbx" for loc in read_registry(translations / "locales.toml")[1:])
