"""gunicorn settings of `stratolab up` that its command line cannot hold (hooks).

With --preload the application is imported once in gunicorn's master; `when_ready`
then loads the AWS door's models and catalogs there, before the workers are forked, so
they share one copy and the first calls of a class pay nothing for it. Database
connections are never opened in the master (nothing here touches the database)."""

from __future__ import annotations


def when_ready(server) -> None:  # server: gunicorn's Arbiter
    from services.core.gateway.warm import warm

    server.log.info("AWS door warmed in %.1fs", warm())


def post_fork(server, worker) -> None:
    # Should anything have opened a connection in the master, no worker may share it.
    from django.db import connections

    connections.close_all()
