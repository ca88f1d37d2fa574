"""Whether each article message's translation was made from the current English.

A translation records the English it was made from in its own msgid: catalogues key every
translation by (msgctxt, msgid), and every article block has a fixed msgctxt. So when the
English of a block changes, the catalogue still holds a translation for the block's msgctxt,
but of other English: before `flask translate update` under the old msgid, after it marked
fuzzy with the old English kept as `#| msgid`. Nobody has to record a version by hand, and
`pybabel update` or `flask translate update` keep the record as they merge.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from babel.messages.catalog import Catalog, Message

from app.content import Article


class State(enum.Enum):
    TRANSLATED = "translated"
    OUTDATED = "outdated"  # translated from English that has changed since
    MISSING = "missing"  # never translated


def _translated(message: Message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return bool(strings) and all(strings)


def english_of(article: Article) -> dict[str, str]:
    """The current English of every message of the article, by msgctxt."""
    return {message.context: message.text for message in article.messages()}


def message_states(catalog: Catalog, english: Mapping[str, str]) -> dict[str, State]:
    """The state in the catalogue of each message, given its current English by msgctxt."""
    by_context: dict[str, list[Message]] = {}
    for message in catalog:
        if message.id and message.context:
            by_context.setdefault(message.context, []).append(message)
    states = {}
    for context, text in english.items():
        current = catalog.get(text, context=context)
        if current is not None and _translated(current) and not current.fuzzy:
            states[context] = State.TRANSLATED
        elif any(_translated(message) for message in by_context.get(context, [])):
            states[context] = State.OUTDATED
        else:
            states[context] = State.MISSING
    return states
