"""Issue 14: `stratolab up` starts gunicorn while it migrates; the master imports and
warms the application, then forks its workers only once `up` says the database is
ready (console/gunicorn_conf.py), and a stop meanwhile ends it at once."""

from __future__ import annotations

import queue
import signal
import threading
import time
from types import SimpleNamespace

import pytest

from console import gunicorn_conf


def arbiter() -> SimpleNamespace:
    return SimpleNamespace(SIG_QUEUE=queue.SimpleQueue())


def test_the_master_waits_until_the_database_is_ready(tmp_path) -> None:
    ready = tmp_path / "database-ready"
    threading.Timer(0.3, ready.touch).start()
    start = time.monotonic()
    gunicorn_conf._wait_for_file(arbiter(), str(ready))
    assert ready.exists() and time.monotonic() - start >= 0.3


def test_a_stop_while_waiting_ends_the_master(tmp_path) -> None:
    server = arbiter()
    server.SIG_QUEUE.put_nowait(signal.SIGTERM)
    with pytest.raises(SystemExit):
        gunicorn_conf._wait_for_file(server, str(tmp_path / "never"))


def test_other_signals_stay_queued_for_the_arbiter(tmp_path) -> None:
    server = arbiter()
    server.SIG_QUEUE.put_nowait(signal.SIGCHLD)
    ready = tmp_path / "database-ready"
    threading.Timer(0.2, ready.touch).start()
    gunicorn_conf._wait_for_file(server, str(ready))
    assert server.SIG_QUEUE.get_nowait() == signal.SIGCHLD


def test_a_new_data_folder_made_without_initdb_sync_is_synced_afterwards(tmp_path) -> None:
    # `up` makes a new PostgreSQL data folder with initdb --no-sync (its fsync of every
    # file took seconds on a busy disk) and flushes it in the background once it serves.
    from console import embedded

    server_module = embedded._pgserver().postgres_server
    initdb = server_module.initdb
    socket_dir = embedded.start_postgres(tmp_path, "scratch", sync_later=True)
    try:
        assert (socket_dir / ".s.PGSQL.5432").exists()
        assert server_module.initdb is initdb  # pgserver left as it was
        embedded.sync_data_folder(tmp_path)  # every file of the folder, without error
    finally:
        embedded.stop_postgres(tmp_path)
