"""The locale in the URL is handled once, in routing (app/i18n/routing.py): no view checks it,
and links take the page's locale unless they name another."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

LOCALISED_VALUES = {"slug": "muscle-spasms-in-children", "token": "x", "letter": "m", "page": "2", "number": "1"}


def _localised_rules(app: Flask):
    return [rule for rule in app.url_map.iter_rules() if "locale" in rule.arguments]


def test_every_localised_route_is_refused_for_an_unknown_or_misspelt_locale_before_its_view_runs(app, client):
    app.config["WTF_CSRF_ENABLED"] = False  # the stand-in views below are not exempt as the real ones are
    called: list[str] = []
    rules = _localised_rules(app)
    assert len(rules) >= 15  # every page, form and moderation route sits under /<locale>/
    for rule in rules:
        app.view_functions[rule.endpoint] = lambda endpoint=rule.endpoint, **_values: called.append(endpoint) or "ran"
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        for code in ("de", "EN", "zh_Hans", "zh-HANS"):
            path = rule.build({**LOCALISED_VALUES, "locale": code}, append_unknown=False)[1]
            response = client.open(path, method=method, headers={"Sec-Fetch-Site": "same-origin"})
            assert response.status_code == 404, (method, path)
    assert called == []
    # The same routes with a registered code reach their views: the refusal above was the locale's.
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        path = rule.build({**LOCALISED_VALUES, "locale": "zh-hans"}, append_unknown=False)[1]
        client.open(path, method=method, headers={"Sec-Fetch-Site": "same-origin"})
    assert sorted(called) == sorted(rule.endpoint for rule in rules)


@pytest.mark.parametrize("page", ["/fr/about", "/ar/subscribe", "/zh-hans/moderation/login"])
def test_links_built_on_a_page_take_its_locale_unless_they_name_another(read_only_app, page):
    code = page.split("/")[1]
    with read_only_app.test_request_context(page):
        read_only_app.preprocess_request()
        assert url_for("articles.home") == f"/{code}/"
        assert url_for("articles.article", slug="a-slug") == f"/{code}/articles/a-slug"
        assert url_for("newsletter.subscribe") == f"/{code}/subscribe"
        assert url_for("moderation.queue") == f"/{code}/moderation/"
        assert url_for("articles.home", locale="es") == "/es/"  # the language switcher, hreflang
        assert url_for("articles.sitemap") == "/sitemap.xml"  # no locale in it: none added


def test_a_page_without_a_locale_in_its_address_links_in_the_negotiated_language(read_only_app):
    with read_only_app.test_request_context("/robots.txt", headers={"Accept-Language": "es-MX, en;q=0.5"}):
        read_only_app.preprocess_request()
        assert url_for("articles.about") == "/es/about"
