"""The REST API does what its OpenAPI schema says: schemathesis against a live server,
signed in as an account (access key) and as an instructor (HTTP Basic).

Seeded and bounded (a few examples per operation, no example database), so the run is
the same every time and short. It checks every answer: no 5xx, only documented status
codes and content types (errors are application/problem+json), bodies that match their
schemas, requests the schema refuses refused with a 4xx, and valid requests accepted.
An operation that changes something may still refuse a valid request with a 400 or 412
for what no schema can say (a VPC that does not exist, DryRun set), and a 409 for a
conflict with what exists.

A longer run by hand: STRATOLAB_SCHEMATHESIS_ARGS="-n 50 --phases coverage,fuzzing",
STRATOLAB_SCHEMATHESIS_TIMEOUT=3000 and STRATOLAB_SCHEMATHESIS_OUTPUT=<folder> for the
whole report (a failure's message has its end).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ARGS = shlex.split(
    os.environ.get("STRATOLAB_SCHEMATHESIS_ARGS", "--max-examples 3 --phases examples,fuzzing")
)
CLASSROOM_PATHS = "^/api/v1/(classrooms|labs)"
# What a valid request may get from an operation that writes (see the docstring).
WRITE_STATUSES = ["2xx", "400", "401", "403", "404", "409", "412", "429"]

CONFIG = f"""
[generation]
allow-x00 = false
database = "none"

[[operations]]
include-method-regex = "^(POST|PATCH|DELETE)$"
checks.positive_data_acceptance.expected-statuses = {WRITE_STATUSES!r}
"""


def schemathesis(live_server, tmp_path: Path, *args: str) -> str:
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli, "pip install -e '.[test]' installs schemathesis"
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    done = subprocess.run(
        [
            cli,
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--seed",
            "20261203",
            "--workers",
            "1",
            "--no-color",
            *args,
            *ARGS,
        ],
        capture_output=True,
        text=True,
        timeout=int(os.environ.get("STRATOLAB_SCHEMATHESIS_TIMEOUT", "600")),
        cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
    )
    if os.environ.get("STRATOLAB_SCHEMATHESIS_OUTPUT"):  # a folder: keep a long run's output
        out = Path(os.environ["STRATOLAB_SCHEMATHESIS_OUTPUT"]) / f"{tmp_path.name}.txt"
        out.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    return done.stdout


@pytest.fixture
def key(transactional_db):
    from services.core.accounts import create_account

    made = create_account("student@example.com", "correct horse battery", alias="student")
    return made.account.access_keys.get(user_name="")


def test_the_sandbox_api_answers_as_its_schema_says(live_server, key, tmp_path):
    out = schemathesis(
        live_server,
        tmp_path,
        "--header",
        f"Authorization: Token {key.access_key_id}:{key.secret_access_key}",
        "--exclude-path-regex",
        CLASSROOM_PATHS,
    )
    assert "No operations matched" not in out


def test_the_classroom_api_answers_as_its_schema_says(live_server, transactional_db, tmp_path):
    from django.contrib.auth.models import User

    User.objects.create_user("teacher", "teacher@example.com", "chalk and blackboard")
    out = schemathesis(
        live_server,
        tmp_path,
        "--auth",
        "teacher:chalk and blackboard",
        "--include-path-regex",
        CLASSROOM_PATHS,
    )
    assert "No operations matched" not in out
