"""gunicorn settings: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_BIND, ...).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: (2 x cores) + 1 is gunicorn's own rule of thumb for I/O-light apps.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Let a worker finish in-flight requests on reload/shutdown before it is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
keepalive = 5
# Load the app once, before forking: a new or recycled worker is a fork, not a fresh import and
# start-up, so recycling costs a request or two of rendering, not a second of queueing.
preload_app = True
# Recycle workers now and then so a slow leak can never take the site down; rarely, and never
# all at once (jitter).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# No query strings in the access log: tokens in mail links must not end up in logs.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (`gunicornc`) defaults to one path per user, shared by every instance
# that user runs (two sites, or a test run beside the real one, would take each other's). Off
# unless GUNICORN_CONTROL_SOCKET names a path of this instance's own.
if "GUNICORN_CONTROL_SOCKET" in os.environ:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
    control_socket_mode = 0o600
else:
    control_socket_disable = True


def post_fork(server, worker):
    """Each worker opens its own database connections: none may be shared with the master."""
    app = server.app.wsgi()
    extension = getattr(app, "extensions", {}).get("sqlalchemy")
    if extension is not None:  # the site (the benchmark's hello-world app has no database)
        with app.app_context():
            extension.engine.dispose(close=False)
