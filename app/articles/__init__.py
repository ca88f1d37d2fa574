"""Home, article, about, emergency numbers, sitemap, robots and health routes."""

from flask import Blueprint

from app.content.review_status import review_status

bp = Blueprint("articles", __name__)
# Every page that lists or shows an article asks the same question of its translation.
bp.add_app_template_global(review_status)

from app.articles import a_to_z, about, emergency, routes, sitemaps  # noqa: E402,F401
