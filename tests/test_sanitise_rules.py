"""The comment sanitiser, as a poster, a reader and an attacker meet it: markup that a browser
would read as a tag is removed (and the poster is shown the result), text that merely looks
like markup stays as typed, and a moderator is told why to look twice."""

from __future__ import annotations

import pytest

from app.comments.sanitise import clean_text, flags_for, normalise
from tests.comments_support import post_comment


def removed(typed: str, stored: str) -> None:
    cleaned = clean_text(typed)
    assert (cleaned.text, cleaned.changed) == (stored, True), typed
    again = clean_text(cleaned.text)  # what the poster confirms is stored as shown
    assert (again.text, again.changed) == (stored, False)


def kept(typed: str) -> None:
    cleaned = clean_text(typed)
    assert (cleaned.text, cleaned.changed) == (typed, False), typed


# --- "/" separates attributes, as in a browser's tokenizer (issue 24, item 6) ---------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<svg/onload=alert(1)>", ""),
        ("<img/src=x/onerror=alert(1)>", ""),
        ("hi <img src=x/onerror=alert(1)> there", "hi  there"),  # one unquoted value, up to the space
        ("<svg/onload=alert(1)//>after", "after"),
        ("<x/onclick=alert(1)>click me</x>", "click me"),
        ('<a href="x"onclick=alert(1)>link</a>', "link"),  # an attribute right after a quoted value
        ("<b\tclass=x\n/>bold</b>", "bold"),
        ("<img src=x onerror=alert(1)/>", ""),
        ("<IMG SRC=x ONERROR=alert(1)>", ""),
    ],
)
def test_a_slash_between_attributes_does_not_hide_a_tag(typed, stored):
    removed(typed, stored)


@pytest.mark.parametrize(
    "typed",
    [
        "vitamin <b12 levels",
        "if x<y",
        "a<b/c>d",  # "c" is no attribute a tag could carry
        "and/or <i/o> ports",
        "<a/b> testing",
        '<b x"y>',
        "x <y=3> z",
        "<x onclick>hello",  # an unknown element with only an empty handler is prose
        "<grin/> so tired",
        "5 < 6 and 7 > 6",
    ],
)
def test_text_that_merely_looks_like_markup_with_slashes_stays_whole(typed):
    kept(typed)


def test_the_poster_is_asked_to_confirm_the_cleaned_text(app, client):
    response = post_comment(client, "en", "Sam", "Nice article <svg/onload=alert(1)> thanks")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nice article  thanks" in html and "onload" not in html


# --- tags and their attributes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<b>bold</b> text", "bold text"),
        ("<B>bold</B>", "bold"),
        ("hi</b>", "hi"),  # a stray end tag of an HTML element is markup too
        ("<br>", ""),
        ("<br/>line", "line"),
        ("<hr />rule", "rule"),
        ("<b hidden>secret</b>", "secret"),  # an attribute HTML allows without a value
        ("<input disabled>", ""),
        ("<b ONCLICK>x</b>", "x"),  # an event handler without a value, in capitals
        ("<img src=x onerror>", ""),
        ("<details open ontoggle>d</details>", "d"),
        ("<custom-card data-id=7>card</custom-card>", "card"),  # any element with a name=value attribute
        ("<Custom data-id=7>card</Custom>", "card"),
        ("<my-widget title='x'>w</my-widget>", "w"),
        ('<a title="<b>">text</a>', "text"),  # a "<" inside a quoted value
        ('<my-card title="<b>">card</my-card>', "card"),  # and the markup after it still counts
        ("<<b>x", "<x"),
        ("<p>one</p><p>two</p>", "onetwo"),
        ("<!doctype html>page", "page"),
        ("<?php echo 1 ?>php", "php"),
        ("<![CDATA[x]]>y", "y"),
        ("a<!-- note -->b", "ab"),
        ("x<svg><circle r=1 /></svg>y", "xy"),
        ("<math><mi>x</mi></math>", ""),  # MathML goes with its content, like script
    ],
)
def test_real_markup_is_removed(typed, stored):
    removed(typed, stored)


@pytest.mark.parametrize(
    "typed",
    [
        "a<b and c>d",
        "<b and c>",  # words that are no attributes
        "<b class>",  # "class" needs a value
        "<grin> so tired </grin>",
        "<thing> element </thing>",
        "</grin> alone",
        "<3 you",
        "x<5 and y>2",
        "AT&T and AT&amp;T, &lt;b&gt;",
        "<scrİpt>",
    ],
)
def test_prose_that_looks_like_markup_is_kept(typed):
    kept(typed)


# --- nested and split tags, and the last resort ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<scr<b>ipt>alert(1)</script>", ""),
        ("<scr<scr<b>ipt>ipt>alert(1)</script></script>", "<scr"),
        ("<<b>b>bold", "bold"),
        ("a <<<b>b>b> c", "a  c"),
        ("a <<<<<b>b>b>b>b> c", "a  c"),  # five rounds of removal
    ],
)
def test_tags_split_by_other_tags_are_removed_round_after_round(typed, stored):
    removed(typed, stored)


@pytest.mark.parametrize("depth", [6, 7, 12])
def test_markup_nested_deeper_than_five_rounds_loses_every_angle_bracket(depth):
    typed = "a " + "<" * depth + "b>" * depth + " c"
    cleaned = clean_text(typed)
    assert cleaned.changed
    assert "<" not in cleaned.text and ">" not in cleaned.text
    assert cleaned.text == "a " + "b" * (depth - 5) + " c"
    assert not clean_text(cleaned.text).changed


# --- characters ---------------------------------------------------------------------------------


def test_line_breaks_from_a_textarea_are_kept_as_newlines():
    # Browsers send a textarea's line breaks as CRLF; old Macs' as CR alone.
    assert clean_text("line one\r\nline two\r\n\r\nline four").text == "line one\nline two\n\nline four"
    assert clean_text("one\rtwo").text == "one\ntwo"
    assert not clean_text("one\r\ntwo").changed
    removed("<b>one</b>\r\ntwo", "one\ntwo")


@pytest.mark.parametrize("typed", ["  spaced out \n", "\t\ttabbed\t"])
def test_surrounding_blank_space_goes_and_inner_space_stays(typed):
    assert normalise(typed) == typed.strip()
    assert normalise("a  b\tc") == "a  b\tc"


def test_text_is_stored_composed():
    assert normalise("cafe\u0301") == "caf\u00e9"
    assert clean_text("<b>cafe\u0301</b>").text == "caf\u00e9"


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u2069"])
def test_controls_and_bidi_overrides_go_and_tabs_newlines_and_joiners_stay(control):
    assert normalise(f"a{control}b\tc\nd\u200de\u200cf\u200eg\u200fh") == "ab\tc\nd\u200de\u200cf\u200eg\u200fh"


# --- why a moderator should look twice ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("Thank you, this helped my son.", []),
        ("Give 2.5 ml every 4-6 hours, max 4 doses.", []),
        ("Born 2019, now 5.", []),
        ("call me on 0123 456 789", ["phone"]),
        ("+44 (0)20 7946 0018", ["phone"]),
        ("07946-001-234", ["phone"]),
        ("mail parent.name+kids@mail.example.org", ["email"]),
        ("see https://evil.example/page", ["link"]),
        ("see HTTP://EVIL.EXAMPLE", ["link"]),
        ("go to www.pills.example", ["link"]),
        ("buy at cheap-pills.com today", ["link"]),
        ("BUY AT PILLS.RU", ["link"]),
        ("pills.net, pills.org, pills.info, pills.biz, pills.cn, pills.io, pills.co", ["link"]),
        ("http://www.nhs.uk@evil.example/x", ["email", "link"]),  # an address that is also a link
        ("name@example.com or 0123 456 7890 or example.org", ["email", "link", "phone"]),
    ],
)
def test_contact_details_and_links_are_flagged_for_moderators(text, flags):
    assert flags_for(text) == flags


@pytest.mark.parametrize("text", ["a file.com", "x.co"])
def test_every_listed_domain_ending_is_a_link(text):
    assert flags_for(text) == ["link"]
