"""The `stratolab` command.

    stratolab up [--port 8000]                 start everything on this machine
    stratolab account create --email E --password P [--alias A] [--json]
    stratolab test [pytest args]               ruff, then the whole test suite
    stratolab manage <django command> [args]   Django's management commands

Every command takes `--home DIR` (default `STRATOLAB_HOME`, else `.stratolab/`), the
folder that holds the embedded servers' data. It is put into the environment before
Django loads, so settings and child processes all agree on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from console import home

BASE_DIR = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        # Suppressed default: `account --home X create` must not be reset by `create`.
        default=argparse.SUPPRESS,
        help=f"data folder (default: $STRATOLAB_HOME, else {home.DEFAULT_HOME}/)",
    )
    parser = argparse.ArgumentParser(
        prog="stratolab",
        description="A self-hosted simulator of the AWS Management Console.",
        allow_abbrev=False,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser(
        "up",
        parents=[common],
        allow_abbrev=False,
        help="start PostgreSQL, Redis, the Celery worker and beat, and the web server",
    )
    up.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")

    account = sub.add_parser("account", parents=[common], help="sandbox accounts")
    account_sub = account.add_subparsers(dest="account_command", required=True, metavar="ACTION")
    create = account_sub.add_parser(
        "create", parents=[common], allow_abbrev=False, help="create a sandbox account"
    )
    create.add_argument("--email", required=True, help="root user email address")
    create.add_argument("--password", required=True, help="root user password")
    create.add_argument("--alias", help="account alias (what the sign-in page accepts)")
    create.add_argument("--json", action="store_true", help="print the result as JSON")

    sub.add_parser(
        "test",
        parents=[common],
        allow_abbrev=False,
        help="run ruff and the whole test suite (extra arguments go to pytest)",
    )
    sub.add_parser(
        "manage",
        parents=[common],
        allow_abbrev=False,
        help="run a Django management command (arguments go to manage.py)",
    )
    return parser


def resolve_home(arg: str | None) -> Path:
    return Path(arg or os.environ.get("STRATOLAB_HOME") or home.DEFAULT_HOME).resolve()


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("test", "manage"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    home_path = resolve_home(getattr(args, "home", None))
    os.environ["STRATOLAB_HOME"] = str(home_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    if args.command == "up":
        from console.up import up

        sys.exit(up(home_path, args.port))
    if args.command == "account":
        sys.exit(account_create(home_path, args))
    if args.command == "test":
        sys.exit(run_tests(home_path, extra))
    if args.command == "manage":
        sys.exit(manage(home_path, extra))


def _public_url_of_running_up(home_path: Path) -> str | None:
    try:
        return json.loads((home_path / "up.json").read_text())["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _django_for_command(home_path: Path) -> None:
    """Load Django against the home's servers and bring the schema up to date (a
    no-op while `up` runs; needed when this is the first command on a new home)."""
    import django
    from django.core.management import call_command

    if url := _public_url_of_running_up(home_path):
        os.environ.setdefault("STRATOLAB_PUBLIC_URL", url)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def account_create(home_path: Path, args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from console import embedded

    try:
        validate_email(args.email)
    except ValidationError:
        return _fail(f"{args.email!r} is not a valid email address.")
    with embedded.servers_for_command(home_path):
        try:
            _django_for_command(home_path)
            from django.db import DatabaseError

            from services.core.accounts import create_account
            from services.core.errors import AwsError

            try:
                new = create_account(args.email, args.password, alias=args.alias)
            except AwsError as err:
                return _fail(err.message)
            except DatabaseError as err:
                return _fail(f"could not create the account: {err}".strip())
        finally:
            _close_connections()
    data = new.as_json()
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(f"Created account {data['account_id']} for {data['email']}.")
        print(f"  Sign in:           {data['sign_in_url']}")
        print(f"  Access key ID:     {data['access_key_id']}")
        print(f"  Secret access key: {data['secret_access_key']}")
    return 0


def run_tests(home_path: Path, pytest_args: list[str]) -> int:
    """ruff check, ruff format --check, then pytest; all run, the first failure's exit
    status is returned. The suite gets a home of its own (`<home>/test`) so it never
    touches the servers of a running `stratolab up`."""
    if not (BASE_DIR / "tests").is_dir():
        return _fail(f"no tests/ folder next to {BASE_DIR / 'console'}; install with pip -e.")
    env = dict(os.environ)
    env["STRATOLAB_HOME"] = str(home_path / "test")
    # The suite picks its own settings (pyproject: tests.settings).
    env.pop("DJANGO_SETTINGS_MODULE", None)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        print(f"Chromium: {chromium} (browser tests will run)", flush=True)
    else:
        print("No Chromium found on PATH: browser tests will be SKIPPED.", flush=True)
    steps = [
        ("ruff check", [sys.executable, "-m", "ruff", "check", "."]),
        ("ruff format", [sys.executable, "-m", "ruff", "format", "--check", "."]),
        ("pytest", [sys.executable, "-m", "pytest", *pytest_args]),
    ]
    results: list[tuple[str, int]] = []
    for name, argv in steps:
        print(f"\n==> {' '.join(argv[2:])}", flush=True)
        code = subprocess.call(argv, cwd=BASE_DIR, env=env)
        if name == "pytest" and code == 5 and pytest_args:
            code = 0  # a selection that matches nothing is not a failure
        results.append((name, code))
    print()
    for name, code in results:
        print(f"{name:12} {'ok' if code == 0 else f'FAILED (exit status {code})'}")
    return next((code for _, code in results if code), 0)


def manage(home_path: Path, manage_args: list[str]) -> int:
    from console import embedded

    with embedded.servers_for_command(home_path):
        try:
            import django
            from django.core.management import execute_from_command_line

            if url := _public_url_of_running_up(home_path):
                os.environ.setdefault("STRATOLAB_PUBLIC_URL", url)
            django.setup()
            execute_from_command_line(["stratolab manage", *manage_args])
        finally:
            _close_connections()
    return 0


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def _fail(message: str) -> int:
    print(f"stratolab: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
