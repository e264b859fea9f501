"""The live server, its worker and a sandbox account of tests/aws, for filter tests
through unmodified boto3."""

from tests.aws.conftest import aws_worker, live_gateway, student  # noqa: F401
