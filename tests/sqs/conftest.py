"""SQS tests run against the live server of tests/aws (unmodified boto3 and AWS CLI)."""

from tests.aws.conftest import aws_worker, live_gateway, student  # noqa: F401
