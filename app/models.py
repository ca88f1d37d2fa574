"""Imports every model so Alembic and create_app() see the whole schema."""

from app.comments.models import Comment, CommentStatus
from app.mail.models import MailStatus, OutboxMail
from app.moderation.models import Moderator
from app.newsletter.models import Subscriber, SubscriberStatus

__all__ = ["Comment", "CommentStatus", "MailStatus", "Moderator", "OutboxMail", "Subscriber", "SubscriberStatus"]
