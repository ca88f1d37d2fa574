"""The site foundation: every locale's pages, negotiation, switcher, hreflang, sitemap, 404s."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.conftest import ARTICLE_SLUG, LOCALE_CODES
from tests.html_tree import Element, parse_html
from tests.sitemaps import NAMESPACES, sitemap_parts

LANG_AND_DIR = {
    "en": ("en", "ltr"),
    "es": ("es", "ltr"),
    "fr": ("fr", "ltr"),
    "zh-hans": ("zh-Hans", "ltr"),
    "ar": ("ar", "rtl"),
}


class Outline(HTMLParser):
    """Collects what a screen-reader user navigates by: landmarks, headings, links."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        self.tags.append((tag, attributes))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def outline_of(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def page_urls(locale: str) -> list[str]:
    return [f"/{locale}/", f"/{locale}/articles/{ARTICLE_SLUG}", f"/{locale}/about"]


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_pages_have_language_direction_one_h1_and_landmarks(read_only_client, locale):
    for url in page_urls(locale):
        response = read_only_client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        outline = outline_of(html)
        assert (outline.html_attrs["lang"], outline.html_attrs["dir"]) == LANG_AND_DIR[locale]
        assert len(outline.all("h1")) == 1
        for landmark in ("header", "main", "footer"):
            assert outline.all(landmark), f"{url} lacks <{landmark}>"
        navs = outline.all("nav")
        assert navs and all(nav.get("aria-label") or nav.get("aria-labelledby") for nav in navs)
        first_link = outline.all("a")[0]
        assert first_link["href"] == "#main" and "skip-link" in (first_link.get("class") or "")


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_switcher_links_to_same_page_in_every_language(read_only_client, locale):
    html = read_only_client.get(f"/{locale}/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    links = outline_of(switcher).all("a")
    assert [link["href"] for link in links] == [f"/{code}/articles/{ARTICLE_SLUG}" for code in LOCALE_CODES]
    for link, code in zip(links, LOCALE_CODES, strict=True):
        assert link["lang"] == LANG_AND_DIR[code][0] and link["hreflang"] == LANG_AND_DIR[code][0]
        assert ("aria-current" in link) == (code == locale)
    assert '<a href="/ar/articles/muscle-spasms-in-children" lang="ar" hreflang="ar"' in switcher


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_hreflang_alternates_cover_every_locale_and_x_default(read_only_client, locale):
    html = read_only_client.get(f"/{locale}/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    alternates = {
        attrs["hreflang"]: attrs["href"] for attrs in outline_of(html).all("link") if attrs.get("rel") == "alternate"
    }
    expected = {LANG_AND_DIR[code][0]: f"http://localhost/{code}/articles/{ARTICLE_SLUG}" for code in LOCALE_CODES}
    expected["x-default"] = f"http://localhost/en/articles/{ARTICLE_SLUG}"
    assert alternates == expected


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_home_pages_x_default_is_the_address_that_picks_a_language(read_only_client, locale):
    html = read_only_client.get(f"/{locale}/").get_data(as_text=True)
    alternates = {
        attrs["hreflang"]: attrs["href"] for attrs in outline_of(html).all("link") if attrs.get("rel") == "alternate"
    }
    assert alternates["x-default"] == "http://localhost/"
    assert alternates["en"] == "http://localhost/en/"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh-hans"),
        ("zh-Hans-HK", "zh-hans"),
        ("zh-TW,en;q=0.5", "en"),
        ("es-MX,es;q=0.9", "es"),
        ("fr-CA", "fr"),
        ("ar-EG,ar;q=0.8", "ar"),
        ("de-DE,fr;q=0.7,es;q=0.9", "es"),
        ("xx;q=1, *;q=0.1", "en"),
        ("!!garbage;;q=oops", "en"),
    ],
)
def test_root_negotiates_locale_from_accept_language_alone(read_only_client, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    read_only_client.set_cookie("locale", "ar")  # an old remembered language no longer counts
    response = read_only_client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"
    assert set(response.vary) == {"Accept-Encoding", "Accept-Language"}
    assert response.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in response.headers


def test_reading_a_page_sets_no_language_cookie(client):
    response = client.get(f"/fr/articles/{ARTICLE_SLUG}")
    assert "Set-Cookie" not in response.headers
    assert client.get("/", headers={"Accept-Language": "es"}).headers["Location"] == "/es/"


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_unknown_pages_get_a_translated_404(read_only_client, locale):
    for url in (f"/{locale}/articles/no-such-article", f"/{locale}/no/such/page"):
        response = read_only_client.get(url)
        assert response.status_code == 404
        outline = outline_of(response.get_data(as_text=True))
        assert outline.html_attrs["lang"] == LANG_AND_DIR[locale][0]
        assert len(outline.all("h1")) == 1


def test_unknown_locale_is_404_in_english(read_only_client):
    for url in ("/de/", f"/xx/articles/{ARTICLE_SLUG}", "/EN/", "/zh_Hans/"):
        response = read_only_client.get(url)
        assert response.status_code == 404, url
        assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)


def test_404_title_is_translated(read_only_client):
    english = read_only_client.get("/en/nope").get_data(as_text=True)
    spanish = read_only_client.get("/es/nope").get_data(as_text=True)
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert title.search(english).group(1) != title.search(spanish).group(1)


def test_sitemap_lists_every_page_with_alternates(read_only_client):
    namespaces = NAMESPACES
    urls = [url for part in sitemap_parts(read_only_client) for url in ET.fromstring(part).findall("s:url", namespaces)]
    locations = {url.find("s:loc", namespaces).text for url in urls}
    for code in LOCALE_CODES:
        assert f"http://localhost/{code}/" in locations
        assert f"http://localhost/{code}/articles/{ARTICLE_SLUG}" in locations
    everywhere = {"en", "es", "fr", "zh-Hans", "ar", "x-default"}
    for url in urls:
        hreflangs = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)}
        location = url.find("s:loc", namespaces).text
        if "/a-z/" in location:
            # A letter of the A to Z is a page of its own language: no alternates.
            assert hreflangs == {}, location
            continue
        # Every page is in every language, except an article not yet published in some
        # (docs/architecture.md, "Languages"):
        # it lists, and is listed under, only the languages that publish it.
        if "/articles/" not in location or location.endswith(f"/articles/{ARTICLE_SLUG}"):
            assert set(hreflangs) == everywhere, location
        else:
            assert {"en", "x-default"} <= set(hreflangs) <= everywhere, location
        assert location in hreflangs.values(), location
        # A home page's x-default is "/", which picks the reader's language; others are English.
        is_home = url.find("s:loc", namespaces).text.endswith("/")
        expected = "http://localhost/" if is_home else hreflangs["en"]
        assert hreflangs["x-default"] == expected, url.find("s:loc", namespaces).text


def test_robots_points_to_sitemap_and_hides_moderation(read_only_client):
    body = read_only_client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in body
    assert "Disallow: /en/moderation/" in body


def test_healthz_reports_database(read_only_client):
    response = read_only_client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", ["/en/", f"/ar/articles/{ARTICLE_SLUG}", "/en/missing", "/healthz", "/robots.txt"])
def test_security_headers_on_every_kind_of_response(read_only_client, url):
    headers = read_only_client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "script-src" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# The one kind of <script> a page may carry: a JSON-LD data block, which browsers never run.
DATA_BLOCK = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


def test_templates_have_no_inline_script_or_style(read_only_client):
    for code in LOCALE_CODES:
        for url in page_urls(code):
            html = DATA_BLOCK.sub("", read_only_client.get(url).get_data(as_text=True))
            assert "<script" not in html and "<style" not in html and " style=" not in html
            assert "http://" not in re.sub(r'(href|content)="http://localhost[^"]*"', "", html).replace(
                "http://www.w3.org", ""
            )


def test_static_files_are_fingerprinted_and_immutable(read_only_client):
    html = read_only_client.get("/en/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    response = read_only_client.get(css)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert read_only_client.get("/static/css/site.css").status_code == 404
    assert read_only_client.get("/static/css/site.0000000000.css").status_code == 404
    assert read_only_client.get("/static/../app/config.py").status_code == 400  # a dot segment: refused


def test_the_favicon_is_linked_fingerprinted_and_answered_at_the_conventional_path(read_only_client):
    html = read_only_client.get("/en/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.[0-9a-f]{10}\.svg)" type="image/svg\+xml">', html)
    assert icon is not None
    linked = read_only_client.get(icon.group(1))
    assert linked.status_code == 200 and linked.mimetype == "image/svg+xml"
    assert linked.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"<svg" in linked.data
    # Asked for by browsers and crawlers whatever the page links to: an icon, not a locale.
    conventional = read_only_client.get("/favicon.ico")
    assert conventional.status_code == 200 and conventional.mimetype == "image/vnd.microsoft.icon"
    assert conventional.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert conventional.headers["Cache-Control"].startswith("public")


# What a screen-reader user navigates by ------------------------------------------------------

# Elements that are landmarks wherever they are (header and footer only outside article,
# section, aside, nav and main: inside those they are not banner/contentinfo).
SECTIONING = {"article", "section", "aside", "nav", "main"}


LANDMARK_ROLES = {"region", "search", "form", "banner", "contentinfo", "complementary", "navigation", "main"}


def is_landmark(element: Element) -> bool:
    if element.tag in ("header", "footer"):
        return not any(ancestor.tag in SECTIONING for ancestor in element.ancestors())
    named = bool(element.attrs.get("aria-label") or element.attrs.get("aria-labelledby"))
    return (
        element.tag in ("nav", "main", "aside")
        or (element.tag in ("form", "section") and named)
        or element.attrs.get("role") in LANDMARK_ROLES
    )


def landmarks_of(root: Element) -> list[Element]:
    return [element for element in root.iter() if is_landmark(element)]


def name_of(root: Element, element: Element) -> str:
    label = element.attrs.get("aria-label")
    if label:
        return label
    ids = (element.attrs.get("aria-labelledby") or "").split()
    return " ".join(" ".join(root.find(id=ident).text().split()) for ident in ids if root.find(id=ident))


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_article_has_few_landmarks_and_both_forms_are_named(read_only_client, locale):
    root = parse_html(read_only_client.get(f"/{locale}/articles/{ARTICLE_SLUG}").get_data(as_text=True))
    landmarks = landmarks_of(root)
    kinds = [element.tag for element in landmarks]
    assert kinds == ["header", "nav", "main", "nav", "form", "aside", "form", "footer"], kinds
    # Sections repeat the heading list, so none is a region.
    assert not [section for section in root.find_all("section") if name_of(root, section)]
    comment_form = root.find("form", class_="comment-form")
    subscribe_form = root.find("form", class_="subscribe-form")
    assert name_of(root, comment_form) == " ".join(root.find(id="comment-form-heading").text().split())
    assert name_of(root, subscribe_form) == " ".join(root.find(id="newsletter-heading").text().split())
    assert name_of(root, comment_form) and name_of(root, subscribe_form)
    assert name_of(root, comment_form) != name_of(root, subscribe_form)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_subscribe_page_form_is_named_by_its_heading(read_only_client, locale):
    root = parse_html(read_only_client.get(f"/{locale}/subscribe").get_data(as_text=True))
    form = root.find("form", class_="subscribe-form")
    heading = root.find("h1")
    assert form.attrs.get("aria-labelledby") == heading.attrs.get("id") and heading.text().strip()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["<strong>Important:</strong> This", ">Emergency:</span> Call"]),
        ("fr", ["<strong>Important\u00a0:</strong> Cet"]),
        ("ar", ["<strong>مهم:</strong> "]),
        # A full-width colon carries its own spacing: no space after it.
        ("zh-hans", ["<strong>重要提示：</strong>本", ">危急：</span>", "资料来源：</span><ul"]),
    ],
)
def test_a_label_is_followed_by_one_gap_in_every_script(read_only_client, locale, expected):
    html = read_only_client.get(f"/{locale}/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    for fragment in expected:
        assert fragment in html, fragment
    assert not re.search(r"：\s", html.split("<body", 1)[1])


def test_static_files_are_resolved_once_and_any_other_spelling_is_refused(read_only_client):
    from app.assets import _by_name, static_files

    html = read_only_client.get("/en/").get_data(as_text=True)
    css = re.search(r'href="/static/(css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    folder, name = css.split("/")
    spellings = {
        f"/static/{folder}/x/../{name}": 400,  # dot segments: refused before routing
        f"/static/{folder}/./{name}": 400,
        f"/static/{folder}//{name}": 400,
        f"/static/{folder}/%2e/{name}": 400,
        f"/static/{folder.upper()}/{name}": 404,
        f"/static/{folder}/{name}/": 404,
        f"/static/{folder}/{name.upper()}": 404,
        f"/static/{folder}/{name}%00": 404,
        f"/static/{folder}/{name}\\": 404,
    }
    for path, status in spellings.items():
        assert read_only_client.get(path).status_code == status, path
    assert read_only_client.get(f"/static/{css}").status_code == 200
    # One table, made once: requests add nothing to it.
    assert static_files.cache_info().currsize == 1 and _by_name.cache_info().currsize == 1
    assert css in static_files() and len(static_files()) == 4
