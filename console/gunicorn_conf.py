"""gunicorn settings of `stratolab up` that its command line cannot hold (hooks).

With --preload the application is imported once in gunicorn's master; `when_ready`
then loads the AWS door's models and catalogs there, before the workers are forked, so
they share one copy and the first calls of a class pay nothing for it. Database
connections are never opened in the master (nothing here touches the database).

`stratolab up` starts gunicorn while it migrates the database, so that the import and
the warming overlap the migration; STRATOLAB_WEB_WAIT_FOR then names a file that `up`
makes once the database is ready, and the workers are forked only after it exists."""

from __future__ import annotations

import logging
import os
import signal
import time

_STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


def when_ready(server) -> None:  # server: gunicorn's Arbiter
    from services.core.gateway.warm import warm

    server.log.info("AWS door warmed in %.1fs", warm())
    _load_console()
    wait_for = os.environ.get("STRATOLAB_WEB_WAIT_FOR")
    if wait_for:
        waited = _wait_for_file(server, wait_for)
        server.log.info("waited %.1fs for the database", waited)
        _list_static_files_again(server)


def _list_static_files_again(server) -> None:
    """WhiteNoise lists STATIC_ROOT when the middleware chain is built, which --preload
    did before `up` had collected the static files (it collects them while the web
    server loads); `up` makes the wait-for file only after collecting, so build the
    chain again now, before the workers are forked with it."""
    handler = server.app.wsgi()
    if hasattr(handler, "load_middleware"):
        handler.load_middleware()


def _load_console() -> None:
    """Import the URLconf (every app's views, forms and serializers: a second or more
    that each worker's first request paid), compile the sign-in page's templates, and
    import what the first task sent to the worker loads (Redis transport, task classes:
    0.3 s of the first RunInstances in each worker). Nothing connects anywhere."""
    try:
        import celery.backends.base
        import celery.canvas
        import celery.events.dispatcher
        import celery.result  # noqa: F401
        from django.template.loader import get_template
        from django.urls import get_resolver

        from console.celery import app

        len(get_resolver().reverse_dict)  # imports the URLconf and indexes it
        get_template("console/signin.html")
        app.connection_for_write().get_transport_cls()
    except Exception:  # an optimisation only: the first request then loads them
        logging.getLogger(__name__).warning("preloading the console failed", exc_info=True)


def _wait_for_file(server, path: str, timeout: float = 900) -> float:
    """Until `path` exists. Connections queue on the bound socket meanwhile. A stop
    signal (queued by the arbiter while we hold it here) ends the master at once."""
    start = time.monotonic()
    parent = os.getppid()
    while not os.path.exists(path) and time.monotonic() - start < timeout:
        pending = []
        while not server.SIG_QUEUE.empty():
            pending.append(server.SIG_QUEUE.get_nowait())
        if any(sig in _STOPS for sig in pending) or os.getppid() != parent:
            raise SystemExit(0)
        for sig in pending:
            server.SIG_QUEUE.put_nowait(sig)
        time.sleep(0.05)
    return time.monotonic() - start


def post_fork(server, worker) -> None:
    # Should anything have opened a connection in the master, no worker may share it.
    from django.db import connections

    connections.close_all()
