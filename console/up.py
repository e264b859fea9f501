"""`stratolab up`: one machine's whole Stratolab, supervised by one process.

It starts PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL point elsewhere),
prepares the database, then runs a Celery worker, celery beat and gunicorn as child
processes. A Ctrl-C or SIGTERM stops them all in order. A child that dies on its own is
started again after a pause that grows while it keeps dying (logged on the terminal and
in logs/up.log); one that dies five times in a row within seconds of its start ends
`up` with its log.

Nothing outlives `up`: each child gets a parent-death signal (Linux), and a small
watchdog process, which holds the home's lock with us, stops whatever is left (the
children's process groups, PostgreSQL) if `up` itself is killed. The lock (flock on
<home>/up.lock) also refuses a second `up` on the same home.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
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
# A child that dies this soon after its start counts as crashing, not as having run.
QUICK_DEATH_SECONDS = 10.0
MAX_QUICK_DEATHS = 5
MAX_BACKOFF_SECONDS = 30.0
_PR_SET_PDEATHSIG = 1


class Stop(BaseException):
    """Raised by the SIGINT/SIGTERM handler to unwind into the shutdown. A BaseException,
    like KeyboardInterrupt, so that no `except Exception` on the way swallows it."""


class UpError(Exception):
    """Something that ends `up` with a message and exit status 1."""


def die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A `preexec_fn` for our children: files they create are the owner's only
    (logs, Redis's dump), and on Linux the kernel sends them SIGTERM when `up` dies,
    however it dies (kill -9 included)."""

    def preexec() -> None:
        os.umask(0o077)
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            except (OSError, AttributeError):
                pass
        if os.getppid() != parent_pid:
            os._exit(1)  # `up` died between fork and prctl

    return preexec


@dataclass
class Child:
    """A supervised process: how to start it, and how it has been doing."""

    name: str
    start: Callable[[], subprocess.Popen | None]
    log: Path
    stop_timeout: float = 20
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    # Stopped in descending rank: the web server (2), then worker and beat (1), then
    # Redis (0), whatever order they were started in.
    stop_rank: int = 0

    def launch(self) -> None:
        self.proc = self.start()
        self.started_at = time.monotonic()
        self.restart_at = None

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        _kill_group(proc.pid)


@dataclass
class Supervisor:
    home: Path
    port: int
    children: list[Child] = field(default_factory=list)
    started_postgres: bool = False
    unsynced_pgdata: bool = False
    _syncing: threading.Thread | None = None
    postgres_quick_deaths: int = 0
    watchdog: subprocess.Popen | None = None
    _watchdog_pipe: int | None = None
    _lock: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    def run(self) -> int:
        state = self.home / "up.json"
        self._lock = _claim_home(self.home)
        _check_port_free(self.port)
        os.environ.setdefault("STRATOLAB_PUBLIC_URL", self.url)
        previous = {s: signal.signal(s, _raise_stop) for s in _STOP_SIGNALS}
        code = 0
        try:
            state.write_text(json.dumps({"pid": os.getpid(), "port": self.port, "url": self.url}))
            _prepare_logs(self.logs)
            protect_secrets(self.home)
            self.start_watchdog()
            # The web server imports the application and warms the AWS door (seconds of
            # CPU) while PostgreSQL starts and the database is migrated; it forks its
            # workers, the only part of it that uses the database, once that is done.
            self.database_ready.unlink(missing_ok=True)
            self.start_web()
            # Django loads (and static files are collected) while PostgreSQL starts.
            loading = _in_background(load_django)
            self.start_servers()
            loading.result()
            migrate(self.home)
            self.database_ready.touch()
            # The web workers fork while the demo account is made; the Celery worker
            # and beat (seconds of CPU to boot, and not needed for the first page) start
            # once the web server answers.
            demo = prepare_demo(self.home)
            self.wait_until_web_answers()
            self.start_children()
            print_banner(self.url, self.home, demo)
            self.sync_new_pgdata()
            self.watch()
        except Stop:
            print("\nStopping Stratolab...", flush=True)
        except UpError as err:
            print(f"stratolab: {err}", file=sys.stderr, flush=True)
            self.note(f"stopping after an error: {err}", terminal=False)
            code = 1
        finally:
            # A second Ctrl-C must not cut the shutdown short and leave servers behind.
            for s in previous:
                signal.signal(s, signal.SIG_IGN)
            self.stop_all()
            state.unlink(missing_ok=True)
            self.stop_watchdog()
            for s, handler in previous.items():
                signal.signal(s, handler)
        print("Stratolab stopped." if code == 0 else "Stratolab stopped after an error.")
        return code

    # --- the watchdog ---------------------------------------------------------------

    def start_watchdog(self) -> None:
        """A process that outlives us only to clean up: it reads a pipe we hold, learns
        the process groups we start, and if the pipe closes without a "done" (we were
        killed) it stops them and PostgreSQL. It shares our lock, so a new `up` waits
        for it."""
        read_end, write_end = os.pipe()
        assert self._lock is not None
        self.watchdog = subprocess.Popen(
            [sys.executable, "-c", "from console.up import watchdog_main; watchdog_main()",
             str(read_end), str(self.home)],
            cwd=BASE_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=(read_end, self._lock),
            start_new_session=True,
        )  # fmt: skip
        os.close(read_end)
        self._watchdog_pipe = write_end

    def tell_watchdog(self, line: str) -> None:
        if self._watchdog_pipe is not None:
            try:
                os.write(self._watchdog_pipe, (line + "\n").encode())
            except OSError:
                pass

    def stop_watchdog(self) -> None:
        self.tell_watchdog("done")
        if self._watchdog_pipe is not None:
            os.close(self._watchdog_pipe)
            self._watchdog_pipe = None
        if self.watchdog is not None:
            try:
                self.watchdog.wait(10)
            except subprocess.TimeoutExpired:
                self.watchdog.kill()
            self.watchdog = None

    # --- starting -------------------------------------------------------------------

    def start_servers(self) -> None:
        if home.uses_embedded_postgres():
            self.tell_watchdog("postgres")
            # Ours to stop even if it is already running: then it was left behind by a
            # run that was killed, and this run adopts it.
            self.started_postgres = True
            self.start_postgres()
        if home.uses_embedded_redis():
            print("Starting Redis...", flush=True)
            child = Child("Redis", self.start_redis, embedded.redis_log(self.home), 15)
            try:
                child.launch()
            except RuntimeError as err:
                raise UpError(str(err)) from err
            if child.proc is not None:
                self.tell_watchdog(f"group {child.proc.pid}")
                self.children.append(child)

    def start_postgres(self) -> None:
        print(f"Starting PostgreSQL (data in {home.pgdata_dir(self.home)})...", flush=True)
        if not (home.pgdata_dir(self.home) / "PG_VERSION").exists():
            self.unsynced_pgdata = True  # initdb --no-sync: synced once we serve
        database = os.environ.get("STRATOLAB_DB_NAME", "stratolab")
        try:
            with _signals_deferred():
                embedded.start_postgres_in_own_session(self.home, database, sync_later=True)
        except RuntimeError as err:
            raise UpError(
                f"PostgreSQL did not start ({err}); see {embedded.postgres_log(self.home)}"
            ) from err

    def start_redis(self) -> subprocess.Popen | None:
        return embedded.start_redis(self.home, preexec_fn=die_with_parent(os.getpid()))

    @property
    def database_ready(self) -> Path:
        """Made once the database is migrated: the web server's master waits for it
        before forking its workers (console/gunicorn_conf.py)."""
        return self.home / "database-ready"

    def start_web(self) -> None:
        self.spawn(
            "web server (gunicorn)", gunicorn_argv(f"127.0.0.1:{self.port}"), "web.log",
            env={"STRATOLAB_WEB_WAIT_FOR": str(self.database_ready)}, stop_rank=2,
        )  # fmt: skip

    def start_children(self) -> None:
        """The Celery worker and celery beat (the web server is started earlier)."""
        py = sys.executable
        concurrency = os.environ.get("STRATOLAB_WORKER_CONCURRENCY", "2")
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

    def spawn(
        self,
        name: str,
        argv: list[str],
        log_name: str,
        stop_timeout: float = 20,
        env: dict[str, str] | None = None,
        stop_rank: int = 1,
    ) -> None:
        log = self.logs / log_name
        child_environment = {**child_env(self.port), **(env or {})}

        def start() -> subprocess.Popen:
            fd = _open_log(log)
            try:
                proc = subprocess.Popen(
                    argv,
                    cwd=BASE_DIR,
                    env=child_environment,
                    stdin=subprocess.DEVNULL,
                    stdout=fd,
                    stderr=subprocess.STDOUT,
                    # Own session: a terminal Ctrl-C reaches only us, and we stop the
                    # children in order (web first, servers last).
                    start_new_session=True,
                    preexec_fn=die_with_parent(os.getpid()),
                )
            finally:
                os.close(fd)
            self.tell_watchdog(f"group {proc.pid}")
            return proc

        child = Child(name, start, log, stop_timeout, stop_rank=stop_rank)
        child.launch()
        self.children.append(child)

    def wait_until_web_answers(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not _answers(self.url + "/"):
            self.check_children()
            if time.monotonic() > deadline:
                raise UpError(f"the web server did not answer on {self.url} within {timeout:.0f}s")
            time.sleep(0.2)

    def sync_new_pgdata(self) -> None:
        """A new data folder was made without initdb's fsync of every file (seconds on a
        busy disk, on the way to the first page): flush it now, in the background."""
        if self.unsynced_pgdata:
            self.unsynced_pgdata = False
            self._syncing = threading.Thread(
                target=embedded.sync_data_folder, args=(self.home,), daemon=True
            )
            self._syncing.start()

    # --- watching -------------------------------------------------------------------

    def watch(self) -> None:
        last_pg_check = 0.0
        while True:
            self.check_children()
            if self.started_postgres and time.monotonic() - last_pg_check > 2:
                last_pg_check = time.monotonic()
                self.check_postgres()
            time.sleep(0.5)

    def check_children(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.restart(child)
                continue
            if child.proc is None:
                continue  # another Redis answered on the socket: not ours to watch
            code = child.proc.poll()
            if code is None:
                if now - child.started_at > QUICK_DEATH_SECONDS:
                    child.quick_deaths = 0  # it ran: the next death starts over
                continue
            _kill_group(child.proc.pid)  # what it leaves behind (gunicorn's workers)
            self.tell_watchdog(f"gone {child.proc.pid}")
            ran = now - child.started_at
            child.quick_deaths = child.quick_deaths + 1 if ran < QUICK_DEATH_SECONDS else 1
            if child.quick_deaths >= MAX_QUICK_DEATHS:
                raise UpError(
                    f"the {child.name} keeps exiting (exit status {code}, "
                    f"{child.quick_deaths} times in a row); stopping the others.\n"
                    f"Last lines of {child.log}:\n{_tail(child.log)}"
                )
            delay = min(MAX_BACKOFF_SECONDS, 2.0 ** (child.quick_deaths - 1))
            child.restart_at = now + delay
            self.note(
                f"the {child.name} exited unexpectedly (exit status {code}); "
                f"restarting it in {delay:.0f}s. See {child.log}"
            )

    def restart(self, child: Child) -> None:
        try:
            child.launch()
        except RuntimeError as err:  # Redis that does not answer again
            child.restart_at = time.monotonic() + MAX_BACKOFF_SECONDS
            child.started_at = time.monotonic()
            self.note(f"the {child.name} did not start again ({err})")
            return
        pid = child.proc.pid if child.proc else "-"
        self.note(f"restarted the {child.name} (pid {pid})")

    def check_postgres(self) -> None:
        if embedded.postgres_running(self.home):
            return
        self.postgres_quick_deaths += 1
        if self.postgres_quick_deaths >= MAX_QUICK_DEATHS:
            raise UpError(
                "PostgreSQL keeps stopping; stopping the others. "
                f"See {embedded.postgres_log(self.home)}"
            )
        self.note("PostgreSQL stopped unexpectedly; starting it again.")
        self.start_postgres()
        self.note("PostgreSQL is running again.")

    def note(self, message: str, terminal: bool = True) -> None:
        """A supervision event, on the terminal and in logs/up.log."""
        if terminal:
            print(f"stratolab: {message}", flush=True)
        try:
            fd = _open_log(self.logs / "up.log")
            with os.fdopen(fd, "a") as out:
                out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")
        except OSError:
            pass

    def stop_all(self) -> None:
        # Web first (no new requests), then beat and worker, then the servers.
        ranked = sorted(enumerate(self.children), key=lambda c: (c[1].stop_rank, c[0]))
        for _, child in reversed(ranked):
            child.stop()
            if child.proc is not None:
                self.tell_watchdog(f"gone {child.proc.pid}")
        self.children.clear()
        if self._syncing is not None:
            self._syncing.join(60)
        if self.started_postgres:
            from django.db import connections

            connections.close_all()
            embedded.stop_postgres(self.home)
            self.started_postgres = False
            self.tell_watchdog("postgres stopped")


def gunicorn_argv(bind: str, workers: str | None = None) -> list[str]:
    """The web server's command line: gthread workers that only take whole requests
    (console/web_worker.py), with an access log that keeps no signatures."""
    return [
        sys.executable, "-m", "gunicorn", "console.wsgi:application",
        "--bind", bind,
        "--worker-class", "console.web_worker.BufferingThreadWorker",
        "--workers", workers or os.environ.get("STRATOLAB_WEB_WORKERS", "2"),
        "--threads", "4", "--graceful-timeout", "10",
        # Idle keep-alive connections stay open 75 s (gunicorn's 2 s closed them while a
        # class's clients were about to reuse them: a busy machine turned that race into
        # "connection reset" errors); they cost no thread, only a socket in the poller.
        "--keep-alive", "75",
        # The application and the AWS door's models load once, in the master, and the
        # workers are forked with them (console/gunicorn_conf.py).
        "--preload", "--config", "python:console.gunicorn_conf",
        "--logger-class", "console.access_log.AccessLogger",
        "--access-logfile", "-",
        # gunicorn's control socket lives in ~/.gunicorn: one per user, not per server.
        "--no-control-socket",
    ]  # fmt: skip


def watchdog_main() -> None:
    """The watchdog (see Supervisor.start_watchdog): argv is the pipe's fd and the home."""
    fd, home_path = int(sys.argv[1]), Path(sys.argv[2])
    for s in _STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)  # only the pipe ends us
    groups: set[int] = set()
    postgres = False
    done = False
    with os.fdopen(fd, "r") as pipe:
        for line in pipe:
            word, _, arg = line.strip().partition(" ")
            if word == "group":
                groups.add(int(arg))
            elif word == "gone":
                groups.discard(int(arg))
            elif word == "postgres":
                postgres = arg != "stopped"
            elif word == "done":
                done = True
    if done:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            _kill_group(group, sig)
        deadline = time.monotonic() + 10
        while any(_group_alive(g) for g in groups) and time.monotonic() < deadline:
            time.sleep(0.2)
    if postgres:
        embedded.stop_postgres(home_path)


def _kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prepare_logs(logs: Path) -> None:
    """logs/ is its owner's only: requests, tracebacks and addresses are in there."""
    logs.mkdir(parents=True, exist_ok=True, mode=0o700)
    logs.chmod(0o700)
    for path in logs.iterdir():
        if path.is_file():
            path.chmod(0o600)


def _open_log(path: Path) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def protect_secrets(home_path: Path) -> None:
    """Files of the home that hold secrets are the owner's only, also when an older
    version created them. The home itself stays traversable: PostgreSQL runs as its own
    system user when we are root."""
    for name in ("secret_key", "demo.json"):
        path = home_path / name
        if path.exists():
            path.chmod(0o600)
    redis_dir = home.redis_socket(home_path).parent
    if redis_dir.exists():
        redis_dir.chmod(0o700)


def child_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    env.setdefault("STRATOLAB_PUBLIC_URL", f"http://127.0.0.1:{port}")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prepare_database(home_path: Path) -> dict[str, str]:
    """Migrate, collect static files, and make sure the demo account exists. Returns
    the demo sign-in to print."""
    load_django()
    migrate(home_path)
    return prepare_demo(home_path)


def load_django() -> None:
    """Set Django up and collect static files: nothing that needs the database, so it
    runs while PostgreSQL starts."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


def migrate(home_path: Path) -> None:
    from django.core.management import call_command
    from django.db import connections

    print("Preparing the database...", flush=True)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        connections.close_all()


def prepare_demo(home_path: Path) -> dict[str, str]:
    from django.db import connections

    try:
        return ensure_demo_account(home_path)
    finally:
        connections.close_all()


class _Background:
    """A function running in a thread; result() waits for it and re-raises its error."""

    def __init__(self, func: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(func,), daemon=True)
        self.thread.start()

    def _run(self, func: Callable[[], None]) -> None:
        try:
            func()
        except BaseException as exc:  # handed to the waiting thread
            self.error = exc

    def result(self) -> None:
        while self.thread.is_alive():
            self.thread.join(0.2)  # short waits, so a Ctrl-C is not held up
        if self.error is not None:
            raise self.error


def _in_background(func: Callable[[], None]) -> _Background:
    return _Background(func)


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


def _claim_home(home_path: Path) -> int:
    """One `up` per home: two would fight over the same servers. Returns the fd that
    holds the lock (until we and our watchdog have exited)."""
    home_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(home_path / "up.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        try:
            pid = int(json.loads((home_path / "up.json").read_text())["pid"])
            who = f" (pid {pid})"
        except (OSError, ValueError, KeyError, TypeError):
            who = ""  # the previous one's watchdog is still cleaning up
        raise_and_exit(
            f"stratolab up is already running on {home_path}{who}. "
            "Use another --home, or stop that one first."
        )
    return fd


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
