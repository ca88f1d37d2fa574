"""/<locale>/moderation/: login, logout, the queue and notification settings (every change is a POST with CSRF)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.comments.models import CommentStatus
from app.extensions import limiter, login_manager
from app.i18n.locales import registered_locales
from app.interface_fallback import gettext as _
from app.interface_fallback import ngettext
from app.mail.kinds import register_kind
from app.moderation.decisions import decide, pending_queue, pending_total
from app.moderation.forms import DecisionForm, LoginForm, NotificationSettingsForm
from app.moderation.notifications import DIGEST_MAIL, update_notifications
from app.moderation.service import authenticate, end_every_session
from app.moderation.waiting import waiting_summary
from app.security import client_network
from app.timeutil import utcnow

bp = Blueprint("moderation", __name__, url_prefix="/<locale>/moderation")
bp.record_once(lambda state: register_kind(state.app, DIGEST_MAIL))

STATUS_CATEGORY = "moderation-status"
DECISIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
}


@login_manager.unauthorized_handler
def _to_login():
    return redirect(url_for("moderation.login"), code=303)


def _login_limit() -> str:
    return current_app.config["MODERATION_LOGIN_LIMIT"]


def _account_login_limit() -> str:
    return current_app.config["MODERATION_LOGIN_ACCOUNT_LIMIT"]


def _account_and_network_key() -> str:
    """Guesses at one account count per client network, not across the world: a stranger who
    guesses wrong locks out only their own network, never the moderator signing in elsewhere."""
    account = (request.form.get("email") or "").strip().lower()[:254]
    return f"account:{account}|network:{client_network(request.remote_addr)}"


def _failed(response) -> bool:
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed, scope="moderation-login-ip"
)
@limiter.limit(
    _account_login_limit,
    key_func=_account_and_network_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="moderation-login-account-network",
)
def login(locale: str):
    if current_user.is_authenticated:
        return redirect(url_for("moderation.queue"), code=303)
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        moderator = authenticate(form.email.data, form.password.data)
        if moderator is not None:
            session.clear()  # a fresh session (and CSRF token) for the signed-in moderator
            login_user(moderator)
            return redirect(url_for("moderation.queue"), code=303)
        failed = True
        form.email.errors = [_("The email address or password is not right")]
        form.password.data = ""
    status = 422 if request.method == "POST" else 200
    return render_template(
        "moderation/login.html",
        form=form,
        posted=request.method == "POST",
        failed=failed,
        page_has_errors=status == 422,
    ), status


@bp.post("/logout")
@login_required
def logout(locale: str):
    end_every_session(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have signed out."), STATUS_CATEGORY)
    return redirect(url_for("moderation.login"), code=303)


def _render_queue(form: DecisionForm, status: int = 200, error: str | None = None):
    return render_template(
        "moderation/queue.html",
        form=form,
        comments=pending_queue(),
        total=pending_total(),
        summary=waiting_summary(),
        now=utcnow(),
        locales={loc.lang: loc for loc in registered_locales()},
        statuses=get_flashed_messages(category_filter=[STATUS_CATEGORY]),
        error=error,
        page_has_errors=error is not None,
    ), status


@bp.get("/")
@login_required
def queue(locale: str):
    return _render_queue(DecisionForm(formdata=None))


@bp.post("/decide")
@login_required
def decide_view(locale: str):
    form = DecisionForm()
    decision = form.decision() if form.validate() else None
    if decision is None:
        return _render_queue(form, 422, _("Select at least one comment, then choose what to do with it."))
    action, ids = decision
    changed = decide(ids, DECISIONS[action], current_user._get_current_object())
    messages = {
        # Translators: status message after moderating; %(num)d is the number of comments approved.
        "approve": ngettext("%(num)d comment approved.", "%(num)d comments approved.", len(changed)),
        # Translators: status message after moderating; %(num)d is the number of comments rejected.
        "reject": ngettext("%(num)d comment rejected.", "%(num)d comments rejected.", len(changed)),
        # Translators: status message after moderating; %(num)d is the number of comments marked as spam.
        "spam": ngettext("%(num)d comment marked as spam.", "%(num)d comments marked as spam.", len(changed)),
    }
    flash(messages[action], STATUS_CATEGORY)
    return redirect(url_for("moderation.queue"), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings(locale: str):
    moderator = current_user._get_current_object()
    form = NotificationSettingsForm(moderator)
    if form.validate_on_submit():
        update_notifications(
            moderator,
            notify=form.notify.data == "on",
            interval_minutes=form.interval.data,
            locale_code=form.locale.data,
        )
        # Translators: status message after a moderator saved their notification settings.
        flash(_("Your settings are saved."), STATUS_CATEGORY)
        return redirect(url_for("moderation.settings"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "moderation/settings.html",
        form=form,
        posted=request.method == "POST",
        statuses=get_flashed_messages(category_filter=[STATUS_CATEGORY]),
        page_has_errors=status == 422,
    ), status
