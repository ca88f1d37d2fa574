"""The emergency-numbers page: the verified numbers for a language's readers, each beside its source."""

from __future__ import annotations

from flask import render_template
from flask.blueprints import BlueprintSetupState

from app.articles import bp
from app.caching import public_page
from app.content.emergency_numbers import emergency_numbers, numbers_for


@bp.record_once
def _check_the_numbers_at_start_up(state: BlueprintSetupState) -> None:
    """A broken numbers file stops the site starting with a message naming the entry, rather
    than a 500 on the one page a frightened parent opens."""
    emergency_numbers()


@bp.get("/<locale>/emergency-numbers", endpoint="emergency_numbers")
@public_page()
def emergency_numbers_page(locale: str):
    return render_template("articles/emergency_numbers.html", countries=numbers_for(locale))
