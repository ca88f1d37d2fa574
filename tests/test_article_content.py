"""The English article is readable, puts the most urgent advice first, cites its sources and
keeps the safety facts a clinical reviewer asked for; the loader refuses articles that do not."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import textstat

from app.content import URGENCIES, article_by_slug, parse_article
from tests.conftest import ARTICLE_SLUG

# Parents read this worried, on a phone, often in a second language.
MAX_GRADE = 8.0


@pytest.fixture(scope="module")
def article():
    return article_by_slug(ARTICLE_SLUG)


def body_text(article) -> str:
    """Every paragraph, list item and callout (not headings), joined as one text."""
    return " ".join(block.message.text for section in article.sections for block in section.blocks)


def test_body_reads_at_grade_8_or_lower(article):
    grade = textstat.flesch_kincaid_grade(body_text(article))
    print(f"Flesch-Kincaid grade of the English body text: {grade}")
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade} is above {MAX_GRADE}"


def test_first_callout_is_an_emergency_and_callouts_never_get_more_urgent(article):
    urgencies = [block.urgency for section in article.sections for block in section.blocks if block.kind == "warning"]
    assert urgencies, "the article has no warning callouts"
    assert urgencies[0] == "emergency"
    ranks = [URGENCIES.index(urgency) for urgency in urgencies]
    assert ranks == sorted(ranks), f"callouts out of urgency order: {urgencies}"


def test_only_warnings_carry_an_urgency(article):
    for section in article.sections:
        for block in section.blocks:
            assert (block.urgency is not None) == (block.kind == "warning"), block.message.context


def test_every_section_cites_a_listed_source(article):
    listed = {source.id for source in article.sources}
    for section in article.sections:
        assert section.source_ids, section.id
        assert set(section.source_ids) <= listed, section.id


def test_every_source_has_an_https_url_a_publisher_and_a_title(article):
    assert article.sources
    for source in article.sources:
        assert source.url.startswith("https://"), source.id
        assert source.publisher.strip(), source.id
        assert source.title.strip(), source.id
        assert source.language.strip(), source.id


@pytest.mark.parametrize("fact", ["5 minutes", "emergency number", "febrile", "on their side", "vitamin D"])
def test_safety_fact_is_present(article, fact):
    assert fact.lower() in body_text(article).lower()


def test_low_calcium_sign_is_described(article):
    text = body_text(article).lower()
    assert "tetany" in text or "claw" in text


@pytest.mark.parametrize("claim", ["mouse nerve growth factor", "lactic acid", "reduced consciousness"])
def test_outdated_or_unclear_claim_is_gone(article, claim):
    assert claim not in body_text(article).lower()


def test_emergency_advice_names_no_country_number(article):
    text = body_text(article)
    for number in ("999", "911", "112"):
        assert number not in text


MINIMAL = {
    "slug": "example",
    "source_version": dt.date(2026, 11, 30),
    "title": {"text": "Title"},
    "summary": {"text": "Summary"},
    "sources": [
        {"id": "nhs", "title": "Page", "publisher": "NHS", "url": "https://www.nhs.uk/", "language": "en-GB"},
    ],
    "sections": [
        {
            "id": "overview",
            "heading": {"text": "Overview"},
            "sources": ["nhs"],
            "blocks": [
                {"id": "intro", "kind": "paragraph", "text": "Some text."},
                {"id": "call", "kind": "warning", "urgency": "emergency", "required": True, "text": "Call now."},
            ],
        }
    ],
}


def minimal(change) -> dict:
    source = copy.deepcopy(MINIMAL)
    change(source)
    return source


def test_a_valid_minimal_article_loads():
    article = parse_article(copy.deepcopy(MINIMAL))
    assert article.sections[0].source_ids == ("nhs",)
    assert [block.urgency for block in article.sections[0].blocks] == [None, "emergency"]
    assert article.sources[0].publisher == "NHS"


def test_loader_rejects_a_section_without_sources():
    with pytest.raises(ValueError, match="at least one source"):
        parse_article(minimal(lambda source: source["sections"][0].pop("sources")))


def test_loader_rejects_a_section_citing_an_unknown_source():
    def cite_unknown(source):
        source["sections"][0]["sources"] = ["nhs", "nowhere"]

    with pytest.raises(ValueError, match="nowhere"):
        parse_article(minimal(cite_unknown))


def test_loader_rejects_a_warning_without_an_urgency():
    with pytest.raises(ValueError, match="urgency"):
        parse_article(minimal(lambda source: source["sections"][0]["blocks"][1].pop("urgency")))


def test_every_warning_must_be_required():
    with pytest.raises(ValueError, match="every warning must be marked `required: true`"):
        parse_article(minimal(lambda source: source["sections"][0]["blocks"][1].pop("required")))
    article = parse_article(minimal(lambda source: None))
    assert article.required_contexts() == {"example|overview|call"}


def test_loader_rejects_a_warning_with_an_unknown_urgency():
    def make_unknown(source):
        source["sections"][0]["blocks"][1]["urgency"] = "soonish"

    with pytest.raises(ValueError, match="soonish"):
        parse_article(minimal(make_unknown))


def test_an_urgent_warning_says_how_soon_and_only_it_does():
    def urgent_without_timeframe(source):
        source["sections"][0]["blocks"][1]["urgency"] = "urgent"

    with pytest.raises(ValueError, match="timeframe"):
        parse_article(minimal(urgent_without_timeframe))

    def emergency_with_timeframe(source):
        source["sections"][0]["blocks"][1]["timeframe"] = "today"

    with pytest.raises(ValueError, match="only an urgent warning has a timeframe"):
        parse_article(minimal(emergency_with_timeframe))


def test_rendered_callouts_carry_their_urgency(client):
    html = client.get(f"/en/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    classes = [f"callout--{urgency}" for urgency in URGENCIES]
    found = [name for name in classes if name in html]
    assert found == classes
    first = min(html.index(name) for name in classes)
    assert html.index("callout--emergency") == first


def with_items(source):
    source["sections"][0]["blocks"][1]["items"] = [
        {"id": "long-seizure", "text": "a seizure lasts more than 5 minutes", "note": "A point."},
        {"id": "breathing", "text": "your child struggles to breathe"},
    ]


def test_a_warnings_items_are_required_messages_of_their_own():
    article = parse_article(minimal(with_items))
    call = article.sections[0].blocks[1]
    assert [item.context for item in call.items] == [
        "example|overview|call|long-seizure",
        "example|overview|call|breathing",
    ]
    assert article.required_contexts() == {
        "example|overview|call",
        "example|overview|call|long-seizure",
        "example|overview|call|breathing",
    }
    assert [message.context for message in article.messages()][-2:] == [item.context for item in call.items]


def test_only_a_warning_has_items_and_their_ids_are_unique():
    def paragraph_items(source):
        source["sections"][0]["blocks"][0]["items"] = [{"id": "a", "text": "A."}]

    with pytest.raises(ValueError, match="only a warning has items"):
        parse_article(minimal(paragraph_items))

    def same_ids(source):
        with_items(source)
        source["sections"][0]["blocks"][1]["items"][1]["id"] = "long-seizure"

    with pytest.raises(ValueError, match="two items share an id"):
        parse_article(minimal(same_ids))


def test_only_the_first_section_may_be_the_at_a_glance_box():
    def second_at_a_glance(source):
        second = copy.deepcopy(source["sections"][0])
        second["id"] = "later"
        second["at_a_glance"] = True
        source["sections"].append(second)

    with pytest.raises(ValueError, match="only the first section"):
        parse_article(minimal(second_at_a_glance))
    first = parse_article(minimal(lambda source: source["sections"][0].update(at_a_glance=True)))
    assert first.sections[0].at_a_glance
    with pytest.raises(ValueError, match="true or false"):
        parse_article(minimal(lambda source: source["sections"][0].update(at_a_glance="yes")))
