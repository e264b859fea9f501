"""S3 test helpers: calling S3 operations as a given caller (root, another account,
an IAM user, nobody), with each test's object bodies under the test home folder."""

from __future__ import annotations

import pytest

from services.core import operations
from services.core.context import CallContext, Principal


class S3Caller:
    """`s3("PutObject", Bucket=..., Key=..., Body=b"...")` as one caller."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx

    def __call__(self, action: str, **params) -> dict:
        return operations.call(self.ctx, "s3", action, params)

    def region(self, region: str) -> S3Caller:
        return S3Caller(self.ctx.in_region(region))

    def read(self, bucket: str, key: str, **params) -> bytes:
        out = self("GetObject", Bucket=bucket, Key=key, **params)
        with out["Body"] as body:
            return body.read()


def caller(account, principal: Principal | None = None, region: str = "us-east-1") -> S3Caller:
    return S3Caller(
        CallContext(
            account=account,
            region=region,
            principal=principal or Principal.root(account.id),
            door="aws",
        )
    )


@pytest.fixture
def s3(account) -> S3Caller:
    return caller(account)


@pytest.fixture
def other_s3(other_account) -> S3Caller:
    return caller(other_account)


@pytest.fixture
def anonymous_s3(account) -> S3Caller:
    """A caller without credentials (the door sets the bucket owner's account)."""
    from services.s3.access import anonymous

    return caller(account, anonymous())


# REST clients of an account's root key (tests/api); the live gunicorn server and a
# student account with an access key (tests/aws).
from tests.api.conftest import api, other_api, root_key  # noqa: E402, F401
from tests.aws.conftest import AWS_CLI, Student, live_gateway, student  # noqa: E402, F401


def run_cli(who: Student, *args: str, config: str = "", home=None):
    """The AWS CLI against the live server. JSON output (s3api) is parsed into `.data`;
    the `aws s3` commands print text. `config` is a CLI config file's text."""
    import json
    import os
    import subprocess
    import tempfile

    folder = home or tempfile.mkdtemp(prefix="aws-cli-")
    config_file = os.path.join(folder, "config")
    with open(config_file, "w") as out:
        out.write(config)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "AWS_ACCESS_KEY_ID": who.access_key_id,
        "AWS_SECRET_ACCESS_KEY": who.secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": config_file,
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }
    done = subprocess.run(
        [str(AWS_CLI), "--endpoint-url", who.endpoint, "--output", "json", *args],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    done.data = None
    if done.returncode == 0 and args and args[0] == "s3api" and done.stdout.strip():
        done.data = json.loads(done.stdout)
    return done
