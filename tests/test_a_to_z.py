"""A site of many articles in English: the home page is an A to Z, letters page through their
articles, every article is within three clicks of the home page, and the sitemap is an index of
parts. The articles are generated once for the module."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.articles import sitemaps
from app.content.listing import PER_PAGE, letter_key, letter_of
from tests.articles_support import forget_articles, seed_copies
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.html_tree import parse_html
from tests.sitemaps import NAMESPACES, sitemap_parts

# The A to Z ----------------------------------------------------------------------------------

MEASLES = {f"measles-{number:02d}": f"Measles {number:02d}" for number in range(1, 46)}
OTHERS = {"eczema": "Éczema", "asthma": "Asthma", "fever": "Fever"}


@pytest.fixture(scope="module", autouse=True)
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """49 articles in English for every test of this module: 46 under M (two pages), one each
    under A, E (accented) and F."""
    folder = seed_copies(tmp_path_factory.mktemp("many") / "articles", {**MEASLES, **OTHERS})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARTICLES_DIR", str(folder))
        forget_articles()
        yield folder
    forget_articles()


def test_letters_set_accents_and_alef_forms_aside():
    assert letter_of("Éczema") == "E" and letter_of("asthma") == "A"
    assert letter_of("أسباب التشنجات") == letter_of("ابن") == "ا"
    assert letter_of("12 tips") == "#" and letter_key("#") == "other" and letter_key("M") == "m"


def test_the_home_page_of_many_articles_is_an_a_to_z_under_40_kb(read_only_client):
    client = read_only_client
    response = client.get("/en/")
    html = response.get_data(as_text=True)
    assert len(response.data) < 40_000
    nav = parse_html(html).find("nav", class_="a-to-z")
    assert nav is not None and nav.attrs["aria-label"] == "Articles A to Z"
    assert [link.text() for link in nav.find_all("a")] == ["A", "E", "F", "M"]
    assert [link.attrs["href"] for link in nav.find_all("a")][:2] == ["/en/a-z/a", "/en/a-z/e"]
    assert 'class="article-list"' not in html  # no wall of links


def test_a_letter_page_lists_its_articles_in_pages(read_only_client):
    client = read_only_client
    first = parse_html(client.get("/en/a-z/m").get_data(as_text=True))
    assert first.find("h1").text() == "Articles starting with M"
    titles = [heading.text() for heading in first.find_all(class_="article-list__title")]
    assert titles == sorted(["Muscle spasms in children", *MEASLES.values()])[:PER_PAGE]
    pages = first.find("nav", class_="pagination")
    assert pages.attrs["aria-label"] == "Pages" and "Page 1 of 2" in pages.text()
    assert pages.find("a", rel="next").attrs["href"] == "/en/a-z/m/2" and pages.find("a", rel="prev") is None
    second = parse_html(client.get("/en/a-z/m/2").get_data(as_text=True))
    rest = [heading.text() for heading in second.find_all(class_="article-list__title")]
    assert len(titles) + len(rest) == len(MEASLES) + 1 and not set(titles) & set(rest)
    assert second.find("nav", class_="pagination").find("a", rel="prev").attrs["href"] == "/en/a-z/m"
    assert "Page 2 of 2" in second.find("title").text()
    # One address per page: no page 1 by number, no leading zero, nothing past the end or unused.
    for missing in ("/en/a-z/m/1", "/en/a-z/m/02", "/en/a-z/m/3", "/en/a-z/q", "/en/a-z/M"):
        assert client.get(missing).status_code == 404, missing
    accented = parse_html(client.get("/en/a-z/e").get_data(as_text=True))
    assert [heading.text() for heading in accented.find_all(class_="article-list__title")] == ["Éczema"]


def test_every_article_is_within_three_clicks_of_the_home_page(read_only_client):
    client = read_only_client
    seen, frontier = {"/en/"}, ["/en/"]
    for _ in range(3):
        found = []
        # Article pages are not opened: a path through another article would not count, so the
        # check is stricter than a reader's clicks (and spares rendering 49 articles).
        for url in frontier:
            if url.startswith("/en/articles/"):
                continue
            html = client.get(url).get_data(as_text=True)
            found += [link for link in re.findall(r'href="(/en/(?:a-z|articles)/[^"#?]*)"', html) if link not in seen]
        seen.update(found)
        frontier = list(dict.fromkeys(found))
    articles = {url for url in seen if url.startswith("/en/articles/")}
    assert articles == {f"/en/articles/{slug}" for slug in [ARTICLE_SLUG, *MEASLES, *OTHERS]}


# The sitemap index ---------------------------------------------------------------------------


def test_the_shipped_part_size_is_well_within_the_sitemap_limits():
    # 50,000 URLs and 50 MB per file; an entry with six alternates is about 1 KB.
    assert sitemaps.URLS_PER_PART <= 50_000 and sitemaps.URLS_PER_PART * 1_200 < 50_000_000


def test_the_sitemap_is_an_index_of_parts_within_the_protocols_limits(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_PART", 20)
    client = make_test_app(database_url, tmp_path).test_client()
    parts = sitemap_parts(client)
    index = client.get("/sitemap.xml").get_data(as_text=True)
    english = re.findall(r"<loc>http://localhost(/sitemaps/en/\d+\.xml)</loc>", index)
    # 3 pages, 5 letter pages (M has two), 49 articles: 57 URLs in parts of 20.
    assert english == ["/sitemaps/en/1.xml", "/sitemaps/en/2.xml", "/sitemaps/en/3.xml"]
    locations = [loc.text for part in parts for loc in ET.fromstring(part).findall("s:url/s:loc", NAMESPACES)]
    assert len(locations) == len(set(locations))
    for part in parts:
        assert len(ET.fromstring(part).findall("s:url", NAMESPACES)) <= 20
    for slug in [ARTICLE_SLUG, *MEASLES, *OTHERS]:
        assert f"http://localhost/en/articles/{slug}" in locations
    assert "http://localhost/en/a-z/m/2" in locations
    for missing in ("/sitemaps/en/0.xml", "/sitemaps/en/01.xml", "/sitemaps/en/4.xml", "/sitemaps/xx/1.xml"):
        assert client.get(missing).status_code == 404, missing
