"""Baseline for the benchmark: the smallest Flask app, served by the same gunicorn command."""

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app
