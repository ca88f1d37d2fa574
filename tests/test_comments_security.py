"""Comment safety: XSS and template-injection corpus, CSRF, honeypot, timing, rate limits."""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.comments.models import CommentStatus
from app.comments.sanitise import HTML_ELEMENTS, clean_text
from tests.comments_support import (
    all_comments,
    article_url,
    comment_section,
    comments_url,
    post_comment,
    set_status,
)
from tests.conftest import LOCALE_CODES, hypothesis_examples
from tests.fast_loop import locales_for_costly_corpus

XSS_AND_INJECTION = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<a href=javascript&colon;alert(1)>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<base href=//evil.example/>",
    "<textarea></textarea><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<x onclick=alert(1)>click me</x>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scrİpt>alert(1)</scrİpt>",
    "{{ 7*7 }}",
    "{{ config.items() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ request.application.__globals__ }}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{7*'7'}}",
    "{# comment #}{{ self }}",
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]
TEMPLATE_MARKERS = ["{{", "{%", "${", "#{", "<%="]
DANGEROUS_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style", "link", "meta", "base",
                  "form", "input", "details", "video", "audio", "source", "marquee", "math", "x",
                  "template", "noscript", "isindex", "body"}  # fmt: skip


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data) -> None:
        self.declarations.append(data)

    handle_decl = handle_pi = unknown_decl = handle_comment


def live_markup(text: str) -> list[object]:
    """What a browser would act on were the text not escaped: dangerous elements, links, event
    handlers, javascript: URLs, comments and declarations. (An unknown element without
    attributes, such as "<scrİpt>", is inert, and prose like "a<b and c>d" stays as typed.)"""
    collector = TagCollector()
    collector.feed(text)
    collector.close()
    found: list[object] = list(collector.declarations)
    for tag, attrs in collector.tags:
        if tag in DANGEROUS_TAGS or tag == "a":
            found.append(tag)
        found += [name for name, value in attrs if name.startswith("on") or "javascript:" in (value or "").lower()]
    return found


def comment_bodies_html(html: str) -> str:
    return "".join(re.findall(r'<li class="comment[^"]*"[^>]*>.*?</li>', comment_section(html), re.S))


def test_corpus_has_at_least_fifty_vectors():
    assert len(XSS_AND_INJECTION) >= 50


@pytest.mark.parametrize("vector", XSS_AND_INJECTION)
def test_cleaned_text_holds_no_markup_and_is_stable(vector):
    cleaned = clean_text(vector).text
    assert not live_markup(cleaned), cleaned
    assert clean_text(cleaned).text == cleaned and not clean_text(cleaned).changed


# --- what people type stays as typed -------------------------------------------------------------

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
PROPERTY = settings(max_examples=hypothesis_examples(300), deadline=None, database=None)  # no .hypothesis/ in the tree
# Any character a person can type, but controls (other than newline and tab), bidi overrides
# and "<" (markup's only way in; the strategies below add it back in prose-shaped places).
typed_characters = st.characters(
    blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI_CONTROLS + "<", whitelist_characters="\n\t"
)
# Weighted towards what naive sanitisers lose: joiners and marks, entities typed as text, ">".
tricky_pieces = st.sampled_from(["\u200c", "\u200d", "\u200e", "\u200f", "&", "&amp;", "&lt;b&gt;", "&copy", ">"])
typed_text = st.lists(st.one_of(typed_characters, tricky_pieces), max_size=200).map("".join)
# A "<" followed by anything that cannot open a tag: a digit, a space, "=", another "<", an emoji...
not_a_tag = st.builds(
    "<{}{}".format,
    st.characters(blacklist_categories=("Cc", "Cs", "Lu", "Ll"), blacklist_characters="/!?" + BIDI_CONTROLS),
    typed_text,
)
# "<", an HTML element name, then words that are not attributes: "a<b and c>d".
comparison = st.builds(
    "{}<{} {}>{}".format,
    typed_text,
    st.sampled_from(sorted(HTML_ELEMENTS)),
    st.lists(st.sampled_from(["and", "or", "c", "then", "is", "x", "mg", "vitamin"]), min_size=1, max_size=4).map(
        " ".join
    ),
    typed_text,
)


def as_typed(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def assert_kept(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.text == as_typed(text)
    assert not cleaned.changed


@PROPERTY
@given(typed_text)
def test_text_without_markup_survives_cleaning(text):
    assert_kept(text)


@PROPERTY
@given(st.lists(st.one_of(typed_text, not_a_tag)).map("".join))
def test_a_less_than_sign_that_opens_no_tag_is_kept(text):
    assert_kept(text)


@PROPERTY
@given(comparison)
def test_comparisons_that_look_like_tags_are_kept(text):
    assert_kept(text)


@pytest.mark.parametrize(
    "text",
    [
        "vitamin <b12 levels",
        "a <b12 c",
        "if x<y",
        "a<b and c>d",
        "I love it <3 and 2 > 1",
        "<grin> so tired </grin>",
        "AT&amp;T, &lt;b&gt; and &copy are typed, not decoded",
        "می\u200cخواهم",  # Persian "I want": the ZWNJ keeps the letters apart
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family emoji joined by ZWJ
        "\u200eLRM and RLM\u200f are kept",
    ],
)
def test_prose_and_joiners_are_kept(text):
    assert_kept(text)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<b>hi</b>", "hi"),
        ("<script>x</script>", ""),
        ("before <script>alert(1)</script> after", "before  after"),
        ("<p>one</p><p>two</p>", "onetwo"),
        ("<!-- hidden --> shown", "shown"),
        ("<scr<b>ipt>alert(1)</script>", ""),
    ],
)
def test_real_tags_are_removed_and_the_change_is_shown(typed, stored):
    cleaned = clean_text(typed)
    assert (cleaned.text, cleaned.changed) == (stored, True)


@pytest.mark.parametrize("override", list(BIDI_CONTROLS) + ["\x00", "\x1b", "\x85", "\x7f"])
def test_bidi_overrides_and_controls_are_removed(override):
    assert clean_text(f"abc{override}def\n\tghi").text == "abcdef\n\tghi"


@pytest.mark.parametrize("locale", locales_for_costly_corpus(LOCALE_CODES))
def test_xss_and_template_injection_in_both_fields_never_executes(app, client, locale):
    for number, vector in enumerate(XSS_AND_INJECTION):
        name, body = f"{number} {vector}"[:80], f"{vector} #{number}"
        response = post_comment(client, locale, name, body)
        if response.status_code == 422:
            # Markup was removed: the person is shown the cleaned text; sending that stores it.
            html = response.get_data(as_text=True)
            name = re.search(r'id="comment-name"[^>]*value="([^"]*)"', html)
            body = re.search(r"<textarea[^>]*>\r?\n(.*?)</textarea>", html, re.S)
            name = html_module.unescape(name.group(1)) if name else ""
            body = html_module.unescape(body.group(1)) if body else ""
            assert "<script" not in body.lower()
            if not (name.strip() and body.strip()):
                continue
            response = post_comment(client, locale, name, body)
        assert response.status_code == 303, (vector, response.status_code)

    stored = all_comments(app)
    assert len(stored) >= 45
    for comment in stored:
        for text in (comment.author_name, comment.body):
            assert not live_markup(text), text  # no markup stored
    set_status(app, [c.id for c in stored], CommentStatus.APPROVED)

    html = app.test_client().get(article_url(locale) + "?comments=1").get_data(as_text=True)
    pages = [html] + [
        app.test_client().get(article_url(locale) + f"?comments={page}").get_data(as_text=True) for page in (2, 3)
    ]
    shown = "".join(comment_bodies_html(page) for page in pages)
    collector = TagCollector()
    collector.feed(shown)
    for tag, attrs in collector.tags:
        assert tag not in DANGEROUS_TAGS and tag != "a", tag
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
        assert not any(value and "javascript:" in value.lower() for _, value in attrs)
    # Template syntax is shown as typed, never evaluated.
    assert "{{ 7*7 }}" in shown and "{{ config.items() }}" in shown and "${7*7}" in shown
    texts = re.findall(r'<p class="comment-text">(.*?)</p>', shown, re.S)
    assert not [t for t in texts if re.match(r"\s*(49|7777777)\b", t)]  # nothing was evaluated
    assert "SECRET_KEY" not in shown and "test-secret-key" not in shown
    assert all(html_module.escape(marker, quote=False) in shown for marker in TEMPLATE_MARKERS)


CROSS_ORIGIN_HEADERS = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.evil.example"},
]


@pytest.mark.parametrize("headers", CROSS_ORIGIN_HEADERS)
def test_a_post_from_another_website_is_403_with_the_text_kept(app, client, headers):
    response = post_comment(client, "en", "Mallory", "Words from elsewhere, please keep me", headers=headers)
    assert response.status_code == 403
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    assert "Words from elsewhere, please keep me" in html and 'value="Mallory"' in html
    assert 'id="comment-error-summary"' in html and "another website" in html
    assert all_comments(app) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},  # Sec-Fetch-Site decides
        {"Origin": "http://localhost"},
        {"Origin": "http://LOCALHOST:80"},
        {},  # neither header: not a browser, so no one's trust can be borrowed
    ],
)
def test_a_post_from_the_site_itself_or_no_browser_is_accepted(app, client, headers):
    response = client.post(comments_url("en"), data={"name": "A", "comment": "B", "website": ""}, headers=headers)
    assert response.status_code == 303
    assert len(all_comments(app)) == 1


def test_the_site_origin_comes_from_site_url_not_the_host_header(database_url, tmp_path):
    from tests.conftest import make_test_app

    hosts = ["localhost", "attacker.example"]  # even a host the site answers to is not its origin
    app = make_test_app(database_url, tmp_path, SITE_URL="https://guide.example", TRUSTED_HOSTS=hosts)
    client = app.test_client()
    spoofed = {"Origin": "http://attacker.example", "Host": "attacker.example"}
    assert post_comment(client, "en", "A", "B", headers=spoofed).status_code == 403
    assert post_comment(client, "en", "A", "B", headers={"Origin": "https://guide.example"}).status_code == 303


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_filled_honeypot_gets_the_same_303_and_is_stored_as_spam(app, client, locale):
    good = post_comment(client, locale, "Real", "A genuine comment")
    trap = post_comment(client, locale, "Bot", "Buy pills now", website="http://spam.example")
    assert good.status_code == trap.status_code == 303
    assert good.headers["Location"] == trap.headers["Location"]
    real, bot = all_comments(app)
    assert (real.status, bot.status) == (CommentStatus.PENDING, CommentStatus.SPAM)
    set_status(app, [real.id], CommentStatus.APPROVED)
    page = client.get(article_url(locale)).get_data(as_text=True)
    assert "Buy pills now" not in page and "spam" not in comment_section(page).lower()


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "COMMENT_RATE_LIMIT": "2/minute;5/day"}

    def test_over_the_limit_is_429_with_retry_after_and_the_text_kept(self, app, client):
        from app.extensions import limiter

        limiter.reset()
        client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
        assert post_comment(client, "en", "Rae", "First").status_code == 303
        assert post_comment(client, "en", "Rae", "Second").status_code == 303
        response = post_comment(client, "en", "Rae", "Third, please keep me")
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= 60
        html = response.get_data(as_text=True)
        assert "Third, please keep me" in html and 'value="Rae"' in html
        assert 'id="comment-error-summary"' in html
        assert len(all_comments(app)) == 2
        # Another network is not limited by this one.
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.44"
        assert post_comment(other, "en", "Kai", "Elsewhere").status_code == 303


def test_the_written_in_note_escapes_a_stored_language_tag(app):
    """The note under a comment in another language is built from stored data (its language
    tag): every value is escaped, nothing is marked safe."""
    from types import SimpleNamespace

    from flask import render_template_string

    from app.i18n.locales import find_locale, registered_locales
    from app.timeutil import utcnow

    hostile = 'es" onmouseover="alert(1)"><b>bold</b>'
    comment = SimpleNamespace(id=7, language=hostile, author_name="Ana", body="Hola", created_at=utcnow())
    template = '{% from "macros/comments.html" import comment_item %}{{ comment_item(c, locales, here) }}'
    with app.test_request_context("/en/"):
        locales = {loc.lang: loc for loc in registered_locales()}
        html = render_template_string(template, c=comment, locales=locales, here=find_locale("en"))
        known = render_template_string(
            template, c=SimpleNamespace(**{**vars(comment), "language": "es"}), locales=locales, here=find_locale("en")
        )
    assert "<b>" not in html and 'onmouseover="' not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&#34; onmouseover=&#34;" in html
    assert 'Written in <span lang="es" dir="ltr">Español</span>' in known
