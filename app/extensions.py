"""Flask extensions, created once here and bound to the app in create_app()."""

from flask import current_app
from flask_babel import Babel, Domain
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class AppDomain(Domain):
    """Flask-Babel's message domain, caching translations per app rather than per process,
    so apps configured with different translation directories (tests, tools) never mix them."""

    def get_translations_cache(self, ctx: object) -> dict:
        return current_app.extensions.setdefault("babel_translations_cache", {})


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
babel.domain_instance = AppDomain()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
