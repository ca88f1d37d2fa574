"""Thin views: subscribe, confirm (GET shows a button, POST confirms), unsubscribe (incl. one-click)."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for

from app import cross_origin
from app.articles.page import add_page_part
from app.caching import public_page
from app.database import answer_if_unavailable
from app.extensions import csrf, limiter
from app.interface_fallback import gettext as _
from app.mail.outbox import after_response, deliver_after_response
from app.newsletter import service
from app.newsletter.aside import newsletter_aside_context
from app.newsletter.forms import ActionForm, SubscribeForm, consent_wording
from app.newsletter.mails import register_mail_kinds
from app.newsletter.tokens import read_confirm_token, read_unsubscribe_token

bp = Blueprint("newsletter", __name__)


@bp.record_once
def _setup(state) -> None:
    state.app.jinja_env.globals["consent_wording"] = consent_wording
    add_page_part(state.app, newsletter_aside_context)  # the subscribe aside on article pages
    register_mail_kinds(state.app)


# A source page is a path on this site, e.g. "/es/articles/muscle-spasms-in-children".
SOURCE_PAGE = re.compile(r"/[a-z-]{2,20}/[a-z0-9/-]{0,250}")


def _source_page(submitted: str | None, fallback: str) -> str:
    return submitted if submitted and SOURCE_PAGE.fullmatch(submitted) else fallback


@bp.route("/<locale>/subscribe", methods=["GET", "POST"])
@limiter.limit("10/minute;50/day", methods=["POST"])
@csrf.exempt  # a public form: refused by origin below, not by a per-reader token
@cross_origin.checked_in_view
@public_page()
def subscribe(locale: str):
    here = url_for("newsletter.subscribe")
    form = SubscribeForm()
    if request.method in ("GET", "HEAD"):
        form.source.data = here
        return render_template("newsletter/subscribe.html", form=form)
    if cross_origin.refused():
        # Translators: shown above the subscribe form when the request came from another website.
        refusal = _(
            "This form was sent from another website, so we did not accept it. Check your address and send it again."
        )
        return render_template(
            "newsletter/subscribe.html", form=form, page_has_errors=True, form_messages=[refusal]
        ), 403
    if not form.validate():
        return render_template("newsletter/subscribe.html", form=form, page_has_errors=True), 422
    # Translators: shown above the subscribe form when the subscription could not be saved.
    unsaved = _("We could not save your subscription just now. Please try again in a few minutes.")
    answer_if_unavailable(
        lambda: (
            render_template("newsletter/subscribe.html", form=form, page_has_errors=True, form_messages=[unsaved]),
            503,
            {"Retry-After": "30"},
        )
    )
    answer = redirect(url_for("newsletter.check_inbox"), code=303)
    if form.is_bot:
        return answer  # a filled honeypot gets the same answer and nothing else
    # Stored before the answer leaves (one INSERT, the same for every address), so no outage,
    # timeout or closed connection after it can lose the request. Whether the address is new,
    # pending or confirmed is looked up only after the answer has gone, or by the next
    # `flask newsletter drain` if that fails: the answer and its timing are the same for all.
    request_id = service.record_subscribe_request(
        form.email.data,
        locale=locale,
        consent_text=consent_wording(),
        source_page=_source_page(form.source.data, here),
    )
    return after_response(answer, lambda: service.process_subscribe_request(request_id))


@bp.get("/<locale>/subscribe/check-your-inbox")
@public_page()
def check_inbox(locale: str):
    return render_template("newsletter/check_inbox.html")


@bp.route("/<locale>/subscribe/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token in the URL is the secret; posts from other sites are refused by origin
@limiter.limit("20/minute", methods=["POST"])
def confirm(locale: str, token: str):
    found = read_confirm_token(token)
    form = ActionForm()
    if found.expired:
        if request.method == "POST":
            mail_ids = service.request_fresh_confirmation(found)
            answer = redirect(url_for("newsletter.check_inbox"), code=303)
            return deliver_after_response(answer, mail_ids)
        return render_template("newsletter/link_problem.html", problem="expired", form=form), 410
    if not found.valid:
        return render_template("newsletter/link_problem.html", problem="invalid"), 400
    if request.method == "GET":
        return render_template("newsletter/confirm.html", form=form)
    outcome, mail_ids = service.confirm(found)
    if outcome is service.ConfirmOutcome.NOT_PENDING:
        return render_template("newsletter/link_problem.html", problem="used"), 409
    answer = redirect(url_for("newsletter.confirmed"), code=303)
    return deliver_after_response(answer, mail_ids)


@bp.get("/<locale>/subscribe/confirmed")
@public_page()
def confirmed(locale: str):
    return render_template("newsletter/confirmed.html")


@bp.route("/<locale>/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click POSTs come from mail providers, with no cookie or token
@limiter.limit("20/minute", methods=["POST"])
def unsubscribe(locale: str, token: str):
    found = read_unsubscribe_token(token)
    if not found.valid:
        return render_template("newsletter/link_problem.html", problem="invalid"), 400
    form = ActionForm()
    if request.method in ("GET", "HEAD"):
        return render_template("newsletter/unsubscribe.html", form=form)
    if request.form.get("List-Unsubscribe") == "One-Click":
        service.unsubscribe(found)
        return render_template("newsletter/unsubscribed.html")
    service.unsubscribe(found)
    return redirect(url_for("newsletter.unsubscribed"), code=303)


@bp.get("/<locale>/unsubscribed")
@public_page()
def unsubscribed(locale: str):
    return render_template("newsletter/unsubscribed.html")
