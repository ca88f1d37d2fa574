"""Flask extensions, created once here and bound to the app in create_app()."""

import logging
import struct

from babel import support
from flask import Flask, current_app
from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

logger = logging.getLogger(__name__)


class Base(DeclarativeBase):
    pass


class AppDomain(Domain):
    """Flask-Babel's message domain, caching translations per app rather than per process,
    so apps configured with different translation directories (tests, tools) never mix them.

    A compiled catalogue that cannot be read (damaged, or copied in half) makes the interface of
    that language show in English, with an error in the log, instead of a 500 on every page in
    that language, the error page included; like a catalogue never compiled, it is read again
    once it is recompiled (with catalogue reloading on) or the site restarts."""

    def get_translations_cache(self, ctx: object) -> dict:
        return current_app.extensions.setdefault("babel_translations_cache", {})

    def get_translations(self) -> support.NullTranslations:
        unreadable = unreadable_catalogues(current_app)
        if unreadable and (english := unreadable.get(str(get_locale()))) is not None:
            return english
        try:
            return super().get_translations()
        except (OSError, ValueError, struct.error) as error:
            logger.error("A compiled catalogue cannot be read, so its interface shows in English: %s", error)
            english = unreadable[str(get_locale())] = support.NullTranslations()
            return english


def unreadable_catalogues(app: Flask) -> dict[str, support.NullTranslations]:
    """The English stand-ins of the app's languages whose compiled catalogue could not be read,
    kept so that the failure is logged once, not at every message."""
    return app.extensions.setdefault("unreadable_catalogues", {})


def forget_translations(app: Flask) -> None:
    """Read every compiled catalogue again at its next use (after `translate compile`)."""
    app.extensions.get("babel_translations_cache", {}).clear()
    unreadable_catalogues(app).clear()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
babel.domain_instance = AppDomain()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
