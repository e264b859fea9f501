"""Settings of the live server and worker behind tests/sns: tests/aws's, with SNS's
delivery retries at once (the retry policy's delays are lifecycle durations)."""

from tests.aws.settings import *  # noqa: F403

STRATOLAB_LIFECYCLE_SECONDS = {
    **STRATOLAB_LIFECYCLE_SECONDS,  # noqa: F405
    "sns.retry.http": 0,
    "sns.retry.https": 0,
    "sns.retry.sqs": 0,
}
