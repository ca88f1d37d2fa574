"""The PO files we write and check (issue 27): the layout of GNU gettext, the grammar it accepts,
and the Babel bugs pofile.py works around."""

from __future__ import annotations

import io
import random
import subprocess

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from app.i18n.pofile import previous_context, read, render, set_previous
from app.i18n_tools.catalogues import load, save
from app.i18n_tools.checks import check_catalogue, check_compiles
from app.i18n_tools.syntax import syntax_errors
from tests.conftest import ARTICLE_SLUG
from tests.i18n_helpers import SHIPPED_TRANSLATIONS, copy_translations
from tests.po_tools import gettext_tool, msgcat, msgfmt_errors, previous_english
from tests.test_translate_cli import cli

OLD = (
    "A muscle spasm is when a muscle tightens by itself. Your child cannot stop it. It may hurt, "
    "and your child may not be able to move that part of the body freely."
)
NEW = OLD.replace("freely", "easily")
CONTEXT = f"{ARTICLE_SLUG}|overview|symptoms"
HEADER = 'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
SEED = sorted([SHIPPED_TRANSLATIONS / "messages.pot", *SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")])


def _fuzzy_catalog() -> Catalog:
    catalog = Catalog(locale="es")
    catalog.add(NEW, "Un espasmo muscular ...", context=CONTEXT, flags=["fuzzy"])
    set_previous(catalog.get(NEW, context=CONTEXT), [OLD], CONTEXT)
    return catalog


def test_babel_still_breaks_the_previous_english_so_pofile_writes_and_reads_it_itself():
    """Babel 2.19's write_po splits a long `#| msgid` in the middle of its strings, and read_po
    keeps `#|` lines as translator comments. When this test fails, Babel has fixed both: consider
    going back to write_po/read_po in app/i18n_tools/catalogues.py and deleting app/i18n/pofile.py's
    previous-English handling (keep the gettext layout, or not, as the team decides)."""
    catalog = _fuzzy_catalog()
    output = io.BytesIO()
    write_po(output, catalog, width=76, include_previous=True)
    written = output.getvalue().decode("utf-8")
    assert syntax_errors(written), written  # e.g. `#| cannot " "stop it.`: not a PO line
    assert "#| msgctxt" not in written
    message = read_po(io.BytesIO(render(catalog).encode("utf-8"))).get(NEW, context=CONTEXT)
    assert message.previous_id == [] and any(comment.startswith("|") for comment in message.user_comments)


def test_the_previous_english_round_trips_and_every_reader_agrees(tmp_path):
    path = tmp_path / "messages.po"
    save(_fuzzy_catalog(), path)
    text = path.read_text(encoding="utf-8")
    assert f'#| msgctxt "{CONTEXT}"\n#| msgid ""\n#| "A muscle spasm' in text
    assert msgfmt_errors(path) == ""
    assert previous_english(path)[(CONTEXT, NEW)] == {
        "polib": (CONTEXT, OLD, None),
        "translate-toolkit": (CONTEXT, OLD, None),
    }
    message = load(path).get(NEW, context=CONTEXT)
    assert message.previous_id == [OLD] and previous_context(message) == CONTEXT
    assert message.user_comments == []


@pytest.mark.parametrize("path", SEED, ids=lambda path: path.parent.parent.name if path.suffix == ".po" else "pot")
def test_the_committed_catalogues_pass_every_reader_and_are_laid_out_as_gettext_writes_them(path):
    assert msgfmt_errors(path) == ""
    previous_english(path)  # polib and translate-toolkit parse it
    assert syntax_errors(path.read_text(encoding="utf-8")) == []
    assert msgcat(path) == path.read_bytes()
    assert not [comment for message in load(path) for comment in message.user_comments if comment.startswith("|")]


WORDS = [
    *("child", "muscle", "spasm,", "a", "e.g.", "(a)", "[1]", "1.5", "50%", "10:30", "«word»", "“quoted”"),
    *("child's", "stop!", "why?", "¿qué?", "¡no!", "，", "、", "—", "–", "…", "hypoxic-ischaemic", "(EEG)"),
    *("%(num)d", "%(email)s.", "%%", '"quoted"', "back\\slash", "tab\there", "sodium/potassium", "x-ray"),
    *("https://www.nhs.uk/conditions/febrile-seizures/", "38.5°C", "<em>", "</em>", '<a href="/guide">', "</a>"),
    *("l’enfant", "Œdème", "naïve", "µg", "½", "#1", "a&b", "100 000", "€5", "→", "•", "·", "\u00a0:"),
    *("痉挛", "请立即就医。", "（脑电图）", "：", "ー", "々", "「引用」", "《书》", "……", "——"),
    *("تشنج", "العضلات،", "تعليقًا", "\u200fالطفل"),
    "supercalifragilisticexpialidociousandevenlongerwordwithoutanybreak",
]


def _random_text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 40))]
    text = " ".join(words)
    if rng.random() < 0.2:
        text = text.replace(" a ", " a\n", 1)
    return text


def test_strings_are_wrapped_exactly_as_gettext_wraps_them(tmp_path):
    """Several hundred random strings, with every kind of text the site has (long and short,
    Chinese, Arabic with marks, escapes, newlines, python-format directives), in every field:
    msgcat (GNU gettext) writes our file back byte for byte."""
    rng = random.Random(27)
    catalog = Catalog(locale="ar")
    for number in range(400):
        english = f"{number} {_random_text(rng)}"
        flags = ["python-format"] if rng.random() < 0.5 else []
        context = _random_text(rng) if rng.random() < 0.3 else None
        if rng.random() < 0.2:
            plural = (english, f"{english} {_random_text(rng)}")
            catalog.add(plural, tuple(_random_text(rng) for _ in range(6)), flags=flags, context=context)
            message = catalog.get(plural[0], context=context)
        else:
            catalog.add(english, _random_text(rng), flags=flags, context=context)
            message = catalog.get(english, context=context)
        if rng.random() < 0.3:
            message.flags.add("fuzzy")
            previous = [_random_text(rng)] + ([_random_text(rng)] if message.pluralizable else [])
            set_previous(message, previous, _random_text(rng) if context else None)
    catalog.add("Line one\nline two\n", "Ligne un\nligne deux\n", context="newlines")
    catalog.obsolete["gone"] = Message("A removed message", _random_text(rng), flags=["fuzzy", "python-format"])
    path = tmp_path / "messages.po"
    save(catalog, path)
    assert msgfmt_errors(path, check=False) == ""  # random translations: their placeholders differ
    previous_english(path)
    assert msgcat(path) == path.read_bytes()
    assert render(read(path.read_bytes())) == path.read_text(encoding="utf-8")


def test_update_leaves_a_catalogue_that_msgmerge_wrote_byte_for_byte(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    pot = translations / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace("body freely.", "body easily."), encoding="utf-8")
    for path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        subprocess.run(
            [gettext_tool("msgmerge"), "--quiet", "--previous", "-o", str(path), str(path), str(pot)], check=True
        )
    merged = {path: path.read_bytes() for path in translations.glob("*/LC_MESSAGES/messages.po")}
    assert all(b'#| msgid ""\n#| "A muscle spasm' in data for data in merged.values())
    result = cli(tmp_path, translations, "update")
    assert result.exit_code == 0, result.output
    assert {path: path.read_bytes() for path in merged} == merged


# Each broken catalogue body, the line `check` names and the line msgfmt names (counted in the
# body). msgfmt names the line after an unclosed string (it has read the end of the line), and
# the msgstr line where `check` names the entry's msgid line.
BROKEN = {
    # What Babel 2.19 wrote after an English correction (issue 27).
    "previous-english": (
        '#, fuzzy\n#| msgid "" "A muscle spasm is when a muscle tightens by itself. Your child\n'
        '#| cannot " "stop it."\nmsgid "A muscle spasm."\nmsgstr "Un espasmo."\n',
        2,
        3,
    ),
    "unclosed-string": ('msgid "Contents"\nmsgstr "Contenido\n', 2, 3),
    "unknown-keyword": ('msgid "Contents"\nmsgstr "Contenido"\nmsgtxt "x"\n', 3, 3),
    "comment-between-msgid-and-msgstr": ('msgid "Contents"\n# note\nmsgstr "Contenido"\n', 1, 1),
    "bad-escape": ('msgid "Contents"\nmsgstr "Conte\\qnido"\n', 2, 2),
    "previous-msgstr": ('#, fuzzy\n#| msgstr "x"\nmsgid "Contents"\nmsgstr "Contenido"\n', 2, 2),
    "obsolete-unclosed": ('#~ msgid "Gone"\n#~ msgstr "Ido\n', 2, 3),
    "duplicate": ('msgid "Contents"\nmsgstr "Contenido"\n\nmsgid "Contents"\nmsgstr "Índice"\n', 4, 4),
    "plural-gap": ('msgid "%d a"\nmsgid_plural "%d b"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 4, 4),
    "newline-mismatch": ('msgid "Contents\\n"\nmsgstr "Contenido"\n', 1, 2),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_fails_naming_the_line_gettext_names(tmp_path, name):
    body, line, gettext_line = BROKEN[name]
    path = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, encoding="utf-8")
    offset = HEADER.count("\n")
    errors = msgfmt_errors(path)
    assert f"messages.po:{offset + gettext_line}:" in errors, errors
    problems = [problem for problem in check_catalogue(path, Catalog(), shipped=False) if not problem.note]
    assert offset + line in [problem.line for problem in problems], problems
    assert all(problem.path == str(path) for problem in problems)


def test_check_fails_when_translate_toolkit_reads_another_message(tmp_path):
    """A msgid starting with "_: " is a KDE-style context to translate-toolkit (and Weblate), plain
    text to gettext and Babel: Weblate would show the translator something else."""
    path = tmp_path / "messages.po"
    path.write_text(HEADER + 'msgid "_: note\\nContents"\nmsgstr "Contenido"\n', encoding="utf-8")
    assert msgfmt_errors(path) == ""
    _, problems = check_compiles(path)
    found = [(problem.line, problem.text.split(":")[0]) for problem in problems]
    assert (HEADER.count("\n") + 1, "readers disagree") in found
    assert {rule for _, rule in found} == {"readers disagree"}


def test_check_through_the_cli_names_file_and_line_of_a_broken_string(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    path = translations / "fr" / "LC_MESSAGES" / "messages.po"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(index for index, line in enumerate(lines, start=1) if line == 'msgstr "Sommaire"')
    lines[number - 1] = 'msgstr "Sommaire'
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli(tmp_path, translations, "check")
    assert result.exit_code == 1
    expected = f"fr/LC_MESSAGES/messages.po:{number}: compile error: not valid PO: msgstr: end of line within a string"
    assert expected in result.output


PLACEHOLDERS = ("FIRST AUTHOR", "EMAIL@ADDRESS", "YEAR-MO-DA", "FULL NAME", "ORGANIZATION", "VERSION", "LL@li.org")


def test_the_template_header_has_no_placeholders(tmp_path):
    directory = tmp_path / "translations"
    result = cli(tmp_path, directory, "extract")
    assert result.exit_code == 0, result.output
    pot = directory / "messages.pot"
    header = pot.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert [placeholder for placeholder in PLACEHOLDERS if placeholder in header] == []
    assert '"Project-Id-Version: Child Health Guide\\n"' in header
    assert "POT-Creation-Date: 20" in header
    assert msgfmt_errors(pot) == "" and msgcat(pot) == pot.read_bytes()
    for path in SEED:
        seed_header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert [placeholder for placeholder in PLACEHOLDERS if placeholder in seed_header] == [], path


def test_a_new_catalogue_has_no_author_placeholder_in_its_comment(tmp_path):
    translations = copy_translations(tmp_path / "translations")
    result = cli(tmp_path, translations, "init", "de")
    assert result.exit_code == 0, result.output
    path = translations / "de" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# German translations for Child Health Guide.\n# Copyright (C) ")
    assert "FIRST AUTHOR" not in text and "ORGANIZATION" not in text
    assert msgfmt_errors(path) == "" and msgcat(path) == path.read_bytes()
