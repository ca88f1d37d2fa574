"""Home, article, sitemap, robots and health routes."""

from flask import Blueprint

bp = Blueprint("articles", __name__)

from app.articles import routes  # noqa: E402,F401
