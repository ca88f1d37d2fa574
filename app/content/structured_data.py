"""schema.org MedicalWebPage JSON-LD for an article page, safe to embed in a <script> data block."""

from __future__ import annotations

import json

from markupsafe import Markup

from app.content.rendering import RenderedArticle
from app.content.review import Review

# Inside <script>, only "</script>" (or "<!--") can end the block early, whatever the JSON
# says: writing these characters as JSON escapes keeps the same data and makes that impossible.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def embeddable_json(data: object) -> Markup:
    """JSON for a <script type="application/ld+json"> block; never contains <, > or &."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=None).translate(_HTML_SAFE))


def medical_web_page(
    rendered: RenderedArticle,
    *,
    page_lang: str,
    page_url: str,
    site_name: str,
    site_url: str,
    english_url: str | None,
    reviews: tuple[Review, ...] = (),
) -> dict[str, object]:
    """What a search engine may say about the page; it repeats what the page shows, nothing more.

    `english_url` is the English article a translation was made from (None on the English page).
    `reviews` are the recorded reviews of this page's own language against the current English:
    without one there is no `lastReviewed`, and `reviewedBy` names only a person a record names.
    """
    article = rendered.article
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": rendered.title.text,
        "headline": rendered.title.text,
        "description": rendered.summary.text,
        "inLanguage": page_lang,
        "url": page_url,
        "about": {"@type": "MedicalCondition", "name": rendered.title.text},
        "audience": {"@type": "PeopleAudience", "audienceType": "Parents"},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": source.title,
                "url": source.url,
                "publisher": {"@type": "Organization", "name": source.publisher},
                "inLanguage": source.language,
            }
            for source in article.sources
        ],
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
    }
    if reviews:
        data["lastReviewed"] = max(review.reviewed_on for review in reviews).isoformat()
        named = [review for review in reviews if review.reviewer]
        if named:
            data["reviewedBy"] = [{"@type": "Person", "name": review.reviewer} for review in named]
    if english_url is not None:
        data["translationOfWork"] = {"@type": "MedicalWebPage", "url": english_url, "inLanguage": "en"}
    return data
