"""An article page's revision (its comments) is read through SQLAlchemy and trusted by a worker
for PAGE_REVISION_MAX_AGE seconds: a decision made elsewhere shows within that time, one made
through this worker at once."""

from __future__ import annotations

from sqlalchemy import update

from app.caching import revision
from app.comments.models import Comment, CommentStatus
from app.config import settings_from_environment
from app.extensions import db
from app.timeutil import utcnow
from tests.comments_support import all_comments, article_url, post_comment, set_status
from tests.conftest import make_test_app


class Clock:
    """Stands in for time.monotonic in app.caching.revision."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _approve_elsewhere(app, comment_id: int) -> None:
    """The decision as another worker or host makes it: straight in the database."""
    with app.app_context():
        values = {"status": CommentStatus.APPROVED, "decided_at": utcnow()}
        db.session.execute(update(Comment).where(Comment.id == comment_id).values(**values))
        db.session.commit()


def _shown(client, text: str) -> bool:
    return text in client.get(article_url("en")).get_data(as_text=True)


def test_a_decision_made_elsewhere_shows_once_the_revision_is_older_than_its_max_age(
    database_url, tmp_path, monkeypatch
):
    clock = Clock()
    monkeypatch.setattr(revision.time, "monotonic", clock)
    app = make_test_app(database_url, tmp_path, PAGE_REVISION_MAX_AGE=30)
    reader = app.test_client()
    post_comment(app.test_client(), "en", "Sam", "Approved by another worker")
    assert not _shown(reader, "Approved by another worker")  # the page, stored with its revision

    _approve_elsewhere(app, all_comments(app)[0].id)
    clock.now += 29.9
    assert not _shown(reader, "Approved by another worker")  # trusted for 30 s: not read again
    clock.now += 0.2
    assert _shown(reader, "Approved by another worker")  # older than 30 s: read again, shown


def test_a_decision_made_through_this_worker_shows_at_once(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(revision.time, "monotonic", Clock())  # time stands still
    app = make_test_app(database_url, tmp_path, PAGE_REVISION_MAX_AGE=30)
    reader = app.test_client()
    post_comment(app.test_client(), "en", "Sam", "Approved through this worker")
    assert not _shown(reader, "Approved through this worker")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)  # the moderation decision
    assert _shown(reader, "Approved through this worker")


def test_no_max_age_reads_the_revision_on_every_view(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(revision.time, "monotonic", Clock())
    app = make_test_app(database_url, tmp_path, PAGE_REVISION_MAX_AGE=0)
    reader = app.test_client()
    post_comment(app.test_client(), "en", "Sam", "Read on every view")
    assert not _shown(reader, "Read on every view")
    _approve_elsewhere(app, all_comments(app)[0].id)
    assert _shown(reader, "Read on every view")


def test_the_default_max_age_is_a_second_well_inside_the_shared_lifetime(monkeypatch, tmp_path):
    monkeypatch.delenv("PAGE_REVISION_MAX_AGE", raising=False)
    config = settings_from_environment(tmp_path)
    assert config["PAGE_REVISION_MAX_AGE"] == 1
    assert config["PAGE_REVISION_MAX_AGE"] < config["PUBLIC_SHARED_MAX_AGE"] + config["PUBLIC_STALE_WHILE_REVALIDATE"]
    monkeypatch.setenv("PAGE_REVISION_MAX_AGE", "0.5")
    assert settings_from_environment(tmp_path)["PAGE_REVISION_MAX_AGE"] == 0.5
