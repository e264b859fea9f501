"""Settings of the live server and worker behind tests/aws.

Lifecycles finish at once, as in every test, except one end state a client must be
able to see: a terminated instance stays listed (AWS keeps it an hour), or the CLI's
`instance-terminated` waiter would find no instance at all.
"""

from tests.settings import *  # noqa: F403

STRATOLAB_TIME_SCALE = 1.0
STRATOLAB_LIFECYCLE_SECONDS = {key: 0 for key in STRATOLAB_LIFECYCLE_SECONDS}  # noqa: F405
STRATOLAB_LIFECYCLE_SECONDS["ec2.instance.terminated"] = 300
# Durations a service ships next to its model (`Lifecycle(..., defaults=)`) finish at
# once too.
STRATOLAB_LIFECYCLE_SECONDS.update(
    {"ec2.placement-group.pending": 0, "ec2.placement-group.deleting": 0}
)
