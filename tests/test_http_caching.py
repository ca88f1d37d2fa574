"""Conditional requests, compression and page weight (sizes, never timings)."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.conftest import ARTICLE_SLUG, LOCALE_CODES

ARTICLE = f"/en/articles/{ARTICLE_SLUG}"


def test_pages_carry_an_etag_and_answer_304(client):
    first = client.get(ARTICLE)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_a_stale_etag_gets_the_full_page(client):
    response = client.get(ARTICLE, headers={"If-None-Match": '"not-the-current-version"'})
    assert response.status_code == 200 and b"<h1" in response.data


def test_etag_differs_between_languages(client):
    etags = {client.get(f"/{code}/articles/{ARTICLE_SLUG}").headers["ETag"] for code in LOCALE_CODES}
    assert len(etags) == len(LOCALE_CODES)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_pages_are_compressed_and_vary_on_encoding(client, encoding):
    response = client.get(ARTICLE, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["ETag"].endswith(f':{encoding}"')


def test_root_redirect_varies_on_negotiation_inputs(client):
    vary = {value.strip() for value in client.get("/").headers["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


def test_page_weights_stay_within_budget(client):
    html = client.get(ARTICLE).get_data()
    assert len(gzip.compress(html)) <= 14 * 1024
    stylesheets = re.findall(rb'href="(/static/css/[^"]+\.css)"', html)
    assert stylesheets
    css_total = sum(len(gzip.compress(client.get(url.decode()).data)) for url in stylesheets)
    assert css_total <= 12 * 1024
    assert b"<script" not in html
