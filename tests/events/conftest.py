"""EventBridge tests run against the live server and worker of tests/aws (unmodified
boto3 and AWS CLI); the worker routes events to targets and fires schedules."""

from tests.aws.conftest import aws_worker, live_gateway, student  # noqa: F401
