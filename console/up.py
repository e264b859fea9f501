"""`stratolab up`: one machine's whole Stratolab, supervised by one process.

It starts PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL point elsewhere),
prepares the database, then runs a Celery worker, celery beat and gunicorn as child
processes. A Ctrl-C or SIGTERM stops them all in order; if one of them dies on its own,
the rest are stopped too and the command fails, so nothing is left half running.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from console import embedded, home

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_EMAIL = "demo@stratolab.local"
DEMO_ALIAS = "demo"
READY_LINE = "Press Ctrl-C to stop."
# SIGHUP too: a closed terminal must not leave the servers running without us.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stop(BaseException):
    """Raised by the SIGINT/SIGTERM handler to unwind into the shutdown. A BaseException,
    like KeyboardInterrupt, so that no `except Exception` on the way swallows it."""


class UpError(Exception):
    """Something that ends `up` with a message and exit status 1."""


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log: Path
    stop_timeout: float = 20

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Supervisor:
    home: Path
    port: int
    children: list[Child] = field(default_factory=list)
    started_postgres: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    def run(self) -> int:
        state = self.home / "up.json"
        _claim_home(state)
        _check_port_free(self.port)
        os.environ.setdefault("STRATOLAB_PUBLIC_URL", self.url)
        previous = {s: signal.signal(s, _raise_stop) for s in _STOP_SIGNALS}
        code = 0
        try:
            state.write_text(json.dumps({"pid": os.getpid(), "port": self.port, "url": self.url}))
            self.start_servers()
            demo = prepare_database(self.home)
            self.start_children()
            self.wait_until_web_answers()
            print_banner(self.url, self.home, demo)
            self.watch()
        except Stop:
            print("\nStopping Stratolab...", flush=True)
        except UpError as err:
            print(f"stratolab: {err}", file=sys.stderr, flush=True)
            code = 1
        finally:
            # A second Ctrl-C must not cut the shutdown short and leave servers behind.
            for s in previous:
                signal.signal(s, signal.SIG_IGN)
            self.stop_all()
            state.unlink(missing_ok=True)
            for s, handler in previous.items():
                signal.signal(s, handler)
        print("Stratolab stopped." if code == 0 else "Stratolab stopped after an error.")
        return code

    def start_servers(self) -> None:
        if home.uses_embedded_postgres():
            print(f"Starting PostgreSQL (data in {home.pgdata_dir(self.home)})...", flush=True)
            # Ours to stop even if it is already running: then it was left behind by a
            # run that was killed, and this run adopts it.
            self.started_postgres = True
            database = os.environ.get("STRATOLAB_DB_NAME", "stratolab")
            try:
                with _signals_deferred():
                    embedded.start_postgres_in_own_session(self.home, database)
            except RuntimeError as err:
                raise UpError(
                    f"PostgreSQL did not start ({err}); see {embedded.postgres_log(self.home)}"
                ) from err
        if home.uses_embedded_redis():
            print("Starting Redis...", flush=True)
            try:
                proc = embedded.start_redis(self.home)
            except RuntimeError as err:
                raise UpError(str(err)) from err
            if proc is not None:
                self.children.append(Child("Redis", proc, embedded.redis_log(self.home)))

    def start_children(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        py = sys.executable
        concurrency = os.environ.get("STRATOLAB_WORKER_CONCURRENCY", "2")
        web_workers = os.environ.get("STRATOLAB_WEB_WORKERS", "2")
        self.spawn(
            "Celery worker",
            [py, "-m", "celery", "-A", "console", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"],
            "worker.log", stop_timeout=30,
        )  # fmt: skip
        self.spawn(
            "celery beat",
            [py, "-m", "celery", "-A", "console", "beat", "--loglevel=INFO",
             "--schedule", str(self.home / "celerybeat-schedule")],
            "beat.log",
        )  # fmt: skip
        self.spawn(
            "web server (gunicorn)",
            [py, "-m", "gunicorn", "console.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--worker-class", "gthread",
             "--workers", web_workers, "--threads", "4", "--graceful-timeout", "10",
             "--access-logfile", "-"],
            "web.log",
        )  # fmt: skip

    def spawn(self, name: str, argv: list[str], log_name: str, stop_timeout: float = 20) -> None:
        log = self.logs / log_name
        with log.open("ab") as out:
            proc = subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=child_env(self.port),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Own session: a terminal Ctrl-C reaches only us, and we stop the
                # children in order (web first, servers last).
                start_new_session=True,
            )
        self.children.append(Child(name, proc, log, stop_timeout))

    def wait_until_web_answers(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not _answers(self.url + "/"):
            self.check_children()
            if time.monotonic() > deadline:
                raise UpError(f"the web server did not answer on {self.url} within {timeout:.0f}s")
            time.sleep(0.2)

    def watch(self) -> None:
        last_pg_check = 0.0
        while True:
            self.check_children()
            if self.started_postgres and time.monotonic() - last_pg_check > 2:
                last_pg_check = time.monotonic()
                if not embedded.postgres_running(self.home):
                    raise UpError(
                        "PostgreSQL stopped unexpectedly; stopping the others. "
                        f"See {embedded.postgres_log(self.home)}"
                    )
            time.sleep(0.5)

    def check_children(self) -> None:
        for child in self.children:
            code = child.proc.poll()
            if code is not None:
                raise UpError(
                    f"the {child.name} exited unexpectedly (exit status {code}); "
                    f"stopping the others.\nLast lines of {child.log}:\n{_tail(child.log)}"
                )

    def stop_all(self) -> None:
        # Web first (no new requests), then beat and worker, then the servers.
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        if self.started_postgres:
            from django.db import connections

            connections.close_all()
            embedded.stop_postgres(self.home)
            self.started_postgres = False


def child_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    env.setdefault("STRATOLAB_PUBLIC_URL", f"http://127.0.0.1:{port}")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prepare_database(home_path: Path) -> dict[str, str]:
    """Migrate, collect static files, and make sure the demo account exists. Returns
    the demo sign-in to print."""
    import django
    from django.core.management import call_command
    from django.db import connections

    print("Preparing the database...", flush=True)
    django.setup()
    try:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        return ensure_demo_account(home_path)
    finally:
        connections.close_all()


def ensure_demo_account(home_path: Path) -> dict[str, str]:
    """Create the demo account on the first `up`; later runs show the same one. Its
    password exists only as a hash in the database, so the first run keeps a copy in the
    home folder (readable by its owner only) to print it again."""
    from services.core.accounts import create_account
    from services.core.models import AccessKey, Account

    saved_path = home_path / "demo.json"
    account = Account.objects.filter(root_email=DEMO_EMAIL).first()
    if account is None:
        password = secrets.token_urlsafe(12)
        account = create_account(DEMO_EMAIL, password, alias=DEMO_ALIAS).account
        saved_path.write_text(json.dumps({"account_id": account.id, "password": password}))
        saved_path.chmod(0o600)
    try:
        saved = json.loads(saved_path.read_text())
    except (OSError, ValueError):
        saved = {}
    if saved.get("account_id") == account.id:
        password = saved["password"]
    else:
        password = "(set on the first `stratolab up` of this database)"
    key = AccessKey.objects.filter(account=account, user_name="", status="Active").first()
    return {
        "account_id": account.id,
        "alias": account.alias or "",
        "email": account.root_email,
        "password": password,
        "access_key_id": key.access_key_id if key else "",
        "secret_access_key": key.secret_access_key if key else "",
    }


def print_banner(url: str, home_path: Path, demo: dict[str, str]) -> None:
    lines = [
        "",
        "Stratolab is running.",
        "",
        f"  Console:     {url}/",
        f"  Sign in:     {url}/signin",
        f"    Email:       {demo['email']}",
        f"    Password:    {demo['password']}",
        f"    Account ID:  {demo['account_id']} (alias {demo['alias']})",
        "",
        "  AWS CLI, as the demo account's root user:",
        f"    export AWS_ACCESS_KEY_ID={demo['access_key_id']}",
        f"    export AWS_SECRET_ACCESS_KEY={demo['secret_access_key']}",
        "    export AWS_DEFAULT_REGION=us-east-1",
        f"    aws --endpoint-url {url} ec2 describe-volumes",
        "",
        f"  REST API:    {url}/api/v1/  (docs: {url}/api/v1/docs/)",
        f"  Data:        {home_path}  (logs in {home_path / 'logs'})",
        "",
        READY_LINE,
    ]
    print("\n".join(lines), flush=True)


def _raise_stop(signum: int, frame: object) -> None:
    raise Stop(signum)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold a Ctrl-C or SIGTERM until the block is done, then stop."""
    received: list[int] = []
    previous = {
        s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in _STOP_SIGNALS
    }
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        raise Stop(received[0])


def _claim_home(state: Path) -> None:
    """One `up` per home: two would fight over the same servers."""
    try:
        pid = int(json.loads(state.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        pid = 0
    if pid and pid != os.getpid() and _alive(pid):
        raise_and_exit(
            f"stratolab up is already running on {state.parent} (pid {pid}). "
            "Use another --home, or stop that one first."
        )
    state.parent.mkdir(parents=True, exist_ok=True)


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise_and_exit(f"port {port} on 127.0.0.1 is in use; choose another with --port.")


def raise_and_exit(message: str) -> None:
    print(f"stratolab: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server is serving
    except (OSError, urllib.error.URLError):
        return False


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


def up(home_path: Path, port: int) -> int:
    return Supervisor(home_path, port).run()
