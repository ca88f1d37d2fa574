"""The rules every article meets, run for every article file: the shipped ones and the test-only
second article (so the tests prove themselves on more than one article). Rules about what one
article says (its safety facts) stay in test_article_content.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import textstat

from app.content import URGENCIES, Article, load_article_file
from app.content.rendering import render_article
from app.content.structured_data import medical_web_page
from tests.articles_support import FIXTURE_ARTICLES, shipped_articles

ARTICLE_FILES = [*shipped_articles(), *sorted(FIXTURE_ARTICLES.glob("*.yaml"))]
# Parents read this worried, on a phone, often in a second language.
MAX_GRADE = 8.0


@pytest.fixture(params=ARTICLE_FILES, ids=lambda path: path.stem)
def article(request) -> Article:
    return load_article_file(Path(request.param))


def warnings(article: Article):
    return [block for section in article.sections for block in section.blocks if block.kind == "warning"]


def test_there_is_more_than_one_article_to_test():
    assert len(ARTICLE_FILES) >= 2


def test_body_reads_at_grade_8_or_lower(article):
    body = " ".join(block.message.text for section in article.sections for block in section.blocks)
    assert textstat.flesch_kincaid_grade(body) <= MAX_GRADE


def test_the_first_warning_is_an_emergency_and_warnings_never_get_more_urgent(article):
    urgencies = [block.urgency for block in warnings(article)]
    assert urgencies and urgencies[0] == "emergency"
    ranks = [URGENCIES.index(urgency) for urgency in urgencies]
    assert ranks == sorted(ranks), urgencies


def test_every_warning_and_its_items_are_required(article):
    required = article.required_contexts()
    for block in warnings(article):
        assert block.required and block.message.context in required
        assert {item.context for item in block.items} <= required


def test_every_section_cites_a_listed_public_source(article):
    listed = {source.id: source for source in article.sources}
    for section in article.sections:
        assert section.source_ids and set(section.source_ids) <= set(listed), section.id
    for source in article.sources:
        assert source.url.startswith("https://") and source.publisher.strip() and source.title.strip()


def test_at_most_the_first_section_is_the_at_a_glance_box(article):
    assert not any(section.at_a_glance for section in article.sections[1:])


def test_callouts_name_no_country_emergency_number(article):
    text = " ".join(message.text for block in warnings(article) for message in (block.message, *block.items))
    for number in ("999", "911", "112", "000", "15", "120"):
        assert f" {number} " not in f" {text} "


def test_structured_data_cites_every_source_and_claims_no_review_by_itself(article, app):
    with app.test_request_context("/en/"):
        data = medical_web_page(
            render_article(article, source_locale=True),
            page_lang="en",
            page_url=f"http://localhost/en/articles/{article.slug}",
            site_name="Child Health Guide",
            site_url="http://localhost/en/",
            english_url=None,
        )
    assert [citation["url"] for citation in data["citation"]] == [source.url for source in article.sources]
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert json.loads(json.dumps(data)) == data
