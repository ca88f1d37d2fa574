"""The response side is one ordered function (app/response_pipeline.py): security headers, the
public/private rule, storing or compressing, then the 304. Each test here fails if a step moves
before one it depends on."""

from __future__ import annotations

import re

import brotli
import pytest

from app.response_pipeline import RESPONSE_STEPS, finish_response
from tests.comments_support import article_url
from tests.conftest import make_test_app

ARTICLE = article_url("en")


def _stylesheet(client) -> str:
    home = client.get("/en/").get_data(as_text=True)
    return re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', home).group(1)


def test_the_steps_run_in_the_documented_order():
    names = [step.__name__ for step in RESPONSE_STEPS]
    assert names == ["add_security_headers", "apply_policy", "store_or_compress", "answer_conditionally"]


def test_the_pipeline_is_the_only_response_hook_of_the_app_and_runs_after_any_other(app):
    hooks = app.after_request_funcs[None]
    # Flask runs response hooks last-registered-first: registered first, it runs last.
    assert hooks[0] is finish_response
    assert hooks.count(finish_response) == 1


def test_a_page_sent_from_the_store_carries_the_security_headers(app, client):
    """Security headers come before storing: the stored copy has them."""
    client.get(ARTICLE)
    assert len(app.extensions["public_page_store"]) == 1
    stored = client.get(ARTICLE)
    assert stored.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert stored.headers["X-Content-Type-Options"] == "nosniff"


def test_the_policy_marks_a_page_public_before_it_is_stored(app, client):
    """The policy comes before storing: storing keeps only what the policy published."""
    rendered = client.get(ARTICLE, headers={"Accept-Encoding": "br"})
    assert rendered.headers["Cache-Control"].startswith("public, ")
    assert rendered.headers["Content-Encoding"] == "br"
    assert len(app.extensions["public_page_store"]) == 1
    assert b"<h1" in brotli.decompress(rendered.data)


def test_a_private_page_is_compressed_per_request_and_stays_private(app, client):
    login = client.get("/en/moderation/login", headers={"Accept-Encoding": "gzip, br"})
    assert login.headers["Cache-Control"] == "private, no-store"
    assert login.headers["Content-Encoding"] == "br" and "Accept-Encoding" in login.vary
    assert b"csrf_token" in brotli.decompress(login.data)
    assert len(app.extensions["public_page_store"]) == 0


def test_a_reader_with_the_current_copy_of_a_compressed_file_gets_304(client):
    """The 304 comes after compressing: the reader's validator names the compressed bytes."""
    css = _stylesheet(client)
    first = client.get(css, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br" and first.headers["ETag"].endswith('-br"')
    again = client.get(css, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    plain = client.get(css, headers={"If-None-Match": first.headers["ETag"]})
    assert plain.status_code == 200 and b"{" in plain.data


@pytest.mark.parametrize("layer", [True, False], ids=["store", "flask"])
def test_a_reader_with_the_current_copy_of_a_page_gets_304(database_url, tmp_path, layer):
    client = make_test_app(database_url, tmp_path, PUBLIC_PAGE_LAYER=layer).test_client()
    for _twice in range(2):
        page = client.get(ARTICLE, headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        again = client.get(ARTICLE, headers={"Accept-Encoding": "gzip", "If-None-Match": page.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == page.headers["ETag"]
        assert again.headers["Content-Security-Policy"] == page.headers["Content-Security-Policy"]
