"""Where a Stratolab installation keeps its data, and how to reach its servers.

Every process (web, worker, beat, the `stratolab` command, the test suite) derives the
same PostgreSQL and Redis addresses from the home folder alone, so nothing has to be
handed from the process that started the servers to the ones that use them.
`DATABASE_URL` and `REDIS_URL` replace the embedded servers when set.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_HOME = ".stratolab"


def home_dir() -> Path:
    """The installation's home folder (`STRATOLAB_HOME`, else `.stratolab/` here)."""
    return Path(os.environ.get("STRATOLAB_HOME", DEFAULT_HOME)).resolve()


def pgdata_dir(home: Path | None = None) -> Path:
    return (home or home_dir()) / "pgdata"


def postgres_socket_dir(home: Path | None = None) -> Path:
    """Where the embedded server's socket is: pgserver puts it in the data folder unless
    that path is too long for a socket, and records the choice in postmaster.pid."""
    pgdata = pgdata_dir(home)
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        return Path(lines[4]) if len(lines) > 4 and lines[4] else pgdata
    except OSError:
        return pgdata


def redis_socket(home: Path | None = None) -> Path:
    return (home or home_dir()) / "redis" / "redis.sock"


def uses_embedded_postgres() -> bool:
    return not os.environ.get("DATABASE_URL")


def uses_embedded_redis() -> bool:
    return not os.environ.get("REDIS_URL")


def database_settings() -> dict:
    """Django DATABASES['default'] from DATABASE_URL or the embedded server's socket."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        # pgserver listens on a Unix socket inside its data folder, as user postgres.
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("STRATOLAB_DB_NAME", "stratolab"),
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": str(postgres_socket_dir()),
            "PORT": "",
        }
    parts = urlparse(url)
    query = parse_qs(parts.query)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("STRATOLAB_DB_NAME") or unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
    }


def redis_url() -> str:
    """The Redis URL for redis-py and Celery (a Unix socket for the embedded server)."""
    return os.environ.get("REDIS_URL") or f"unix://{redis_socket()}"


def celery_broker_url() -> str:
    url = redis_url()
    # kombu spells a Unix-socket Redis transport differently from redis-py.
    if url.startswith("unix://"):
        return "redis+socket://" + url.removeprefix("unix://")
    return url
