"""A live Stratolab for unmodified boto3 and the AWS CLI: gunicorn (gthread, as
`stratolab up` runs it, so chunked bodies are read) against the test database.

Tests here use `transactional_db`: what they create is committed, so the server
process sees it, and it is flushed after each test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.conftest import Worker, _test_env, serve

AWS_CLI = Path(sys.executable).parent / "aws"


def _aws_env() -> dict[str, str]:
    env = _test_env()
    env["DJANGO_SETTINGS_MODULE"] = "tests.aws.settings"
    return env


# Package scope: two workers on one broker would take each other's lifecycle tasks, and
# tests/core/test_lifecycle.py needs its worker to be the only one.
@pytest.fixture(scope="package")
def aws_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    """A Celery worker with the live server's settings (see tests/aws/settings.py)."""
    with django_db_blocker.unblock():
        env = _aws_env()
    worker = Worker(env, tmp_path_factory.mktemp("aws-worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def live_gateway(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The base URL of a gunicorn serving Stratolab on the test database."""
    with django_db_blocker.unblock():
        env = _aws_env()
    with serve(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", 1) as url:
        yield url


@dataclass
class Student:
    """A sandbox account and its root access key, as `stratolab account create` gives."""

    account_id: str
    access_key_id: str
    secret_access_key: str
    endpoint: str

    def client(self, service: str, region: str = "us-east-1", **kwargs):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=kwargs.pop("key_id", self.access_key_id),
            aws_secret_access_key=kwargs.pop("secret", self.secret_access_key),
            config=Config(retries={"max_attempts": 1}),
            **kwargs,
        )

    def cli(self, *args: str, region: str = "us-east-1", secret: str | None = None,
            key_id: str | None = None) -> subprocess.CompletedProcess:  # fmt: skip
        """Run the AWS CLI against the live server; JSON output parsed into `.data`."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_ACCESS_KEY_ID": key_id or self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": secret or self.secret_access_key,
            "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
        }
        done = subprocess.run(
            [str(AWS_CLI), "--endpoint-url", self.endpoint, "--output", "json", *args],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        done.data = None
        if done.returncode == 0 and "--output" not in args and done.stdout.strip():
            done.data = json.loads(done.stdout)
        return done


@pytest.fixture
def student(transactional_db, live_gateway) -> Student:
    from services.core.accounts import create_account

    new = create_account("cli@example.com", "correct horse battery", alias="cli")
    return Student(
        new.account.id,
        new.access_key.access_key_id,
        new.access_key.secret_access_key,
        live_gateway,
    )
